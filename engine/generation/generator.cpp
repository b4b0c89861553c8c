#include "generator.h"

#include "hf_text.h"
#include "utf8_hold.h"

#include "error.h"
#include "tokenizer.h"
#include "thread_guard.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <unordered_set>

namespace tb {

std::string stopReasonName(StopReason reason)
{
    switch (reason) {
    case StopReason::Eos: return "eos";
    case StopReason::StopString: return "stop_string";
    case StopReason::MaxTokens: return "max_tokens";
    case StopReason::Cancelled: return "cancelled";
    case StopReason::ContextFull: return "context_full";
    }
    return "unknown";
}

int64_t sampleToken(const torch::Tensor &logitsIn, const SamplingOptions &o, const std::vector<int64_t> &history,
                    std::mt19937_64 &rng)
{
    // Sampling reads the logits on the CPU, wherever the model runs (--device).
    torch::Tensor logits = logitsIn.to(torch::kCPU, torch::kFloat).contiguous().clone(); // (V)
    float *l = logits.data_ptr<float>();
    const int64_t V = logits.numel();
    if (o.repetitionPenalty != 1.0) {
        std::unordered_set<int64_t> seen(history.begin(), history.end());
        for (int64_t id : seen)
            if (id >= 0 && id < V)
                l[id] = l[id] > 0 ? float(l[id] / o.repetitionPenalty) : float(l[id] * o.repetitionPenalty);
    }
    if (o.temperature <= 0.0)
        return logits.argmax().item<int64_t>();

    // Candidates sorted by logit; top-k and top-p cut the tail, then sample.
    std::vector<int64_t> order(static_cast<size_t>(V));
    for (int64_t i = 0; i < V; ++i)
        order[size_t(i)] = i;
    int64_t keep = (o.topK > 0 && o.topK < V) ? o.topK : V;
    std::partial_sort(order.begin(), order.begin() + keep, order.end(),
                      [&](int64_t a, int64_t b) { return l[a] > l[b] || (l[a] == l[b] && a < b); });
    order.resize(size_t(keep));
    std::vector<double> probs(order.size());
    const double maxLogit = l[order[0]];
    double sum = 0.0;
    for (size_t i = 0; i < order.size(); ++i) {
        probs[i] = std::exp((double(l[order[i]]) - maxLogit) / o.temperature);
        sum += probs[i];
    }
    for (auto &p : probs)
        p /= sum;
    if (o.topP < 1.0) {
        double cumulative = 0.0;
        size_t n = 0;
        while (n < probs.size()) {
            cumulative += probs[n++];
            if (cumulative >= o.topP)
                break;
        }
        probs.resize(n);
        order.resize(n);
        const double kept = std::accumulate(probs.begin(), probs.end(), 0.0);
        for (auto &p : probs)
            p /= kept;
    }
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    double cumulative = 0.0;
    for (size_t i = 0; i < probs.size(); ++i) {
        cumulative += probs[i];
        if (u < cumulative)
            return order[i];
    }
    return order.back();
}

namespace {

// Bytes at the end of `text` that must not be shown yet: an incomplete UTF-8 character
// (a byte-level token that ends inside one, utf8_hold.h; SentencePiece decodes a partial
// byte sequence as U+FFFD) or the start of a stop string.
size_t pendingSuffix(const std::string &text, const std::vector<std::string> &stops)
{
    static const std::string replacement = "\xEF\xBF\xBD";
    size_t hold = incompleteUtf8Tail(text);
    if (text.size() >= replacement.size()
        && text.compare(text.size() - replacement.size(), replacement.size(), replacement) == 0)
        hold = std::max(hold, replacement.size());
    for (const auto &stop : stops)
        for (size_t k = std::min(stop.size() - 1, text.size()); k > hold; --k)
            if (text.compare(text.size() - k, k, stop, 0, k) == 0) {
                hold = k;
                break;
            }
    return hold;
}

} // namespace

GenerationResult generate(LlamaModel &model, const Tokenizer *tokenizer, const std::vector<int64_t> &promptIds,
                          const SamplingOptions &o, const TokenCallback &onToken, const std::atomic<bool> *cancel)
{
    requireBackgroundThread("tb::generate");
    if (promptIds.empty())
        throw Error("generate: the prompt is empty; give at least one token");
    const ModelConfig &config = model->config();
    for (int64_t id : promptIds)
        if (id < 0 || id >= config.vocabSize)
            throw Error("generate: prompt id " + std::to_string(id) + " is outside the vocabulary of "
                        + std::to_string(config.vocabSize));
    if (int64_t(promptIds.size()) >= config.maxPositions)
        throw Error("generate: the prompt has " + std::to_string(promptIds.size()) + " tokens but the model's context is "
                    + std::to_string(config.maxPositions));
    if (!o.stopStrings.empty() && !tokenizer)
        throw Error("generate: stop strings need a tokenizer");

    c10::InferenceMode inference;
    GenerationResult result;
    result.promptTokens = int64_t(promptIds.size());
    const int64_t capacity = std::min(config.maxPositions, int64_t(promptIds.size()) + o.maxNewTokens);
    KvCache cache = model->makeCache(1, capacity);
    std::mt19937_64 rng(o.seed);
    std::vector<int64_t> history = promptIds;
    const int64_t eos = tokenizer ? tokenizer->eosId() : config.eosTokenId;

    using Clock = std::chrono::steady_clock;
    auto t0 = Clock::now();
    ForwardOptions cached;
    cached.cache = &cache;
    const auto device = model->lmHeadWeight().device();
    auto ids = torch::tensor(promptIds, torch::kLong).unsqueeze(0).to(device); // (1, T)
    torch::Tensor logits = model->forward(ids, cached).select(1, -1).squeeze(0); // (V)
    auto t1 = Clock::now();
    result.promptSeconds = std::chrono::duration<double>(t1 - t0).count();

    std::string fullText;
    size_t emitted = 0;
    result.reason = StopReason::MaxTokens;
    for (int64_t step = 0; step < o.maxNewTokens; ++step) {
        if (cancel && cancel->load()) {
            result.reason = StopReason::Cancelled;
            break;
        }
        const int64_t next = sampleToken(logits, o, history, rng);
        result.ids.push_back(next);
        history.push_back(next);
        const bool isEos = o.stopAtEos && (next == eos || std::find(o.extraStopIds.begin(), o.extraStopIds.end(), next)
                                                              != o.extraStopIds.end());
        std::string newText;
        bool stopString = false;
        if (tokenizer && !isEos) {
            // Raw bytes: a character split over tokens stays incomplete until it is whole.
            fullText = tokenizer->decodeBytes(std::vector<int64_t>(result.ids.begin(), result.ids.end()));
            size_t cut = std::string::npos;
            for (const auto &stop : o.stopStrings)
                if (!stop.empty())
                    cut = std::min(cut, fullText.find(stop));
            if (cut != std::string::npos) {
                fullText.resize(cut);
                stopString = true;
            }
            const size_t ready = stopString ? fullText.size() : fullText.size() - pendingSuffix(fullText, o.stopStrings);
            if (ready > emitted) {
                newText = hf::lossyUtf8(std::string_view(fullText).substr(emitted, ready - emitted));
                emitted = ready;
            }
        }
        if (onToken && !onToken(next, newText)) {
            result.reason = StopReason::Cancelled;
            break;
        }
        if (isEos) {
            result.reason = StopReason::Eos;
            break;
        }
        if (stopString) {
            result.reason = StopReason::StopString;
            break;
        }
        if (cache.length >= capacity) {
            if (step + 1 < o.maxNewTokens)
                result.reason = StopReason::ContextFull;
            break;
        }
        auto one = torch::full({1, 1}, next, torch::TensorOptions(torch::kLong).device(device));
        logits = model->forward(one, cached).view({-1}); // (V)
    }
    result.decodeSeconds = std::chrono::duration<double>(Clock::now() - t1).count();
    if (tokenizer) {
        if (result.reason != StopReason::StopString) {
            std::vector<int64_t> textIds = result.ids;
            if (result.reason == StopReason::Eos)
                textIds.pop_back();
            fullText = tokenizer->decode(textIds);
        }
        result.text = hf::lossyUtf8(fullText);
    }
    return result;
}

} // namespace tb
