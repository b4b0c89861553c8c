#include "memory_estimate.h"

#include "error.h"
#include "text_util.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#endif

namespace tb {

namespace {

// Bytes as a whole number, at most 2^60 (an exabyte): an absurd plan (context_length =
// 1e9) stays a huge positive estimate that is refused, and the sum of the parts cannot
// overflow into a negative one that passes every limit.
constexpr double kMaxBytes = 1152921504606846976.0; // 2^60
long long bytes(double value)
{
    return value >= kMaxBytes || value != value ? (long long)(kMaxBytes) : (long long)(value);
}

int64_t linearParams(const ModelConfig &m, const std::string &target, int64_t *in, int64_t *out)
{
    const int64_t c = m.hiddenSize, kv = m.kvDim(), q = m.numHeads * m.headDim(), i = m.intermediateSize;
    if (target == "q_proj") { *in = c; *out = q; }
    else if (target == "k_proj" || target == "v_proj") { *in = c; *out = kv; }
    else if (target == "o_proj") { *in = q; *out = c; }
    else if (target == "gate_proj" || target == "up_proj") { *in = c; *out = i; }
    else if (target == "down_proj") { *in = i; *out = c; }
    else { *in = *out = 0; }
    return *in * *out;
}

} // namespace

std::string MemoryEstimate::describe() const
{
    return mibText(total()) + ": weights " + mibText(weights) + ", gradients " + mibText(gradients) + ", optimizer "
        + mibText(optimizer) + ", activations " + mibText(activations) + ", chat copy " + mibText(chatSnapshot) + ", data "
        + mibText(data) + ", runtime " + mibText(runtime);
}

MemoryEstimate estimateTrainingMemory(const MemoryPlan &p)
{
    const ModelConfig &m = p.model;
    const int64_t c = m.hiddenSize, inter = m.intermediateSize, kv = m.kvDim(), layers = m.numLayers;
    const int64_t embed = m.vocabSize * c;
    const int64_t perLayer = m.parameterCount() - embed * (m.tieWordEmbeddings ? 1 : 2) - c; // - final norm
    const int64_t layerParams = perLayer / std::max<int64_t>(1, layers);
    const int64_t total = m.parameterCount();
    const int64_t head = p.numLabels > 0 ? p.numLabels * c : 0;

    // Which parameters train.
    int64_t trainable = 0;
    if (p.loraRank > 0) {
        for (const std::string &t : p.loraTargets) {
            int64_t in = 0, out = 0;
            linearParams(m, t, &in, &out);
            trainable += p.loraRank * (in + out) * layers;
        }
        trainable += head;
    } else if (p.freezeBase) {
        trainable = head;
    } else {
        trainable = total + head;
        if (p.freezeEmbeddings)
            trainable -= embed;
        trainable -= layerParams * std::min(p.freezeLayers, layers);
    }
    const int64_t frozen = total + head - std::min(trainable, total + head);

    MemoryEstimate e;
    e.trainableParameters = trainable;
    e.weights = bytes(double(trainable) * 4.0 + double(frozen) * (p.baseBf16 ? 2.0 : 4.0));
    e.gradients = bytes(double(trainable) * 4.0);
    e.optimizer = bytes(double(trainable) * 8.0);
    e.chatSnapshot = p.chatSnapshot ? (p.loraRank > 0 || p.freezeBase ? bytes(double(trainable) * 4.0) : e.weights) : 0;
    e.data = bytes(double(p.dataBytes));
    e.runtime = bytes(double(p.runtimeBytes));

    // Activations kept for the backward pass, per token and layer, in elements. Counted
    // from what LibTorch's autograd saves for our layer (norm outputs, q/k/v and their
    // rotary forms, attention output, the three SwiGLU products and the residuals),
    // calibrated against measured peaks (tests/engine/tst_memory_estimate.cpp).
    const double tokens = double(p.batchSize) * double(p.contextLength);
    const bool grads = trainable > 0;
    const double elem = p.autocastBf16 || p.baseBf16 ? 2.0 : 4.0;
    const double perToken = 12.0 * double(c) + 4.0 * double(kv) + 5.0 * double(inter);
    const double attention = 3.0 * double(m.numHeads) * double(p.contextLength) * 4.0; // scores, mask sum, probs (float32)
    const double layer = tokens * (perToken * elem + attention);
    double saved = grads ? (p.gradientCheckpointing ? tokens * double(c) * 4.0 * double(layers) + 2.0 * layer
                                                    : layer * double(layers) + layer)
                         : layer; // no gradient: one layer's temporaries at a time
    // Logits, their log-softmax and their gradient in float32 (LM); a classifier reads
    // hidden states only.
    const double vocab = p.numLabels > 0 ? double(p.numLabels) : double(m.vocabSize);
    saved += tokens * vocab * 4.0 * (p.numLabels > 0 ? 0.0 : 3.0);
    // Autocast keeps a bfloat16 copy of each weight it casts for the duration of a forward.
    if (p.autocastBf16)
        saved += double(total) * 2.0;
    e.activations = bytes(saved);
    return e;
}

long long availableMemoryBytes()
{
    std::ifstream in("/proc/meminfo");
    std::string key;
    long long kb = 0;
    std::string unit;
    while (in >> key >> kb >> unit)
        if (key == "MemAvailable:")
            return kb * 1024;
#if defined(_SC_AVPHYS_PAGES) && defined(_SC_PAGESIZE)
    return (long long)(sysconf(_SC_AVPHYS_PAGES)) * (long long)(sysconf(_SC_PAGESIZE));
#else
    return 0;
#endif
}

void requireMemoryFits(const MemoryPlan &plan, long long limitBytes)
{
    const MemoryEstimate estimate = estimateTrainingMemory(plan);
    if (limitBytes <= 0 || estimate.total() <= limitBytes)
        return;
    std::ostringstream message;
    message << "this run needs about " << mibText(estimate.total()) << " (" << estimate.describe() << ") but only "
            << mibText(limitBytes) << " is available. Options that would fit:";
    int fitting = 0;
    auto consider = [&](const std::string &what, MemoryPlan changed) {
        const long long t = estimateTrainingMemory(changed).total();
        if (t >= estimate.total())
            return;
        message << "\n  - " << what << ": about " << mibText(t) << (t <= limitBytes ? " (fits)" : " (still too big)");
        fitting += t <= limitBytes;
    };
    MemoryPlan lora = plan;
    if (plan.loraRank == 0) {
        lora.loraRank = 8;
        lora.loraTargets = {"q_proj", "k_proj", "v_proj", "o_proj"};
        consider("LoRA (lora_rank = 8)", lora);
    }
    MemoryPlan loraBf16 = lora;
    loraBf16.baseBf16 = true;
    if (!plan.baseBf16)
        consider("LoRA with a frozen bf16 base (lora_rank = 8, base_dtype = \"bf16\")", loraBf16);
    MemoryPlan checkpointing = plan;
    checkpointing.gradientCheckpointing = true;
    if (!plan.gradientCheckpointing)
        consider("gradient checkpointing (gradient_checkpointing = true)", checkpointing);
    MemoryPlan everything = loraBf16;
    everything.gradientCheckpointing = true;
    consider("all three of the above", everything);
    for (int64_t batch = plan.batchSize / 2; batch >= 1; batch /= 2) {
        MemoryPlan smaller = plan;
        smaller.batchSize = batch;
        if (estimateTrainingMemory(smaller).total() <= limitBytes || batch == 1) {
            consider("batch_size = " + std::to_string(batch) + " (raise grad_accumulation to keep the step size)",
                     smaller);
            break;
        }
    }
    MemoryPlan shorter = plan;
    shorter.contextLength = std::max<int64_t>(2, plan.contextLength / 2);
    consider("context_length = " + std::to_string(shorter.contextLength), shorter);
    if (fitting == 0)
        message << "\n  none of these alone fits; combine them or use a smaller model";
    throw Error(message.str());
}

} // namespace tb
