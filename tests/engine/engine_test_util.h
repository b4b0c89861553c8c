#pragma once
// Helpers that several engine tests use, defined once: the test files of an area compile
// together in unity batches, so two files may not each define their own.
#include "error.h"
#include "train_config.h"

#include <QByteArray>
#include <QString>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tbtest {

// Token ids as a batch of one: (1, T) int64.
at::Tensor idsTensor(const std::vector<int64_t> &ids);

nlohmann::json readJsonFile(const std::string &path);

// Writes (replaces) a file with exactly these bytes.
void writeBytes(const std::string &path, const std::string &bytes);

// Writes `contents` to tempDir()/name; returns the path, empty if it could not be written.
std::string writeTemp(const QString &name, const QByteArray &contents);

// The message of the tb::Error that `f` throws; empty when it throws none.
template <class F>
QString errorOf(F &&f)
{
    try {
        f();
    } catch (const tb::Error &e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// A short real from-scratch run on the start of Tiny Shakespeare (40,000 bytes): a nano
// model, 8 steps of 4 rows of 32 tokens, evaluated every 4. Empty data when the corpus is
// missing (the callers skip or fail as sharedFile() says).
tb::TrainConfig smallShakespeareRun(const QString &runDir);

} // namespace tbtest
