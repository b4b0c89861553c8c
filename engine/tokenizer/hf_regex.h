#pragma once

// A compiled PCRE2 pattern (UTF + Unicode properties, JIT when available) that finds every
// non-overlapping match, the way the Oniguruma regexes of Hugging Face's tokenizers do.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tb::hf {

class HfRegex {
public:
    // Throws tb::Error naming the pattern and PCRE2's message.
    explicit HfRegex(const std::string &pattern);
    ~HfRegex();
    HfRegex(const HfRegex &) = delete;
    HfRegex &operator=(const HfRegex &) = delete;

    // Byte ranges of the matches in `text`, left to right. Thread-safe.
    void findAll(std::string_view text, std::vector<std::pair<size_t, size_t>> &matches) const;

    // `literal` with every regex metacharacter escaped.
    static std::string escape(std::string_view literal);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace tb::hf
