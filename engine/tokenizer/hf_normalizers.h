#pragma once

// tokenizer.json "normalizer": NFC, NFKC, NFD, NFKD (ICU), Lowercase, Replace, Prepend,
// Strip, StripAccents and Sequence. Each keeps the alignment to the original text.
#include "hf_text.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>

namespace tb::hf {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual void normalize(NormalizedString &s) const = 0;
};

// nullptr for a JSON null. Throws tb::Error (without the file name) for an unknown type.
std::unique_ptr<Normalizer> makeNormalizer(const nlohmann::json &config);

} // namespace tb::hf
