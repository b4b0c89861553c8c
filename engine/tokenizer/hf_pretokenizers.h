#pragma once

// tokenizer.json "pre_tokenizer": Split, ByteLevel, Metaspace, Digits, Punctuation,
// Whitespace, WhitespaceSplit, BertPreTokenizer and Sequence. A pre-tokenizer turns each
// piece of normalised text into smaller pieces (words) that the model encodes one by one.
#include "hf_text.h"

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <vector>

namespace tb::hf {

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    // Replaces `pieces` by their splits; empty pieces are dropped.
    virtual void preTokenize(std::vector<NormalizedString> &pieces) const = 0;
};

// nullptr for a JSON null. Throws tb::Error (without the file name) for an unknown type.
std::unique_ptr<PreTokenizer> makePreTokenizer(const nlohmann::json &config);

} // namespace tb::hf
