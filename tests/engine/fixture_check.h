#pragma once

#include "llama_model.h"

#include <QString>

#include <nlohmann/json.hpp>

namespace tbtest {

// What ../shared/fixtures/*.expected.json holds (see its README for the tolerances).
struct FixtureExpectation {
    torch::Tensor inputIds;  // (2, 16) int64
    torch::Tensor logits;    // (2, 16, 512) float32
    torch::Tensor targets;   // (2, 16) int64, -1 = ignored
    double meanCrossEntropy = 0.0;
    double gradNorm = 0.0;
    std::vector<int64_t> promptIds;
    int64_t newTokens = 0;
    std::vector<int64_t> greedyIds;
};

FixtureExpectation loadExpectation(const QString &path);

// Greedy decoding as a plain loop, without (useCache = false) or with the KV cache.
std::vector<int64_t> greedyDecode(tb::LlamaModel &model, const std::vector<int64_t> &prompt, int64_t newTokens,
                                  bool useCache);

// Compares logits, loss, gradient norm and greedy ids (with and without the cache) with
// the fixture's tolerances. Returns an empty string on success, else what differed.
QString checkAgainstFixture(tb::LlamaModel &model, const FixtureExpectation &expected);

} // namespace tbtest
