#include "hf_text.h"

#include <unicode/uchar.h>

#include <array>

namespace tb::hf {

size_t utf8Length(unsigned char b)
{
    if (b < 0x80)
        return 1;
    if ((b & 0xE0) == 0xC0)
        return 2;
    if ((b & 0xF0) == 0xE0)
        return 3;
    if ((b & 0xF8) == 0xF0)
        return 4;
    return 1;
}

char32_t nextCodePoint(std::string_view text, size_t &pos)
{
    const auto b0 = static_cast<unsigned char>(text[pos]);
    const size_t n = utf8Length(b0);
    if (n == 1 || pos + n > text.size()) {
        ++pos;
        return b0;
    }
    char32_t cp = b0 & (0xFF >> (n + 1));
    for (size_t i = 1; i < n; ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
    pos += n;
    return cp;
}

void appendUtf8(std::string &out, char32_t cp)
{
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

namespace {

// Length of the valid UTF-8 sequence at text[pos], or 0 when it is invalid or cut short.
size_t validSequenceAt(std::string_view text, size_t pos)
{
    const auto b0 = static_cast<unsigned char>(text[pos]);
    if (b0 < 0x80)
        return 1;
    size_t n = 0;
    char32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        n = 3;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (pos + n > text.size())
        return 0;
    char32_t cp = b0 & (0xFF >> (n + 1));
    for (size_t i = 1; i < n; ++i) {
        const auto b = static_cast<unsigned char>(text[pos + i]);
        if ((b & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

struct ByteLevelTable {
    std::array<std::string, 256> chars;
    std::array<int, 512> bytes; // code point -> byte; the table's code points are all < 324
    ByteLevelTable()
    {
        bytes.fill(-1);
        int extra = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            const char32_t cp = printable ? char32_t(b) : char32_t(256 + extra++);
            appendUtf8(chars[b], cp);
            bytes[cp] = b;
        }
    }
};

const ByteLevelTable &byteLevelTable()
{
    static const ByteLevelTable table;
    return table;
}

} // namespace

size_t validUtf8Prefix(std::string_view text)
{
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t n = validSequenceAt(text, pos);
        if (n == 0)
            break;
        pos += n;
    }
    return pos;
}

std::string lossyUtf8(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size());
    size_t pos = 0;
    while (pos < bytes.size()) {
        const size_t n = validSequenceAt(bytes, pos);
        if (n > 0) {
            out.append(bytes.data() + pos, n);
            pos += n;
            continue;
        }
        // The maximal subpart: a lead byte and the continuation bytes that could still follow it.
        const auto b0 = static_cast<unsigned char>(bytes[pos]);
        size_t want = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            want = 1;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            want = 2;
            if (b0 == 0xE0)
                lo = 0xA0;
            if (b0 == 0xED)
                hi = 0x9F;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            want = 3;
            if (b0 == 0xF0)
                lo = 0x90;
            if (b0 == 0xF4)
                hi = 0x8F;
        }
        size_t used = 1;
        for (size_t i = 0; i < want && pos + used < bytes.size(); ++i) {
            const auto b = static_cast<unsigned char>(bytes[pos + used]);
            if (b < (i == 0 ? lo : 0x80) || b > (i == 0 ? hi : 0xBF))
                break;
            ++used;
        }
        out += "\xEF\xBF\xBD";
        pos += used;
    }
    return out;
}

bool isWhitespaceCp(char32_t cp)
{
    return u_hasBinaryProperty(UChar32(cp), UCHAR_WHITE_SPACE);
}

bool isNumericCp(char32_t cp)
{
    const int8_t t = u_charType(UChar32(cp));
    return t == U_DECIMAL_DIGIT_NUMBER || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER;
}

bool isAlphanumericCp(char32_t cp)
{
    return u_hasBinaryProperty(UChar32(cp), UCHAR_ALPHABETIC) || isNumericCp(cp);
}

bool isPunctuationCp(char32_t cp)
{
    if (cp < 0x80)
        return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') || (cp >= '[' && cp <= '`') || (cp >= '{' && cp <= '~');
    switch (u_charType(UChar32(cp))) {
    case U_CONNECTOR_PUNCTUATION:
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
        return true;
    default:
        return false;
    }
}

const std::string &byteLevelChar(unsigned char byte)
{
    return byteLevelTable().chars[byte];
}

int byteLevelByte(char32_t cp)
{
    return cp < 512 ? byteLevelTable().bytes[cp] : -1;
}

NormalizedString NormalizedString::fromOriginal(std::string_view input, uint32_t offset)
{
    NormalizedString s;
    s.origStart = offset;
    s.text.reserve(input.size());
    s.begin.reserve(input.size());
    s.end.reserve(input.size());
    size_t pos = 0;
    while (pos < input.size()) {
        const size_t n = validSequenceAt(input, pos);
        if (n == 0) {
            s.text += "\xEF\xBF\xBD"; // U+FFFD, as a lossy UTF-8 conversion gives
            for (int i = 0; i < 3; ++i) {
                s.begin.push_back(offset + uint32_t(pos));
                s.end.push_back(offset + uint32_t(pos + 1));
            }
            ++pos;
            continue;
        }
        s.text.append(input.data() + pos, n);
        for (size_t i = 0; i < n; ++i) {
            s.begin.push_back(offset + uint32_t(pos + i));
            s.end.push_back(offset + uint32_t(pos + i + 1));
        }
        pos += n;
    }
    return s;
}

NormalizedString NormalizedString::slice(size_t b, size_t e) const
{
    NormalizedString s;
    s.text = text.substr(b, e - b);
    s.begin.assign(begin.begin() + b, begin.begin() + e);
    s.end.assign(end.begin() + b, end.begin() + e);
    s.origStart = b < begin.size() ? begin[b] : originalEnd();
    return s;
}

void NormalizedString::assign(std::string out, const std::vector<uint32_t> &srcBegin, const std::vector<uint32_t> &srcEnd)
{
    std::vector<uint32_t> nb(out.size()), ne(out.size());
    for (size_t i = 0; i < out.size(); ++i) {
        nb[i] = begin[srcBegin[i]];
        ne[i] = end[srcEnd[i] - 1];
    }
    origStart = originalBegin();
    text = std::move(out);
    begin = std::move(nb);
    end = std::move(ne);
}

void NormalizedString::prepend(std::string_view prefix)
{
    const uint32_t b = text.empty() ? origStart : begin.front();
    const uint32_t e = text.empty() ? origStart : end[utf8Length(static_cast<unsigned char>(text[0])) - 1];
    text.insert(0, prefix);
    begin.insert(begin.begin(), prefix.size(), b);
    end.insert(end.begin(), prefix.size(), e);
}

} // namespace tb::hf
