#pragma once

// Text as Hugging Face's tokenizers pipeline sees it: a normalised string whose every byte
// remembers the byte range of the original input it came from (so a token's span in the
// user's text survives NFC, replacements and the byte-level alphabet), plus UTF-8 helpers.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tb::hf {

// Decodes the code point at text[pos] (valid UTF-8 assumed) and advances pos.
char32_t nextCodePoint(std::string_view text, size_t &pos);
// Length in bytes of the UTF-8 sequence that starts with lead byte `b` (1 for a stray byte).
size_t utf8Length(unsigned char b);
void appendUtf8(std::string &out, char32_t cp);
// `bytes` as text: each maximal invalid subsequence becomes one U+FFFD (Rust's
// String::from_utf8_lossy and the WHATWG decoder agree on this).
std::string lossyUtf8(std::string_view bytes);
// Bytes of a valid UTF-8 prefix of `text`: stops before an incomplete or invalid sequence.
size_t validUtf8Prefix(std::string_view text);

// Unicode classes as Rust's char methods define them (used by pre-tokenizers and added tokens).
bool isWhitespaceCp(char32_t cp);
bool isAlphanumericCp(char32_t cp);
bool isPunctuationCp(char32_t cp); // ASCII punctuation or a Unicode P* category
bool isNumericCp(char32_t cp);

// GPT-2's reversible byte <-> printable character table (ByteLevel pre-tokenizer / decoder).
const std::string &byteLevelChar(unsigned char byte); // UTF-8 of the character for `byte`
int byteLevelByte(char32_t cp);                       // -1 when cp is not in the table

struct NormalizedString {
    std::string text;
    // For each byte of text: the [begin, end) byte range of the original input it came from.
    std::vector<uint32_t> begin;
    std::vector<uint32_t> end;
    // Where this piece starts in the original input (also for an empty piece).
    uint32_t origStart = 0;

    // Input text; invalid UTF-8 bytes become U+FFFD, each aligned to its own byte.
    static NormalizedString fromOriginal(std::string_view input, uint32_t offset = 0);
    NormalizedString slice(size_t b, size_t e) const;
    // Replaces the text by `out`, each byte of which came from text[srcBegin[i], srcEnd[i]).
    void assign(std::string out, const std::vector<uint32_t> &srcBegin, const std::vector<uint32_t> &srcEnd);
    // Maps every code point through `map` (returning its replacement, possibly empty or longer).
    template <typename F>
    void mapCodePoints(F map);
    // Adds `prefix` in front; its bytes align with the first character (as the library does).
    void prepend(std::string_view prefix);
    bool empty() const { return text.empty(); }
    uint32_t originalBegin() const { return text.empty() ? origStart : begin.front(); }
    uint32_t originalEnd() const { return text.empty() ? origStart : end.back(); }
};

template <typename F>
void NormalizedString::mapCodePoints(F map)
{
    std::string out;
    out.reserve(text.size());
    std::vector<uint32_t> nb, ne;
    nb.reserve(text.size());
    ne.reserve(text.size());
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t start = pos;
        const char32_t cp = nextCodePoint(text, pos);
        const size_t before = out.size();
        const std::string_view original = std::string_view(text).substr(start, pos - start);
        map(cp, original, out);
        if (std::string_view(out).substr(before) == original) {
            // Unchanged: keep the byte-precise alignment.
            nb.insert(nb.end(), begin.begin() + start, begin.begin() + pos);
            ne.insert(ne.end(), end.begin() + start, end.begin() + pos);
            continue;
        }
        const uint32_t b = begin[start], e = end[pos - 1];
        for (size_t i = before; i < out.size(); ++i) {
            nb.push_back(b);
            ne.push_back(e);
        }
    }
    text = std::move(out);
    begin = std::move(nb);
    end = std::move(ne);
}

} // namespace tb::hf
