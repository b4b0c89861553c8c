#pragma once

// Hugging Face's tokenizer.json, read and run the way the `tokenizers` library does:
// added tokens are matched first (on the raw text, then on the normalised text), the rest
// is normalised, pre-tokenised into words and encoded by the model; the post-processor adds
// the special tokens around it. Thread-safe once loaded.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tb::hf {

class Normalizer;
class PreTokenizer;
class Model;
class PostProcessor;
class Decoder;
struct NormalizedString;
struct EncodedToken;

struct AddedToken {
    std::string content;
    int32_t id = 0;
    bool special = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = true;
    bool singleWord = false;
};

class HfTokenizer {
public:
    struct Token {
        int32_t id = 0;
        uint32_t begin = 0; // byte range in the encoded text; empty for post-processor specials
        uint32_t end = 0;
    };

    ~HfTokenizer();
    // Throws tb::Error "<path>: <problem>" in one line; nothing is kept of a failed load.
    static std::unique_ptr<HfTokenizer> fromFile(const std::string &path);
    static std::unique_ptr<HfTokenizer> fromJsonText(const std::string &text, const std::string &source);

    // The library's encode(text, add_special_tokens). With matchSpecial false, special added
    // tokens in `text` stay text (the library's split_special_tokens); other added tokens
    // still match, as they do there. `atTextStart` false encodes a piece that follows other
    // text (Metaspace's prepend_scheme "first" then adds no "▁").
    std::vector<Token> encode(std::string_view text, bool addSpecialTokens, bool matchSpecial = true,
                              bool atTextStart = true) const;
    std::vector<int32_t> encodeIds(std::string_view text, bool addSpecialTokens) const;
    // The library's decode(ids, skip_special_tokens). With `raw`, bytes are returned as the
    // tokens make them, even an incomplete UTF-8 character (for streaming).
    std::string decode(const std::vector<int32_t> &ids, bool skipSpecial, bool raw = false) const;

    // Largest id + 1 over the model's vocabulary and the added tokens.
    int32_t vocabSize() const;
    std::string idToToken(int32_t id) const; // "" for an unused id
    int32_t tokenToId(std::string_view token) const; // -1 when absent
    bool isSpecial(int32_t id) const;
    const std::vector<AddedToken> &addedTokens() const;
    int32_t unkId() const;
    // The ids the post-processor puts before and after one sequence (e.g. Llama 3.1's BOS).
    std::vector<int32_t> specialPrefix() const;
    std::vector<int32_t> specialSuffix() const;

    struct Impl;

private:
    explicit HfTokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace tb::hf
