#include "jinja_text.h"

#include <algorithm>
#include <clocale>
#include <cwctype>
#include <locale.h>
#include <wctype.h>

namespace tb::jinja::text {

std::vector<char32_t> decode(const std::string &s)
{
    std::vector<char32_t> out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
        if (extra < 0) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
        bool ok = true;
        for (int k = 1; k <= extra; ++k) {
            if (i + size_t(k) >= s.size() || (static_cast<unsigned char>(s[i + size_t(k)]) & 0xC0) != 0x80) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + size_t(k)]) & 0x3F);
        }
        if (!ok) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += size_t(extra) + 1;
    }
    return out;
}

void append(std::string &out, char32_t cp)
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

std::string encode(const std::vector<char32_t> &cps)
{
    std::string out;
    out.reserve(cps.size());
    for (char32_t cp : cps)
        append(out, cp);
    return out;
}

bool isSpace(char32_t c)
{
    if (c <= 32)
        return c == 32 || (c >= 9 && c <= 13);
    return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029
           || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

std::string strip(const std::string &s, const std::string *chars, bool left, bool right)
{
    const std::vector<char32_t> cps = decode(s);
    std::vector<char32_t> set;
    if (chars)
        set = decode(*chars);
    auto strippable = [&](char32_t c) {
        return chars ? std::find(set.begin(), set.end(), c) != set.end() : isSpace(c);
    };
    size_t begin = 0, end = cps.size();
    if (left)
        while (begin < end && strippable(cps[begin]))
            ++begin;
    if (right)
        while (end > begin && strippable(cps[end - 1]))
            --end;
    return encode(std::vector<char32_t>(cps.begin() + long(begin), cps.begin() + long(end)));
}

namespace {

// Unicode case mapping from the C library's UTF-8 locale, whatever the process locale is;
// ASCII only if the system has no C.UTF-8.
locale_t utf8Locale()
{
    static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(nullptr));
    return loc;
}

std::string mapCase(const std::string &s, bool upper)
{
    const locale_t loc = utf8Locale();
    std::string out;
    out.reserve(s.size());
    for (char32_t cp : decode(s)) {
        if (cp < 0x80 || !loc) {
            if (upper && cp >= 'a' && cp <= 'z')
                cp = cp - 'a' + 'A';
            else if (!upper && cp >= 'A' && cp <= 'Z')
                cp = cp - 'A' + 'a';
        } else {
            cp = char32_t(upper ? towupper_l(wint_t(cp), loc) : towlower_l(wint_t(cp), loc));
        }
        append(out, cp);
    }
    return out;
}

} // namespace

std::string toUpper(const std::string &s)
{
    return mapCase(s, true);
}

std::string toLower(const std::string &s)
{
    return mapCase(s, false);
}

std::string title(const std::string &s)
{
    std::string out = s;
    bool inWord = false;
    for (char &c : out) {
        const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (word && !inWord && c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
        inWord = word;
    }
    return out;
}

std::string replace(const std::string &s, const std::string &from, const std::string &to, int64_t count)
{
    if (count == 0)
        return s;
    std::string out;
    if (from.empty()) {
        // Python inserts `to` between characters and at both ends.
        const std::vector<char32_t> cps = decode(s);
        int64_t done = 0;
        for (size_t i = 0; i <= cps.size(); ++i) {
            if (count < 0 || done < count) {
                out += to;
                ++done;
            }
            if (i < cps.size())
                append(out, cps[i]);
        }
        return out;
    }
    size_t pos = 0;
    int64_t done = 0;
    while (count < 0 || done < count) {
        const size_t hit = s.find(from, pos);
        if (hit == std::string::npos)
            break;
        out.append(s, pos, hit - pos);
        out += to;
        pos = hit + from.size();
        ++done;
    }
    out.append(s, pos, std::string::npos);
    return out;
}

std::vector<std::string> split(const std::string &s, const std::string *sep, int64_t maxSplit)
{
    std::vector<std::string> parts;
    if (sep) {
        size_t pos = 0;
        while (maxSplit < 0 || int64_t(parts.size()) < maxSplit) {
            const size_t hit = s.find(*sep, pos);
            if (hit == std::string::npos)
                break;
            parts.push_back(s.substr(pos, hit - pos));
            pos = hit + sep->size();
        }
        parts.push_back(s.substr(pos));
        return parts;
    }
    const std::vector<char32_t> cps = decode(s);
    size_t i = 0;
    while (i < cps.size()) {
        while (i < cps.size() && isSpace(cps[i]))
            ++i;
        if (i == cps.size())
            break;
        if (maxSplit >= 0 && int64_t(parts.size()) >= maxSplit) {
            parts.push_back(encode(std::vector<char32_t>(cps.begin() + long(i), cps.end())));
            break;
        }
        size_t j = i;
        while (j < cps.size() && !isSpace(cps[j]))
            ++j;
        parts.push_back(encode(std::vector<char32_t>(cps.begin() + long(i), cps.begin() + long(j))));
        i = j;
    }
    return parts;
}

} // namespace tb::jinja::text
