#pragma once

#include "llama_model.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;

struct SamplingOptions {
    double temperature = 0.0; // 0 = greedy (argmax)
    int64_t topK = 0;         // 0 = off
    double topP = 1.0;        // 1 = off
    double repetitionPenalty = 1.0; // 1 = off; HF's rule: divide positive logits, multiply negative
    uint64_t seed = 0;        // the same seed and prompt give the same sample
    int64_t maxNewTokens = 128;
    std::vector<std::string> stopStrings; // generation ends before the first occurrence
    bool stopAtEos = true;
    std::vector<int64_t> extraStopIds;    // e.g. ChatML's <|im_end|>
};

enum class StopReason { Eos, StopString, MaxTokens, Cancelled, ContextFull };
std::string stopReasonName(StopReason reason);

struct GenerationResult {
    std::vector<int64_t> ids; // generated ids (without the prompt, with the final EOS if any)
    std::string text;         // decoded text, cut before a stop string
    StopReason reason = StopReason::MaxTokens;
    int64_t promptTokens = 0;
    double promptSeconds = 0.0;
    double decodeSeconds = 0.0;
    double tokensPerSecond() const { return decodeSeconds > 0 ? double(ids.size()) / decodeSeconds : 0.0; }
};

// Called once per generated token with the text it completes (may be empty while a
// multi-byte character or a possible stop string is pending). Return false to stop.
using TokenCallback = std::function<bool(int64_t id, const std::string &newText)>;

// Generates from `promptIds` with the KV cache. `tokenizer` may be null (ids only; no text,
// no stop strings). `cancel`, when given, is checked before every token.
GenerationResult generate(LlamaModel &model, const Tokenizer *tokenizer, const std::vector<int64_t> &promptIds,
                          const SamplingOptions &options, const TokenCallback &onToken = {},
                          const std::atomic<bool> *cancel = nullptr);

// Picks the next id from float32 logits (V). `history` feeds the repetition penalty.
int64_t sampleToken(const torch::Tensor &logits, const SamplingOptions &options, const std::vector<int64_t> &history,
                    std::mt19937_64 &rng);

} // namespace tb
