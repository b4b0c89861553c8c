#include "text_util.h"

#include "error.h"

#include <cstdio>

#include <sstream>

namespace tb {

bool isValidUtf8(std::string_view s)
{
    size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        size_t len = 0;
        uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > s.size())
            return false;
        for (size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid.
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF
            || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

void checkPromptText(std::string_view text, const std::string &what)
{
    if (text.empty())
        throw Error(what + ": the prompt is empty; type some text");
    if (!isValidUtf8(text))
        throw Error(what + ": the prompt is not valid UTF-8; save or pass the text as UTF-8");
}

std::vector<int64_t> parseIdList(const std::string &text)
{
    std::vector<int64_t> ids;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        const auto b = item.find_first_not_of(" \t");
        const auto e = item.find_last_not_of(" \t");
        if (b == std::string::npos)
            throw Error("token id list '" + text + "': empty item");
        item = item.substr(b, e - b + 1);
        size_t used = 0;
        long long v = 0;
        try {
            v = std::stoll(item, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used != item.size() || v < 0)
            throw Error("token id list: '" + item + "' is not a non-negative integer");
        ids.push_back(v);
    }
    if (ids.empty())
        throw Error("token id list is empty; give ids like 1,2,3");
    return ids;
}

std::string joinIds(const std::vector<int64_t> &ids, const char *separator)
{
    std::string out;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i)
            out += separator;
        out += std::to_string(ids[i]);
    }
    return out;
}

std::string printableText(const std::string &s, size_t maxBytes)
{
    std::string out;
    char buf[8];
    for (size_t i = 0; i < s.size() && i < maxBytes; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += char(c);
        }
    }
    if (s.size() > maxBytes)
        out += "...";
    return out;
}

std::string joinNames(const std::vector<std::string> &names, const char *separator)
{
    std::string out;
    for (size_t i = 0; i < names.size(); ++i)
        out += (i ? separator : "") + names[i];
    return out;
}

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::vector<std::string> dims;
    for (int64_t d : shape)
        dims.push_back(std::to_string(d));
    return "[" + joinNames(dims) + "]";
}

std::string mibText(long long bytes)
{
    return std::to_string((bytes + (1LL << 19)) >> 20) + " MiB";
}

std::string utf16Problem(std::string_view content)
{
    const auto startsWith = [&](std::string_view prefix) { return content.substr(0, prefix.size()) == prefix; };
    if (startsWith(std::string_view("\xFF\xFE\0\0", 4)) || startsWith(std::string_view("\0\0\xFE\xFF", 4)))
        return "the file is UTF-32 (it starts with a UTF-32 byte-order mark); save it as UTF-8";
    if (startsWith("\xFF\xFE") || startsWith("\xFE\xFF"))
        return "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8";
    // Without a mark: ASCII text in UTF-16 has a NUL in every other byte.
    const std::string_view head = content.substr(0, 512);
    size_t evenNuls = 0, oddNuls = 0;
    for (size_t i = 0; i < head.size(); ++i)
        if (head[i] == '\0')
            ++(i % 2 ? oddNuls : evenNuls);
    const size_t half = head.size() / 2;
    if (head.size() >= 8 && (evenNuls * 10 >= half * 9 || oddNuls * 10 >= half * 9))
        return "the file looks like UTF-16 (every other byte is 0); save it as UTF-8";
    return {};
}

} // namespace tb
