#include "utf8_hold.h"

#include "hf_text.h"

namespace tb {

size_t incompleteUtf8Tail(std::string_view text)
{
    // Look back over at most three continuation bytes for the lead byte.
    const size_t n = text.size();
    for (size_t back = 1; back <= 4 && back <= n; ++back) {
        const auto b = static_cast<unsigned char>(text[n - back]);
        if ((b & 0xC0) == 0x80)
            continue; // a continuation byte: keep looking for its lead
        size_t need = 0;
        if (b >= 0xC2 && b <= 0xDF)
            need = 2;
        else if (b >= 0xE0 && b <= 0xEF)
            need = 3;
        else if (b >= 0xF0 && b <= 0xF4)
            need = 4;
        // Incomplete only when the lead wants more bytes than have come and those that came
        // could still belong to it.
        if (need > back && hf::validUtf8Prefix(text.substr(n - back)) == 0)
            return back;
        return 0;
    }
    return 0;
}

std::string Utf8Hold::push(std::string_view bytes)
{
    m_pending.append(bytes.data(), bytes.size());
    const size_t ready = m_pending.size() - incompleteUtf8Tail(m_pending);
    std::string out = hf::lossyUtf8(std::string_view(m_pending).substr(0, ready));
    m_pending.erase(0, ready);
    return out;
}

std::string Utf8Hold::flush()
{
    std::string out = hf::lossyUtf8(m_pending);
    m_pending.clear();
    return out;
}

} // namespace tb
