#include "hf_models.h"

#include "error.h"
#include "hf_text.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <algorithm>
#include <functional>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace tb::hf {

namespace {

using json = nlohmann::json;

size_t hashText(std::string_view text)
{
    return std::hash<std::string_view>{}(text);
}

// (left id, right id) -> (rank, merged id), open addressing.
class MergeTable {
public:
    void reserve(size_t count)
    {
        size_t size = 16;
        while (size < count * 2)
            size <<= 1;
        m_slots.assign(size, Slot{});
        m_mask = size - 1;
    }
    void insert(int32_t a, int32_t b, int32_t rank, int32_t merged)
    {
        const uint64_t key = packKey(a, b);
        for (size_t i = mix(key) & m_mask;; i = (i + 1) & m_mask) {
            if (m_slots[i].key == kEmpty || m_slots[i].key == key) {
                m_slots[i] = {key, rank, merged};
                return;
            }
        }
    }
    // False when the pair has no merge.
    bool find(int32_t a, int32_t b, int32_t &rank, int32_t &merged) const
    {
        const uint64_t key = packKey(a, b);
        for (size_t i = mix(key) & m_mask;; i = (i + 1) & m_mask) {
            const Slot &slot = m_slots[i];
            if (slot.key == key) {
                rank = slot.rank;
                merged = slot.merged;
                return true;
            }
            if (slot.key == kEmpty)
                return false;
        }
    }

private:
    static constexpr uint64_t kEmpty = ~uint64_t(0);
    struct Slot {
        uint64_t key = kEmpty;
        int32_t rank = 0;
        int32_t merged = 0;
    };
    static uint64_t packKey(int32_t a, int32_t b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
    static size_t mix(uint64_t key)
    {
        key ^= key >> 33;
        key *= 0xff51afd7ed558ccdULL;
        key ^= key >> 33;
        return size_t(key);
    }
    std::vector<Slot> m_slots;
    size_t m_mask = 0;
};

// The vocabulary of a model: {"token": id, ...} as a dense id -> token table.
void readVocab(const json &config, ModelTables &tables, std::vector<std::string> &tokens)
{
    if (!tables.hasVocab) {
        const json &vocab = config.at("vocab");
        if (!vocab.is_object())
            throw Error("the model's vocab is not an object of token: id");
        for (auto it = vocab.begin(); it != vocab.end(); ++it)
            tables.vocab.emplace_back(it.key(), it.value().get<int64_t>());
    }
    int64_t maxId = -1;
    for (const auto &[token, id] : tables.vocab) {
        if (id < 0 || id > (int64_t(1) << 30))
            throw Error("vocabulary token '" + token + "' has the id " + std::to_string(id));
        maxId = std::max(maxId, id);
    }
    tokens.assign(size_t(maxId + 1), std::string());
    for (auto &[token, id] : tables.vocab)
        tokens[size_t(id)] = std::move(token);
    tables.vocab.clear();
    tables.vocab.shrink_to_fit();
}

class Bpe : public Model {
public:
    Bpe(const json &config, ModelTables &tables)
    {
        readVocab(config, tables, m_tokens);
        m_index.build(m_tokens);
        auto optionalString = [&](const char *key) {
            return config.contains(key) && config.at(key).is_string() ? config.at(key).get<std::string>() : std::string();
        };
        m_prefix = optionalString("continuing_subword_prefix");
        m_suffix = optionalString("end_of_word_suffix");
        m_unkToken = optionalString("unk_token");
        m_hasUnk = config.contains("unk_token") && config.at("unk_token").is_string();
        m_fuseUnk = config.value("fuse_unk", false);
        m_byteFallback = config.value("byte_fallback", false);
        m_ignoreMerges = config.value("ignore_merges", false);
        if (m_byteFallback)
            for (int b = 0; b < 256; ++b) {
                char name[8];
                std::snprintf(name, sizeof name, "<0x%02X>", b);
                m_byteIds[b] = m_index.find(name);
            }
        if (!tables.hasMerges) {
            for (const json &merge : config.at("merges")) {
                if (merge.is_string()) {
                    const std::string &line = merge.get_ref<const std::string &>();
                    const size_t space = line.find(' ');
                    if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos)
                        tables.badMerges.push_back(line);
                    else
                        tables.merges.emplace_back(line.substr(0, space), line.substr(space + 1));
                } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() && merge[1].is_string()) {
                    tables.merges.emplace_back(merge[0].get<std::string>(), merge[1].get<std::string>());
                } else {
                    tables.badMerges.push_back(merge.dump());
                }
            }
        }
        if (!tables.badMerges.empty())
            throw Error("merge '" + tables.badMerges.front() + "' is neither \"a b\" nor [a, b]");
        readMerges(tables.merges);
    }

    void tokenize(std::string_view word, std::vector<ModelToken> &out) const override
    {
        if (word.empty())
            return;
        if (m_ignoreMerges) {
            const int32_t id = m_index.find(word);
            if (id >= 0) {
                out.push_back({id, 0, uint32_t(word.size())});
                return;
            }
        }
        const bool cacheable = word.size() < kCacheMaxWord;
        if (cacheable) {
            std::shared_lock lock(m_cacheMutex);
            auto it = m_cache.find(std::string(word));
            if (it != m_cache.end()) {
                out.insert(out.end(), it->second.begin(), it->second.end());
                return;
            }
        }
        const size_t first = out.size();
        mergeWord(word, out);
        if (cacheable) {
            std::unique_lock lock(m_cacheMutex);
            if (m_cache.size() < kCacheCapacity)
                m_cache.emplace(std::string(word), std::vector<ModelToken>(out.begin() + first, out.end()));
        }
    }
    const std::vector<std::string> &tokens() const override { return m_tokens; }
    int32_t tokenToId(std::string_view token) const override { return m_index.find(token); }
    int32_t unkId() const override { return m_hasUnk ? m_index.find(m_unkToken) : -1; }

private:
    static constexpr size_t kCacheMaxWord = 256;
    static constexpr size_t kCacheCapacity = 200000;

    void readMerges(const std::vector<std::pair<std::string, std::string>> &merges)
    {
        m_merges.reserve(merges.size());
        std::string merged;
        int32_t rank = 0;
        for (const auto &[a, b] : merges) {
            const int32_t aId = m_index.find(a), bId = m_index.find(b);
            if (aId < 0 || bId < 0)
                throw Error("merge " + std::to_string(rank) + " ('" + a + "' + '" + b + "') names '"
                            + (aId < 0 ? a : b) + "', which is not in the vocabulary");
            merged = a;
            if (!m_prefix.empty() && b.compare(0, m_prefix.size(), m_prefix) == 0)
                merged.append(b, m_prefix.size(), std::string::npos);
            else
                merged += b;
            const int32_t mergedId = m_index.find(merged);
            if (mergedId < 0)
                throw Error("merge " + std::to_string(rank) + " ('" + a + "' + '" + b + "') makes '" + merged
                            + "', which is not in the vocabulary");
            m_merges.insert(aId, bId, rank, mergedId);
            ++rank;
        }
    }

    struct Symbol {
        int32_t id; // -1 once merged into its left neighbour
        uint32_t begin, end;
        int32_t prev, next;
    };
    static constexpr int32_t kNone = std::numeric_limits<int32_t>::max();
    static constexpr size_t kScanLimit = 64; // longer words merge through a heap
    // Per-thread scratch of mergeWord: the symbols of the word and the pair ranks.
    static thread_local std::vector<Symbol> t_symbols;
    static thread_local std::vector<int32_t> t_ranks, t_mergedIds;
    static thread_local std::vector<std::pair<int32_t, int32_t>> t_heap;

    // The library's BPE::merge_word followed by Word::merge_all (lowest rank first, then
    // leftmost), as a scan over cached pair ranks.
    void mergeWord(std::string_view word, std::vector<ModelToken> &out) const
    {
        auto &symbols = t_symbols;
        auto &ranks = t_ranks;
        auto &mergedIds = t_mergedIds;
        thread_local std::string piece;
        symbols.clear();
        bool unkPending = false;
        Symbol unk{};
        auto addSymbol = [&](int32_t id, uint32_t b, uint32_t e) {
            symbols.push_back({id, b, e, int32_t(symbols.size()) - 1, int32_t(symbols.size()) + 1});
        };
        size_t pos = 0;
        while (pos < word.size()) {
            const size_t start = pos;
            nextCodePoint(word, pos);
            std::string_view s = word.substr(start, pos - start);
            if ((!m_prefix.empty() && start > 0) || (!m_suffix.empty() && pos == word.size())) {
                piece.clear();
                if (!m_prefix.empty() && start > 0)
                    piece = m_prefix;
                piece.append(s);
                if (!m_suffix.empty() && pos == word.size())
                    piece += m_suffix;
                s = piece;
            }
            const int32_t id = m_index.find(s);
            if (id >= 0) {
                if (unkPending) {
                    addSymbol(unk.id, unk.begin, unk.end);
                    unkPending = false;
                }
                addSymbol(id, uint32_t(start), uint32_t(pos));
                continue;
            }
            if (m_byteFallback) {
                bool all = true;
                for (char c : s)
                    all = all && m_byteIds[static_cast<unsigned char>(c)] >= 0;
                if (all) {
                    // Each byte is one symbol of length 1, as the library records it.
                    uint32_t b = uint32_t(start);
                    for (char c : s) {
                        addSymbol(m_byteIds[static_cast<unsigned char>(c)], b, std::min<uint32_t>(b + 1, uint32_t(pos)));
                        b = std::min<uint32_t>(b + 1, uint32_t(pos));
                    }
                    continue;
                }
            }
            if (m_hasUnk) {
                const int32_t unkId = m_index.find(m_unkToken);
                if (unkId < 0)
                    throw Error("the unknown token '" + m_unkToken + "' is not in the vocabulary");
                if (unkPending && m_fuseUnk) {
                    unk.end = uint32_t(pos);
                } else {
                    if (unkPending)
                        addSymbol(unk.id, unk.begin, unk.end);
                    unk = {unkId, uint32_t(start), uint32_t(pos), 0, 0};
                    unkPending = true;
                }
            }
            // No unknown token: the library drops the character.
        }
        if (unkPending)
            addSymbol(unk.id, unk.begin, unk.end);
        if (symbols.empty())
            return;
        symbols.back().next = -1;

        const size_t n = symbols.size();
        ranks.assign(n, kNone);
        mergedIds.assign(n, -1);
        for (size_t i = 0; i + 1 < n; ++i)
            updatePair(int32_t(i));
        if (n > kScanLimit) {
            mergeWithHeap();
        } else {
            while (true) {
                int32_t best = -1;
                int32_t bestRank = kNone;
                for (int32_t i = 0; i >= 0; i = symbols[i].next)
                    if (ranks[i] < bestRank) {
                        bestRank = ranks[i];
                        best = i;
                    }
                if (best < 0)
                    break;
                mergeAt(best);
            }
        }
        for (int32_t i = 0; i >= 0; i = symbols[i].next)
            out.push_back({symbols[i].id, symbols[i].begin, symbols[i].end});
    }

    // Merges symbol i with its next one, and refreshes the ranks of the pairs around it.
    void mergeAt(int32_t i) const
    {
        auto &symbols = t_symbols;
        {
            const int32_t best = i;
            Symbol &left = symbols[best];
            Symbol &right = symbols[left.next];
            left.id = t_mergedIds[best];
            left.end = right.end;
            left.next = right.next;
            right.id = -1; // merged away
            if (left.next >= 0)
                symbols[left.next].prev = best;
            updatePair(best);
            if (left.prev >= 0)
                updatePair(left.prev);
        }
    }

    // ranks[i] / mergedIds[i]: the merge of symbol i with its next symbol (kNone: none).
    void updatePair(int32_t i) const
    {
        auto &symbols = t_symbols;
        t_ranks[i] = kNone;
        const int32_t next = symbols[i].next;
        if (next < 0)
            return;
        int32_t rank, merged;
        if (m_merges.find(symbols[i].id, symbols[next].id, rank, merged)) {
            t_ranks[i] = rank;
            t_mergedIds[i] = merged;
        }
    }

    // Long words (Gemma's pre-tokenizer keeps a whole line as one word): a priority queue of
    // (rank, position) instead of a scan per merge, O(n log n) as in the Rust library.
    void mergeWithHeap() const
    {
        auto &symbols = t_symbols;
        auto &heap = t_heap;
        heap.clear();
        const auto later = [](const std::pair<int32_t, int32_t> &a, const std::pair<int32_t, int32_t> &b) {
            return a > b; // min-heap on (rank, position)
        };
        for (int32_t i = 0; i >= 0; i = symbols[i].next)
            if (t_ranks[i] != kNone)
                heap.emplace_back(t_ranks[i], i);
        std::make_heap(heap.begin(), heap.end(), later);
        while (!heap.empty()) {
            std::pop_heap(heap.begin(), heap.end(), later);
            const auto [rank, i] = heap.back();
            heap.pop_back();
            // Skip entries that no longer describe the pair at i.
            if (symbols[i].id < 0 || symbols[i].next < 0 || t_ranks[i] != rank)
                continue;
            const int32_t prev = symbols[i].prev;
            mergeAt(i);
            for (int32_t j : {prev, i})
                if (j >= 0 && t_ranks[j] != kNone) {
                    heap.emplace_back(t_ranks[j], j);
                    std::push_heap(heap.begin(), heap.end(), later);
                }
        }
    }

    std::vector<std::string> m_tokens;
    TokenIndex m_index;
    MergeTable m_merges;
    std::string m_prefix, m_suffix, m_unkToken;
    bool m_hasUnk = false, m_fuseUnk = false, m_byteFallback = false, m_ignoreMerges = false;
    int32_t m_byteIds[256] = {};
    mutable std::shared_mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<ModelToken>> m_cache;
};

thread_local std::vector<Bpe::Symbol> Bpe::t_symbols;
thread_local std::vector<int32_t> Bpe::t_ranks;
thread_local std::vector<int32_t> Bpe::t_mergedIds;
thread_local std::vector<std::pair<int32_t, int32_t>> Bpe::t_heap;

class WordPiece : public Model {
public:
    WordPiece(const json &config, ModelTables &tables)
    {
        readVocab(config, tables, m_tokens);
        m_index.build(m_tokens);
        m_unkToken = config.value("unk_token", std::string("[UNK]"));
        m_prefix = config.value("continuing_subword_prefix", std::string("##"));
        m_maxChars = config.value("max_input_chars_per_word", 100);
    }
    void tokenize(std::string_view word, std::vector<ModelToken> &out) const override
    {
        size_t chars = 0;
        for (size_t pos = 0; pos < word.size(); ++chars)
            nextCodePoint(word, pos);
        const size_t first = out.size();
        auto unknown = [&] {
            out.resize(first);
            const int32_t unk = m_index.find(m_unkToken);
            if (unk < 0)
                throw Error("the unknown token '" + m_unkToken + "' is not in the vocabulary");
            out.push_back({unk, 0, uint32_t(word.size())});
        };
        if (chars > size_t(m_maxChars))
            return unknown();
        std::string candidate;
        size_t start = 0;
        while (start < word.size()) {
            size_t end = word.size();
            int32_t found = -1;
            while (start < end) {
                candidate.assign(start > 0 ? m_prefix : std::string());
                candidate.append(word.substr(start, end - start));
                found = m_index.find(candidate);
                if (found >= 0)
                    break;
                do
                    --end;
                while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
            }
            if (found < 0)
                return unknown();
            out.push_back({found, uint32_t(start), uint32_t(end)});
            start = end;
        }
    }
    const std::vector<std::string> &tokens() const override { return m_tokens; }
    int32_t tokenToId(std::string_view token) const override { return m_index.find(token); }
    int32_t unkId() const override { return m_index.find(m_unkToken); }

private:
    std::vector<std::string> m_tokens;
    TokenIndex m_index;
    std::string m_unkToken, m_prefix;
    int m_maxChars = 100;
};

} // namespace

void TokenIndex::build(const std::vector<std::string> &tokens)
{
    m_tokens = &tokens;
    size_t size = 16;
    while (size < tokens.size() * 2)
        size <<= 1;
    m_slots.assign(size, -1);
    m_mask = size - 1;
    for (size_t id = 0; id < tokens.size(); ++id) {
        if (tokens[id].empty())
            continue;
        for (size_t i = hashText(tokens[id]) & m_mask;; i = (i + 1) & m_mask) {
            if (m_slots[i] < 0) {
                m_slots[i] = int32_t(id);
                break;
            }
            if (tokens[size_t(m_slots[i])] == tokens[id])
                break; // a duplicate keeps its first id
        }
    }
}

int32_t TokenIndex::find(std::string_view token) const
{
    if (!m_tokens || token.empty())
        return -1;
    for (size_t i = hashText(token) & m_mask;; i = (i + 1) & m_mask) {
        const int32_t id = m_slots[i];
        if (id < 0)
            return -1;
        if ((*m_tokens)[size_t(id)] == token)
            return id;
    }
}

std::unique_ptr<Model> makeModel(const json &config, ModelTables tables)
{
    std::string type = config.value("type", std::string());
    if (type.empty() && (config.contains("merges") || tables.hasMerges))
        type = "BPE"; // old files omit the type
    if (type == "BPE")
        return std::make_unique<Bpe>(config, tables);
    if (type == "WordPiece")
        return std::make_unique<WordPiece>(config, tables);
    throw Error("model type '" + (type.empty() ? std::string("(none)") : type) + "' is not supported (BPE and WordPiece are)");
}

} // namespace tb::hf
