#pragma once

// Streaming text one token at a time: a token of a byte-level tokenizer may end inside a
// multi-byte UTF-8 character (a CJK character or an emoji split over two or three tokens).
// The hold keeps those bytes back until the character is complete, so a stream never shows
// half a character.
#include <string>
#include <string_view>

namespace tb {

// Bytes at the end of `text` that start a UTF-8 character whose remaining bytes have not
// arrived yet (0 when the text ends on a character boundary or in an invalid sequence).
size_t incompleteUtf8Tail(std::string_view text);

class Utf8Hold {
public:
    // Appends the bytes of one token and returns the text that is now complete (invalid
    // bytes become U+FFFD).
    std::string push(std::string_view bytes);
    // The rest at the end of the stream (an unfinished character becomes U+FFFD).
    std::string flush();

private:
    std::string m_pending;
};

} // namespace tb
