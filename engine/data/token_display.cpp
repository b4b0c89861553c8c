#include "token_display.h"

#include "dataset.h"
#include "tokenizer.h"

namespace tb {

std::string tokenDisplayText(const Tokenizer &tok, int64_t id)
{
    const std::string piece = tok.piece(id);
    if (tok.isSpecial(id))
        return piece;
    if (piece.size() == 6 && piece.compare(0, 3, "<0x") == 0 && piece[5] == '>')
        return std::string(1, char(std::stoi(piece.substr(3, 2), nullptr, 16)));
    std::string out;
    const std::string space = "\xE2\x96\x81"; // ▁
    for (size_t i = 0; i < piece.size();) {
        if (piece.compare(i, space.size(), space) == 0) {
            out += ' ';
            i += space.size();
        } else {
            out += piece[i++];
        }
    }
    return out;
}

std::vector<DisplayToken> displayTokens(const Tokenizer &tok, const Example &example)
{
    std::vector<DisplayToken> out;
    out.reserve(example.ids.size());
    for (size_t i = 0; i < example.ids.size(); ++i)
        out.push_back({tokenDisplayText(tok, example.ids[i]), example.trained[i] != 0, tok.isSpecial(example.ids[i])});
    return out;
}

} // namespace tb
