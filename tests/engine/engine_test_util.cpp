#include "engine_test_util.h"

#include "test_support.h"

#include <QFile>

#include <torch/torch.h>

#include <fstream>

namespace tbtest {

at::Tensor idsTensor(const std::vector<int64_t> &ids)
{
    return torch::tensor(ids, torch::kLong).view({1, int64_t(ids.size())}); // (1, T)
}

nlohmann::json readJsonFile(const std::string &path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

void writeBytes(const std::string &path, const std::string &bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

std::string writeTemp(const QString &name, const QByteArray &contents)
{
    const QString path = tempDir() + "/" + name;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(contents);
    return path.toStdString();
}

tb::TrainConfig smallShakespeareRun(const QString &runDir)
{
    tb::TrainConfig c;
    c.data = shakespeareSample(40000).toStdString();
    c.preset = tb::ModelPreset::Nano;
    c.vocabSize = 400;
    c.contextLength = 32;
    c.batchSize = 4;
    c.maxSteps = 8;
    c.warmupSteps = 2;
    c.evalEvery = 4;
    c.evalBatches = 2;
    c.learningRate = 3e-3;
    c.keepLast = 5;
    c.threads = 2;
    c.runDir = runDir.toStdString();
    return c;
}

} // namespace tbtest
