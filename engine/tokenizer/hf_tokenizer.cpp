#include "hf_tokenizer.h"

#include "error.h"
#include "file_util.h"
#include "hf_decoders.h"
#include "hf_models.h"
#include "hf_normalizers.h"
#include "hf_postprocessors.h"
#include "hf_pretokenizers.h"
#include "hf_text.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_map>

namespace tb::hf {

using json = nlohmann::json;

// Added tokens of one kind (raw or normalised), matched leftmost-longest as the library's
// Aho-Corasick automaton does.
class AddedTokenTrie {
public:
    void add(const std::string &content, size_t tokenIndex)
    {
        if (content.empty())
            return;
        if (m_nodes.empty())
            m_nodes.push_back(-1);
        m_first[static_cast<unsigned char>(content[0])] = true;
        int32_t node = 0;
        for (char c : content) {
            const uint64_t key = (uint64_t(node) << 8) | static_cast<unsigned char>(c);
            auto it = m_children.find(key);
            if (it == m_children.end()) {
                m_nodes.push_back(-1);
                it = m_children.emplace(key, int32_t(m_nodes.size() - 1)).first;
            }
            node = it->second;
        }
        if (m_nodes[size_t(node)] < 0)
            m_nodes[size_t(node)] = int32_t(tokenIndex);
    }
    bool empty() const { return m_nodes.empty(); }
    // The leftmost, then longest, match at or after `from`: false when none.
    bool find(std::string_view text, size_t from, size_t &begin, size_t &end, size_t &tokenIndex) const
    {
        for (size_t pos = from; pos < text.size(); ++pos) {
            if (!m_first[static_cast<unsigned char>(text[pos])])
                continue;
            int32_t node = 0;
            int32_t found = -1;
            size_t foundEnd = 0;
            for (size_t i = pos; i < text.size(); ++i) {
                auto it = m_children.find((uint64_t(node) << 8) | static_cast<unsigned char>(text[i]));
                if (it == m_children.end())
                    break;
                node = it->second;
                if (m_nodes[size_t(node)] >= 0) {
                    found = m_nodes[size_t(node)];
                    foundEnd = i + 1;
                }
            }
            if (found >= 0) {
                begin = pos;
                end = foundEnd;
                tokenIndex = size_t(found);
                return true;
            }
        }
        return false;
    }

private:
    std::vector<int32_t> m_nodes; // node -> index of the token ending there, or -1
    std::unordered_map<uint64_t, int32_t> m_children;
    bool m_first[256] = {};
};

namespace {

// Streams tokenizer.json into a JSON tree, except the model's vocab and merges, which go
// straight into ModelTables: a tree of 150 000 vocabulary entries and as many merges is
// most of the load time.
class TokenizerJsonReader {
public:
    json root;
    ModelTables tables;
    std::string error;

    bool null() { return value(json()); }
    bool boolean(bool v) { return value(json(v)); }
    bool number_integer(json::number_integer_t v)
    {
        if (m_mode == Mode::Vocab) {
            tables.vocab.emplace_back(std::move(m_vocabKey), int64_t(v));
            return true;
        }
        return value(json(v));
    }
    bool number_unsigned(json::number_unsigned_t v)
    {
        if (m_mode == Mode::Vocab) {
            tables.vocab.emplace_back(std::move(m_vocabKey), int64_t(v));
            return true;
        }
        return value(json(v));
    }
    bool number_float(json::number_float_t v, const json::string_t &) { return value(json(v)); }
    bool string(json::string_t &v)
    {
        if (m_mode == Mode::Merges) {
            const size_t space = v.find(' ');
            if (space == std::string::npos || v.find(' ', space + 1) != std::string::npos)
                tables.badMerges.push_back(v);
            else
                tables.merges.emplace_back(v.substr(0, space), v.substr(space + 1));
            return true;
        }
        if (m_mode == Mode::MergePair) {
            m_pair.push_back(std::move(v));
            return true;
        }
        return value(json(std::move(v)));
    }
    bool binary(json::binary_t &) { return fail("binary values are not JSON"); }
    bool start_object(std::size_t)
    {
        if (m_mode == Mode::Dom && !m_stack.empty() && m_stack.back() == m_model && m_key == "vocab") {
            m_mode = Mode::Vocab;
            tables.hasVocab = true;
            return true;
        }
        if (m_mode != Mode::Dom)
            return fail(m_mode == Mode::Vocab ? "a vocab entry is not a token id" : "a merge is neither \"a b\" nor [a, b]");
        json *added = value(json::object(), true);
        if (!added)
            return false;
        if (m_stack.size() == 2 && m_stack.front() == &root && m_rootKeyOfTop == "model")
            m_model = added;
        return true;
    }
    bool key(json::string_t &k)
    {
        if (m_mode == Mode::Vocab)
            m_vocabKey = std::move(k);
        else
            m_key = std::move(k);
        if (m_mode == Mode::Dom && m_stack.size() == 1)
            m_rootKey = m_key;
        return true;
    }
    bool end_object()
    {
        if (m_mode == Mode::Vocab) {
            m_mode = Mode::Dom;
            return true;
        }
        m_stack.pop_back();
        return true;
    }
    bool start_array(std::size_t)
    {
        if (m_mode == Mode::Dom && !m_stack.empty() && m_stack.back() == m_model && m_key == "merges") {
            m_mode = Mode::Merges;
            tables.hasMerges = true;
            return true;
        }
        if (m_mode == Mode::Merges) {
            m_mode = Mode::MergePair;
            m_pair.clear();
            return true;
        }
        if (m_mode != Mode::Dom)
            return fail(m_mode == Mode::Vocab ? "a vocab entry is not a token id" : "a merge is neither \"a b\" nor [a, b]");
        return value(json::array(), true) != nullptr;
    }
    bool end_array()
    {
        if (m_mode == Mode::MergePair) {
            if (m_pair.size() == 2)
                tables.merges.emplace_back(std::move(m_pair[0]), std::move(m_pair[1]));
            else
                tables.badMerges.push_back(json(m_pair).dump());
            m_mode = Mode::Merges;
            return true;
        }
        if (m_mode == Mode::Merges) {
            m_mode = Mode::Dom;
            return true;
        }
        m_stack.pop_back();
        return true;
    }
    bool parse_error(std::size_t, const std::string &, const json::exception &e)
    {
        if (error.empty())
            error = e.what();
        return false;
    }

private:
    enum class Mode { Dom, Vocab, Merges, MergePair };

    bool fail(const std::string &message)
    {
        error = message;
        return false;
    }
    bool value(json v) { return value(std::move(v), false) != nullptr; }
    // Adds `v` where the parser is; a container is pushed to be filled.
    json *value(json v, bool container)
    {
        if (m_mode != Mode::Dom) {
            fail(m_mode == Mode::Vocab ? "a vocab entry is not a token id" : "a merge is neither \"a b\" nor [a, b]");
            return nullptr;
        }
        json *added = nullptr;
        if (m_stack.empty()) {
            root = std::move(v);
            added = &root;
        } else if (m_stack.back()->is_array()) {
            m_stack.back()->push_back(std::move(v));
            added = &m_stack.back()->back();
        } else {
            added = &(*m_stack.back())[m_key];
            *added = std::move(v);
        }
        if (container) {
            if (m_stack.size() == 1)
                m_rootKeyOfTop = m_rootKey;
            m_stack.push_back(added);
        }
        return added;
    }

    Mode m_mode = Mode::Dom;
    std::vector<json *> m_stack;
    std::string m_key, m_rootKey, m_rootKeyOfTop, m_vocabKey;
    json *m_model = nullptr;
    std::vector<std::string> m_pair;
};

bool isWordChar(char32_t cp)
{
    return cp == '_' || isAlphanumericCp(cp);
}

// The last / first character of `text` (0 when empty).
char32_t lastCodePoint(std::string_view text)
{
    if (text.empty())
        return 0;
    size_t start = text.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
        --start;
    return nextCodePoint(text, start);
}

char32_t firstCodePoint(std::string_view text)
{
    size_t pos = 0;
    return text.empty() ? 0 : nextCodePoint(text, pos);
}

} // namespace

struct HfTokenizer::Impl {
    std::unique_ptr<Normalizer> normalizer;
    std::unique_ptr<PreTokenizer> preTokenizer;
    std::unique_ptr<Model> model;
    std::unique_ptr<PostProcessor> postProcessor;
    std::unique_ptr<Decoder> decoder;
    std::vector<AddedToken> added;
    std::unordered_map<int32_t, size_t> addedById;
    std::unordered_map<std::string, int32_t> addedByContent;
    AddedTokenTrie rawTrie;        // special or non-normalised added tokens, on the input text
    AddedTokenTrie normalizedTrie; // normalised added tokens, on the normalised text
    std::vector<std::string> normalizedContent;
    int32_t vocabSize = 0;

    // Splits `s` around the added tokens of `trie`: tokens go to `out`, text to `onText`.
    template <typename OnText>
    void splitAdded(NormalizedString s, const AddedTokenTrie &trie, bool matchSpecial, std::vector<HfTokenizer::Token> &out,
                    OnText onText) const
    {
        if (trie.empty()) {
            onText(std::move(s));
            return;
        }
        const std::string_view text = s.text;
        size_t startOffset = 0, from = 0, b = 0, e = 0, index = 0;
        while (from < text.size() && trie.find(text, from, b, e, index)) {
            from = e;
            const AddedToken &token = added[index];
            if (!matchSpecial && token.special)
                continue;
            if (token.singleWord) {
                const bool startSpace = b == 0 || !isWordChar(lastCodePoint(text.substr(0, b)));
                const bool stopSpace = e == text.size() || !isWordChar(firstCodePoint(text.substr(e)));
                if (!startSpace || !stopSpace)
                    continue;
            }
            if (token.lstrip) {
                size_t nb = b;
                while (nb > startOffset) {
                    size_t start = nb - 1;
                    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
                        --start;
                    size_t probe = start;
                    if (!isWhitespaceCp(nextCodePoint(text, probe)))
                        break;
                    nb = start;
                }
                b = nb;
            }
            if (token.rstrip) {
                while (e < text.size()) {
                    size_t probe = e;
                    if (!isWhitespaceCp(nextCodePoint(text, probe)))
                        break;
                    e = probe;
                }
                from = e;
            }
            if (b > startOffset)
                onText(s.slice(startOffset, b));
            out.push_back({token.id, s.begin[b], s.end[e - 1]});
            startOffset = e;
        }
        if (startOffset == 0)
            onText(std::move(s));
        else if (startOffset < text.size())
            onText(s.slice(startOffset, text.size()));
    }

    void encodeText(NormalizedString s, std::vector<HfTokenizer::Token> &out) const
    {
        thread_local std::vector<ModelToken> modelTokens;
        if (normalizer)
            normalizer->normalize(s);
        splitAdded(std::move(s), normalizedTrie, true, out, [&](NormalizedString piece) {
            if (piece.empty())
                return;
            std::vector<NormalizedString> words;
            words.push_back(std::move(piece));
            if (preTokenizer)
                preTokenizer->preTokenize(words);
            for (const NormalizedString &word : words) {
                modelTokens.clear();
                model->tokenize(word.text, modelTokens);
                for (const ModelToken &t : modelTokens) {
                    const uint32_t b = t.begin < word.begin.size() ? word.begin[t.begin] : word.originalEnd();
                    const uint32_t e = t.end > 0 && t.end <= word.end.size() ? word.end[t.end - 1] : b;
                    out.push_back({t.id, b, std::max(b, e)});
                }
            }
        });
    }
};

HfTokenizer::HfTokenizer(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
HfTokenizer::~HfTokenizer() = default;

std::unique_ptr<HfTokenizer> HfTokenizer::fromFile(const std::string &path)
{
    return fromJsonText(readTextFile(path), path);
}

std::unique_ptr<HfTokenizer> HfTokenizer::fromJsonText(const std::string &text, const std::string &source)
{
    TokenizerJsonReader reader;
    bool parsed = false;
    try {
        parsed = json::sax_parse(text, &reader);
    } catch (const json::exception &e) {
        reader.error = e.what();
    }
    if (!parsed) {
        std::string what = reader.error.empty() ? std::string("unreadable JSON") : reader.error;
        std::replace(what.begin(), what.end(), '\n', ' ');
        throw Error(source + ": not a valid tokenizer.json (" + what + ")");
    }
    json &root = reader.root;
    auto impl = std::make_unique<Impl>();
    try {
        if (!root.is_object() || !root.contains("model") || !root.at("model").is_object())
            throw Error("no \"model\" object");
        impl->model = makeModel(root.at("model"), std::move(reader.tables));
        impl->normalizer = makeNormalizer(root.value("normalizer", json()));
        impl->preTokenizer = makePreTokenizer(root.value("pre_tokenizer", json()));
        impl->postProcessor = makePostProcessor(root.value("post_processor", json()));
        impl->decoder = makeDecoder(root.value("decoder", json()));
        impl->vocabSize = int32_t(impl->model->tokens().size());
        for (const json &a : root.value("added_tokens", json::array())) {
            AddedToken token;
            token.content = a.at("content").get<std::string>();
            token.id = a.at("id").get<int32_t>();
            token.special = a.value("special", false);
            token.lstrip = a.value("lstrip", false);
            token.rstrip = a.value("rstrip", false);
            token.singleWord = a.value("single_word", false);
            token.normalized = a.value("normalized", !token.special);
            if (token.id < 0)
                throw Error("added token '" + token.content + "' has a negative id");
            impl->vocabSize = std::max(impl->vocabSize, token.id + 1);
            impl->addedById[token.id] = impl->added.size();
            impl->addedByContent[token.content] = token.id;
            impl->added.push_back(std::move(token));
        }
        for (size_t i = 0; i < impl->added.size(); ++i) {
            const AddedToken &token = impl->added[i];
            if (token.normalized && impl->normalizer) {
                NormalizedString s = NormalizedString::fromOriginal(token.content);
                impl->normalizer->normalize(s);
                impl->normalizedTrie.add(s.text, i);
            } else {
                impl->rawTrie.add(token.content, i);
            }
        }
    } catch (const json::exception &e) {
        std::string what = e.what();
        std::replace(what.begin(), what.end(), '\n', ' ');
        throw Error(source + ": " + what);
    } catch (const Error &e) {
        throw Error(source + ": " + e.what());
    }
    return std::unique_ptr<HfTokenizer>(new HfTokenizer(std::move(impl)));
}

std::vector<HfTokenizer::Token> HfTokenizer::encode(std::string_view text, bool addSpecialTokens, bool matchSpecial,
                                                    bool atTextStart) const
{
    std::vector<Token> out;
    // A piece that does not start the text is encoded as if one byte preceded it.
    const uint32_t shift = atTextStart ? 0 : 1;
    d->splitAdded(NormalizedString::fromOriginal(text, shift), d->rawTrie, matchSpecial, out, [&](NormalizedString piece) {
        if (!piece.empty())
            d->encodeText(std::move(piece), out);
    });
    if (addSpecialTokens && d->postProcessor) {
        std::vector<EncodedToken> tokens(out.size());
        for (size_t i = 0; i < out.size(); ++i)
            tokens[i] = {out[i].id, out[i].begin, out[i].end};
        d->postProcessor->process(tokens);
        out.resize(tokens.size());
        for (size_t i = 0; i < tokens.size(); ++i)
            out[i] = {tokens[i].id, tokens[i].begin, tokens[i].end};
    }
    if (shift)
        for (Token &t : out) {
            t.begin = t.begin >= shift ? t.begin - shift : 0;
            t.end = t.end >= shift ? t.end - shift : 0;
        }
    return out;
}

std::vector<int32_t> HfTokenizer::encodeIds(std::string_view text, bool addSpecialTokens) const
{
    std::vector<int32_t> ids;
    for (const Token &t : encode(text, addSpecialTokens))
        ids.push_back(t.id);
    return ids;
}

std::string HfTokenizer::decode(const std::vector<int32_t> &ids, bool skipSpecial, bool raw) const
{
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    for (int32_t id : ids) {
        auto it = d->addedById.find(id);
        if (it != d->addedById.end()) {
            if (!(skipSpecial && d->added[it->second].special))
                tokens.push_back(d->added[it->second].content);
            continue;
        }
        if (id >= 0 && size_t(id) < d->model->tokens().size() && !d->model->tokens()[size_t(id)].empty())
            tokens.push_back(d->model->tokens()[size_t(id)]);
    }
    if (!d->decoder) {
        std::string out;
        for (size_t i = 0; i < tokens.size(); ++i)
            out += (i ? " " : "") + tokens[i];
        return out;
    }
    d->decoder->decodeChain(tokens, raw);
    std::string out;
    for (const auto &t : tokens)
        out += t;
    return out;
}

int32_t HfTokenizer::vocabSize() const
{
    return d->vocabSize;
}

std::string HfTokenizer::idToToken(int32_t id) const
{
    auto it = d->addedById.find(id);
    if (it != d->addedById.end())
        return d->added[it->second].content;
    const auto &tokens = d->model->tokens();
    return id >= 0 && size_t(id) < tokens.size() ? tokens[size_t(id)] : std::string();
}

int32_t HfTokenizer::tokenToId(std::string_view token) const
{
    auto it = d->addedByContent.find(std::string(token));
    if (it != d->addedByContent.end())
        return it->second;
    return d->model->tokenToId(token);
}

bool HfTokenizer::isSpecial(int32_t id) const
{
    auto it = d->addedById.find(id);
    return it != d->addedById.end() && d->added[it->second].special;
}

const std::vector<AddedToken> &HfTokenizer::addedTokens() const
{
    return d->added;
}

int32_t HfTokenizer::unkId() const
{
    return d->model->unkId();
}

std::vector<int32_t> HfTokenizer::specialPrefix() const
{
    if (!d->postProcessor)
        return {};
    std::vector<EncodedToken> tokens{{-7, 0, 0}};
    d->postProcessor->process(tokens);
    std::vector<int32_t> ids;
    for (const auto &t : tokens) {
        if (t.id == -7)
            break;
        ids.push_back(t.id);
    }
    return ids;
}

std::vector<int32_t> HfTokenizer::specialSuffix() const
{
    if (!d->postProcessor)
        return {};
    std::vector<EncodedToken> tokens{{-7, 0, 0}};
    d->postProcessor->process(tokens);
    std::vector<int32_t> ids;
    bool after = false;
    for (const auto &t : tokens) {
        if (after)
            ids.push_back(t.id);
        after = after || t.id == -7;
    }
    return ids;
}

} // namespace tb::hf
