#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;
struct Example;

// A token as a person reads it: byte pieces become their byte, "▁" a space; special tokens
// keep their piece (<s>, </s>, <|im_end|>) so a misplaced EOS is visible.
std::string tokenDisplayText(const Tokenizer &tok, int64_t id);

struct DisplayToken {
    std::string text;
    bool trained = false; // the loss is taken on it
    bool special = false;
};

// An example's tokens for a loss-mask view (dataset inspect, the Data page).
std::vector<DisplayToken> displayTokens(const Tokenizer &tok, const Example &example);

} // namespace tb
