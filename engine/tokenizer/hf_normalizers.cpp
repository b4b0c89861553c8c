#include "hf_normalizers.h"

#include "error.h"
#include "hf_regex.h"

#include <nlohmann/json.hpp>

#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

namespace tb::hf {

namespace {

using json = nlohmann::json;

// Replaces s.text by ICU's output, aligned through ICU's record of what it changed.
void applyEdits(NormalizedString &s, std::string out, const icu::Edits &edits)
{
    std::vector<uint32_t> srcBegin(out.size()), srcEnd(out.size());
    UErrorCode status = U_ZERO_ERROR;
    icu::Edits::Iterator it = edits.getFineIterator();
    while (it.next(status)) {
        const auto src = size_t(it.sourceIndex()), dst = size_t(it.destinationIndex());
        const auto oldLen = size_t(it.oldLength()), newLen = size_t(it.newLength());
        for (size_t i = 0; i < newLen; ++i) {
            if (!it.hasChange()) {
                srcBegin[dst + i] = uint32_t(src + i);
                srcEnd[dst + i] = uint32_t(src + i + 1);
            } else {
                srcBegin[dst + i] = uint32_t(src);
                srcEnd[dst + i] = uint32_t(src + (oldLen ? oldLen : 1));
            }
        }
    }
    if (s.text.empty())
        return;
    const auto size = uint32_t(s.text.size());
    for (auto &b : srcBegin)
        b = std::min<uint32_t>(b, size - 1);
    for (auto &e : srcEnd)
        e = std::min<uint32_t>(e, size);
    s.assign(std::move(out), srcBegin, srcEnd);
}

class UnicodeNormalizer : public Normalizer {
public:
    explicit UnicodeNormalizer(const std::string &form)
    {
        UErrorCode status = U_ZERO_ERROR;
        if (form == "NFC")
            m_norm = icu::Normalizer2::getNFCInstance(status);
        else if (form == "NFD")
            m_norm = icu::Normalizer2::getNFDInstance(status);
        else if (form == "NFKC")
            m_norm = icu::Normalizer2::getNFKCInstance(status);
        else
            m_norm = icu::Normalizer2::getNFKDInstance(status);
        if (U_FAILURE(status))
            throw Error("ICU has no " + form + " normalizer: " + u_errorName(status));
    }
    void normalize(NormalizedString &s) const override
    {
        UErrorCode status = U_ZERO_ERROR;
        if (m_norm->isNormalizedUTF8(s.text, status) && U_SUCCESS(status))
            return;
        status = U_ZERO_ERROR;
        std::string out;
        icu::StringByteSink<std::string> sink(&out);
        icu::Edits edits;
        m_norm->normalizeUTF8(0, s.text, sink, &edits, status);
        if (U_FAILURE(status))
            throw Error(std::string("Unicode normalisation failed: ") + u_errorName(status));
        applyEdits(s, std::move(out), edits);
    }

private:
    const icu::Normalizer2 *m_norm = nullptr;
};

class Lowercase : public Normalizer {
public:
    void normalize(NormalizedString &s) const override
    {
        UErrorCode status = U_ZERO_ERROR;
        std::string out;
        icu::StringByteSink<std::string> sink(&out);
        icu::Edits edits;
        icu::CaseMap::utf8ToLower("", 0, s.text, sink, &edits, status);
        if (U_FAILURE(status))
            throw Error(std::string("lower-casing failed: ") + u_errorName(status));
        applyEdits(s, std::move(out), edits);
    }
};

class StripAccents : public Normalizer {
public:
    void normalize(NormalizedString &s) const override
    {
        s.mapCodePoints([](char32_t cp, std::string_view original, std::string &out) {
            if (u_charType(UChar32(cp)) != U_NON_SPACING_MARK)
                out.append(original);
        });
    }
};

class Replace : public Normalizer {
public:
    explicit Replace(const json &config)
    {
        const json &pattern = config.at("pattern");
        if (pattern.contains("Regex"))
            m_regex = std::make_unique<HfRegex>(pattern.at("Regex").get<std::string>());
        else
            m_regex = std::make_unique<HfRegex>(HfRegex::escape(pattern.at("String").get<std::string>()));
        m_content = config.at("content").get<std::string>();
    }
    void normalize(NormalizedString &s) const override
    {
        std::vector<std::pair<size_t, size_t>> matches;
        m_regex->findAll(s.text, matches);
        if (matches.empty())
            return;
        std::string out;
        std::vector<uint32_t> srcBegin, srcEnd;
        size_t pos = 0;
        auto keep = [&](size_t b, size_t e) {
            for (size_t i = b; i < e; ++i) {
                out += s.text[i];
                srcBegin.push_back(uint32_t(i));
                srcEnd.push_back(uint32_t(i + 1));
            }
        };
        for (const auto &[b, e] : matches) {
            if (e == b)
                continue;
            keep(pos, b);
            for (char c : m_content) {
                out += c;
                srcBegin.push_back(uint32_t(b));
                srcEnd.push_back(uint32_t(e));
            }
            pos = e;
        }
        keep(pos, s.text.size());
        if (out.empty()) {
            s.origStart = s.originalBegin();
            s.text.clear();
            s.begin.clear();
            s.end.clear();
            return;
        }
        s.assign(std::move(out), srcBegin, srcEnd);
    }

private:
    std::unique_ptr<HfRegex> m_regex;
    std::string m_content;
};

class Prepend : public Normalizer {
public:
    explicit Prepend(std::string content) : m_content(std::move(content)) {}
    void normalize(NormalizedString &s) const override
    {
        if (!s.empty())
            s.prepend(m_content);
    }

private:
    std::string m_content;
};

class Strip : public Normalizer {
public:
    Strip(bool left, bool right) : m_left(left), m_right(right) {}
    void normalize(NormalizedString &s) const override
    {
        size_t b = 0, e = s.text.size();
        if (m_left) {
            while (b < e) {
                size_t next = b;
                if (!isWhitespaceCp(nextCodePoint(s.text, next)))
                    break;
                b = next;
            }
        }
        if (m_right) {
            while (e > b) {
                size_t start = e - 1;
                while (start > b && (static_cast<unsigned char>(s.text[start]) & 0xC0) == 0x80)
                    --start;
                size_t probe = start;
                if (!isWhitespaceCp(nextCodePoint(s.text, probe)))
                    break;
                e = start;
            }
        }
        if (b != 0 || e != s.text.size())
            s = s.slice(b, e);
    }

private:
    bool m_left, m_right;
};

class SequenceNormalizer : public Normalizer {
public:
    explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts) : m_parts(std::move(parts)) {}
    void normalize(NormalizedString &s) const override
    {
        for (const auto &part : m_parts)
            part->normalize(s);
    }

private:
    std::vector<std::unique_ptr<Normalizer>> m_parts;
};

} // namespace

std::unique_ptr<Normalizer> makeNormalizer(const json &config)
{
    if (config.is_null())
        return nullptr;
    const std::string type = config.at("type").get<std::string>();
    if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD")
        return std::make_unique<UnicodeNormalizer>(type);
    if (type == "Lowercase")
        return std::make_unique<Lowercase>();
    if (type == "StripAccents")
        return std::make_unique<StripAccents>();
    if (type == "Replace")
        return std::make_unique<Replace>(config);
    if (type == "Prepend")
        return std::make_unique<Prepend>(config.at("prepend").get<std::string>());
    if (type == "Strip")
        return std::make_unique<Strip>(config.value("strip_left", true), config.value("strip_right", true));
    if (type == "Sequence") {
        std::vector<std::unique_ptr<Normalizer>> parts;
        for (const json &part : config.at("normalizers"))
            if (auto n = makeNormalizer(part))
                parts.push_back(std::move(n));
        return std::make_unique<SequenceNormalizer>(std::move(parts));
    }
    throw Error("normalizer type '" + type + "' is not supported");
}

} // namespace tb::hf
