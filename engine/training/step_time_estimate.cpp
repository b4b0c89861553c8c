#include "step_time_estimate.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace tb {

int64_t matmulParameterCount(const ModelConfig &c)
{
    const int64_t attention = c.hiddenSize * c.hiddenSize * 2 + c.hiddenSize * c.kvDim() * 2; // q, o; k, v
    const int64_t mlp = 3 * c.hiddenSize * c.intermediateSize;                                  // gate, up, down
    const int64_t lmHead = c.vocabSize * c.hiddenSize; // tied or not, the head is a product
    return c.numLayers * (attention + mlp) + lmHead;
}

StepFlops trainingStepFlops(const ModelConfig &config, int64_t batchSize, int64_t contextLength)
{
    const double tokens = double(batchSize) * double(contextLength);
    StepFlops f;
    f.matmul = 6.0 * double(matmulParameterCount(config)) * tokens;
    f.attention = 12.0 * double(config.numLayers) * double(config.hiddenSize) * double(contextLength) * tokens;
    return f;
}

double measureMatmulFlopsPerSecond(double seconds, int64_t n)
{
    torch::NoGradGuard noGrad;
    torch::manual_seed(0);
    const auto a = torch::randn({n, n});
    const auto b = torch::randn({n, n});
    auto c = torch::mm(a, b); // warm-up: first-call allocation and BLAS start-up
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    int64_t products = 0;
    double elapsed = 0.0;
    do {
        torch::mm_out(c, a, b);
        ++products;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < seconds);
    return 2.0 * double(n) * double(n) * double(n) * double(products) / std::max(elapsed, 1e-9);
}

double estimateStepSeconds(const ModelConfig &config, int64_t batchSize, int64_t contextLength,
                           double flopsPerSecond)
{
    if (flopsPerSecond <= 0.0)
        return 0.0;
    return trainingStepFlops(config, batchSize, contextLength).total() / flopsPerSecond;
}

} // namespace tb
