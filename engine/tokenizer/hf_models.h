#pragma once

// tokenizer.json "model": BPE (byte-level or with byte fallback, ignore_merges, subword
// prefix/suffix) and WordPiece. A model turns one pre-tokenised word into token ids.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tb::hf {

struct ModelToken {
    int32_t id = 0;
    uint32_t begin = 0; // byte range in the word
    uint32_t end = 0;
};

// Token text -> id, looked up by string_view without building a std::string.
class TokenIndex {
public:
    void build(const std::vector<std::string> &tokens); // tokens[id]; empty entries are skipped
    int32_t find(std::string_view token) const;        // -1 when absent

private:
    const std::vector<std::string> *m_tokens = nullptr;
    std::vector<int32_t> m_slots;
    size_t m_mask = 0;
};

class Model {
public:
    virtual ~Model() = default;
    // Appends the tokens of `word` to `out`. Thread-safe.
    virtual void tokenize(std::string_view word, std::vector<ModelToken> &out) const = 0;
    // The model's own vocabulary, indexed by id ("" where an id is unused).
    virtual const std::vector<std::string> &tokens() const = 0;
    virtual int32_t tokenToId(std::string_view token) const = 0;
    virtual int32_t unkId() const = 0; // -1 when there is none
};

// The two big parts of a model, read by the streaming loader straight from the file instead
// of into the JSON tree (an 11 MB tokenizer.json loads several times faster that way).
struct ModelTables {
    bool hasVocab = false; // "vocab" was an object and is in `vocab`
    std::vector<std::pair<std::string, int64_t>> vocab;
    bool hasMerges = false; // "merges" is in `merges`
    std::vector<std::pair<std::string, std::string>> merges;
    std::vector<std::string> badMerges; // merges that are neither "a b" nor [a, b], as found
};

// Throws tb::Error (without the file name) for an unknown type or an inconsistent vocabulary.
std::unique_ptr<Model> makeModel(const nlohmann::json &config, ModelTables tables = {});

} // namespace tb::hf
