#pragma once

// tokenizer.json "post_processor": TemplateProcessing, ByteLevel, RobertaProcessing,
// BertProcessing and Sequence: the special tokens added around an encoded text.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <vector>

namespace tb::hf {

struct EncodedToken {
    int32_t id = 0;
    uint32_t begin = 0; // byte range in the original text (empty for added specials)
    uint32_t end = 0;
};

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    // One sequence, with add_special_tokens = true.
    virtual void process(std::vector<EncodedToken> &tokens) const = 0;
};

// nullptr for a JSON null. Throws tb::Error (without the file name) for an unknown type.
std::unique_ptr<PostProcessor> makePostProcessor(const nlohmann::json &config);

} // namespace tb::hf
