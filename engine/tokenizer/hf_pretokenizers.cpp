#include "hf_pretokenizers.h"

#include "error.h"
#include "hf_regex.h"

#include <nlohmann/json.hpp>

#include <functional>

namespace tb::hf {

namespace {

using json = nlohmann::json;

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior behaviorFrom(const std::string &name)
{
    if (name == "Removed")
        return Behavior::Removed;
    if (name == "Isolated")
        return Behavior::Isolated;
    if (name == "MergedWithPrevious")
        return Behavior::MergedWithPrevious;
    if (name == "MergedWithNext")
        return Behavior::MergedWithNext;
    if (name == "Contiguous")
        return Behavior::Contiguous;
    throw Error("split behavior '" + name + "' is not supported");
}

struct Mark {
    size_t begin, end;
    bool match;
};
using Marks = std::vector<Mark>;

// Match and non-match ranges covering `text` (the library's Pattern::find_matches).
void marksFromRanges(size_t size, const std::vector<std::pair<size_t, size_t>> &ranges, Marks &marks)
{
    marks.clear();
    if (size == 0) {
        marks.push_back({0, 0, false});
        return;
    }
    size_t prev = 0;
    for (const auto &[b, e] : ranges) {
        if (prev != b)
            marks.push_back({prev, b, false});
        marks.push_back({b, e, true});
        prev = e;
    }
    if (prev != size)
        marks.push_back({prev, size, false});
}

// Each character for which `pred` holds is a match of its own.
void marksFromPredicate(std::string_view text, const std::function<bool(char32_t)> &pred, Marks &marks)
{
    std::vector<std::pair<size_t, size_t>> ranges;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t start = pos;
        if (pred(nextCodePoint(text, pos)))
            ranges.emplace_back(start, pos);
    }
    marksFromRanges(text.size(), ranges, marks);
}

// The library's NormalizedString::split: applies a delimiter behaviour to the marks.
void splitByMarks(const NormalizedString &s, Marks marks, Behavior behavior, bool invert,
                  std::vector<NormalizedString> &out)
{
    if (invert)
        for (Mark &m : marks)
            m.match = !m.match;
    std::vector<std::pair<Mark, bool>> pieces; // (range, remove)
    switch (behavior) {
    case Behavior::Isolated:
        for (const Mark &m : marks)
            pieces.push_back({m, false});
        break;
    case Behavior::Removed:
        for (const Mark &m : marks)
            pieces.push_back({m, m.match});
        break;
    case Behavior::MergedWithPrevious: {
        bool previousMatch = false;
        for (const Mark &m : marks) {
            if (m.match && !previousMatch && !pieces.empty())
                pieces.back().first.end = m.end;
            else
                pieces.push_back({m, false});
            previousMatch = m.match;
        }
        break;
    }
    case Behavior::MergedWithNext: {
        bool previousMatch = false;
        for (auto it = marks.rbegin(); it != marks.rend(); ++it) {
            if (it->match && !previousMatch && !pieces.empty())
                pieces.back().first.begin = it->begin;
            else
                pieces.push_back({*it, false});
            previousMatch = it->match;
        }
        std::reverse(pieces.begin(), pieces.end());
        break;
    }
    case Behavior::Contiguous: {
        bool previousMatch = false;
        for (const Mark &m : marks) {
            if (m.match == previousMatch && !pieces.empty())
                pieces.back().first.end = m.end;
            else
                pieces.push_back({m, false});
            previousMatch = m.match;
        }
        break;
    }
    }
    for (const auto &[m, remove] : pieces)
        if (!remove && m.end > m.begin)
            out.push_back(s.slice(m.begin, m.end));
}

class SplitPreTokenizer : public PreTokenizer {
public:
    SplitPreTokenizer(const std::string &regex, Behavior behavior, bool invert)
        : m_regex(std::make_unique<HfRegex>(regex)), m_behavior(behavior), m_invert(invert)
    {
    }
    void preTokenize(std::vector<NormalizedString> &pieces) const override
    {
        std::vector<NormalizedString> out;
        out.reserve(pieces.size() * 4);
        std::vector<std::pair<size_t, size_t>> ranges;
        Marks marks;
        for (const NormalizedString &s : pieces) {
            m_regex->findAll(s.text, ranges);
            marksFromRanges(s.text.size(), ranges, marks);
            splitByMarks(s, marks, m_behavior, m_invert, out);
        }
        pieces = std::move(out);
    }

private:
    std::unique_ptr<HfRegex> m_regex;
    Behavior m_behavior;
    bool m_invert;
};

class PredicatePreTokenizer : public PreTokenizer {
public:
    PredicatePreTokenizer(std::function<bool(char32_t)> pred, Behavior behavior)
        : m_pred(std::move(pred)), m_behavior(behavior)
    {
    }
    void preTokenize(std::vector<NormalizedString> &pieces) const override
    {
        std::vector<NormalizedString> out;
        Marks marks;
        for (const NormalizedString &s : pieces) {
            marksFromPredicate(s.text, m_pred, marks);
            splitByMarks(s, marks, m_behavior, false, out);
        }
        pieces = std::move(out);
    }

private:
    std::function<bool(char32_t)> m_pred;
    Behavior m_behavior;
};

// GPT-2's pattern (the library's ByteLevel regex).
const char *const kByteLevelPattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevelPreTokenizer : public PreTokenizer {
public:
    ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : m_addPrefixSpace(addPrefixSpace)
    {
        if (useRegex)
            m_regex = std::make_unique<HfRegex>(kByteLevelPattern);
    }
    void preTokenize(std::vector<NormalizedString> &pieces) const override
    {
        std::vector<NormalizedString> out;
        out.reserve(pieces.size());
        std::vector<std::pair<size_t, size_t>> ranges;
        Marks marks;
        for (NormalizedString &s : pieces) {
            if (m_addPrefixSpace && (s.text.empty() || s.text[0] != ' '))
                s.prepend(" ");
            if (m_regex) {
                m_regex->findAll(s.text, ranges);
                marksFromRanges(s.text.size(), ranges, marks);
                splitByMarks(s, marks, Behavior::Isolated, false, out);
            } else if (!s.empty()) {
                out.push_back(std::move(s));
            }
        }
        for (NormalizedString &s : out)
            toByteLevel(s);
        pieces = std::move(out);
    }

    // Every byte becomes its printable stand-in character.
    static void toByteLevel(NormalizedString &s)
    {
        std::string text;
        std::vector<uint32_t> nb, ne;
        text.reserve(s.text.size() * 2);
        nb.reserve(s.text.size() * 2);
        ne.reserve(s.text.size() * 2);
        for (size_t i = 0; i < s.text.size(); ++i) {
            const std::string &c = byteLevelChar(static_cast<unsigned char>(s.text[i]));
            text += c;
            nb.insert(nb.end(), c.size(), s.begin[i]);
            ne.insert(ne.end(), c.size(), s.end[i]);
        }
        s.text = std::move(text);
        s.begin = std::move(nb);
        s.end = std::move(ne);
    }

private:
    bool m_addPrefixSpace;
    std::unique_ptr<HfRegex> m_regex;
};

class MetaspacePreTokenizer : public PreTokenizer {
public:
    enum class Prepend { Always, First, Never };
    MetaspacePreTokenizer(std::string replacement, Prepend prepend, bool split)
        : m_replacement(std::move(replacement)), m_prepend(prepend), m_split(split)
    {
    }
    void preTokenize(std::vector<NormalizedString> &pieces) const override
    {
        std::vector<NormalizedString> out;
        Marks marks;
        const std::string &rep = m_replacement;
        for (NormalizedString &s : pieces) {
            s.mapCodePoints([&](char32_t cp, std::string_view original, std::string &o) {
                if (cp == ' ')
                    o += rep;
                else
                    o.append(original);
            });
            const bool startsWith = s.text.compare(0, rep.size(), rep) == 0;
            if (!startsWith
                && (m_prepend == Prepend::Always || (m_prepend == Prepend::First && s.originalBegin() == 0)))
                s.prepend(rep);
            if (!m_split) {
                if (!s.empty())
                    out.push_back(std::move(s));
                continue;
            }
            std::vector<std::pair<size_t, size_t>> ranges;
            for (size_t pos = s.text.find(rep); pos != std::string::npos; pos = s.text.find(rep, pos + rep.size()))
                ranges.emplace_back(pos, pos + rep.size());
            marksFromRanges(s.text.size(), ranges, marks);
            splitByMarks(s, marks, Behavior::MergedWithNext, false, out);
        }
        pieces = std::move(out);
    }

private:
    std::string m_replacement;
    Prepend m_prepend;
    bool m_split;
};

class SequencePreTokenizer : public PreTokenizer {
public:
    explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> parts) : m_parts(std::move(parts)) {}
    void preTokenize(std::vector<NormalizedString> &pieces) const override
    {
        for (const auto &part : m_parts)
            part->preTokenize(pieces);
    }

private:
    std::vector<std::unique_ptr<PreTokenizer>> m_parts;
};

std::string splitPattern(const json &pattern)
{
    if (pattern.contains("Regex"))
        return pattern.at("Regex").get<std::string>();
    return HfRegex::escape(pattern.at("String").get<std::string>());
}

} // namespace

std::unique_ptr<PreTokenizer> makePreTokenizer(const json &config)
{
    if (config.is_null())
        return nullptr;
    const std::string type = config.at("type").get<std::string>();
    if (type == "Split")
        return std::make_unique<SplitPreTokenizer>(splitPattern(config.at("pattern")),
                                                   behaviorFrom(config.at("behavior").get<std::string>()),
                                                   config.value("invert", false));
    if (type == "ByteLevel")
        return std::make_unique<ByteLevelPreTokenizer>(config.value("add_prefix_space", true),
                                                       config.value("use_regex", true));
    if (type == "Metaspace") {
        auto prepend = MetaspacePreTokenizer::Prepend::Always;
        if (config.contains("prepend_scheme")) {
            const std::string scheme = config.at("prepend_scheme").get<std::string>();
            if (scheme == "first")
                prepend = MetaspacePreTokenizer::Prepend::First;
            else if (scheme == "never")
                prepend = MetaspacePreTokenizer::Prepend::Never;
            else if (scheme != "always")
                throw Error("Metaspace prepend_scheme '" + scheme + "' is not supported");
        } else if (!config.value("add_prefix_space", true)) {
            prepend = MetaspacePreTokenizer::Prepend::Never;
        }
        return std::make_unique<MetaspacePreTokenizer>(config.value("replacement", std::string("\xE2\x96\x81")),
                                                       prepend, config.value("split", true));
    }
    if (type == "Whitespace") {
        // \w+|[^\w\s]+, keeping the matches.
        return std::make_unique<SplitPreTokenizer>(R"(\w+|[^\w\s]+)", Behavior::Removed, true);
    }
    if (type == "WhitespaceSplit")
        return std::make_unique<PredicatePreTokenizer>(isWhitespaceCp, Behavior::Removed);
    if (type == "Punctuation")
        return std::make_unique<PredicatePreTokenizer>(
            isPunctuationCp, behaviorFrom(config.value("behavior", std::string("Isolated"))));
    if (type == "Digits") {
        const bool individual = config.value("individual_digits", false);
        return std::make_unique<PredicatePreTokenizer>([](char32_t cp) { return isNumericCp(cp); },
                                                       individual ? Behavior::Isolated : Behavior::Contiguous);
    }
    if (type == "BertPreTokenizer") {
        std::vector<std::unique_ptr<PreTokenizer>> parts;
        parts.push_back(std::make_unique<PredicatePreTokenizer>(isWhitespaceCp, Behavior::Removed));
        parts.push_back(std::make_unique<PredicatePreTokenizer>(isPunctuationCp, Behavior::Isolated));
        return std::make_unique<SequencePreTokenizer>(std::move(parts));
    }
    if (type == "Sequence") {
        std::vector<std::unique_ptr<PreTokenizer>> parts;
        for (const json &part : config.at("pretokenizers"))
            if (auto p = makePreTokenizer(part))
                parts.push_back(std::move(p));
        return std::make_unique<SequencePreTokenizer>(std::move(parts));
    }
    throw Error("pre-tokenizer type '" + type + "' is not supported");
}

} // namespace tb::hf
