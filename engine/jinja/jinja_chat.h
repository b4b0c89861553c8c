#pragma once

#include "jinja_template.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <ctime>
#include <string>
#include <vector>

namespace tb::jinja {

// What transformers' apply_chat_template hands a model's chat template.
struct ChatTemplateInputs {
    nlohmann::ordered_json messages = nlohmann::ordered_json::array(); // [{role, content, ...}]
    bool addGenerationPrompt = true;
    std::string bosToken; // left undefined when empty, as transformers does for unset tokens
    std::string eosToken;
    nlohmann::ordered_json tools;     // null: `tools` is none
    nlohmann::ordered_json documents; // null: `documents` is none
    // More variables, e.g. {"enable_thinking": false}; they may override the ones above.
    nlohmann::ordered_json extra = nlohmann::ordered_json::object();
    const std::tm *now = nullptr; // strftime_now's clock; nullptr: the local time
};

// The variables of a render: messages, add_generation_prompt, tools, documents, bos_token,
// eos_token, then `extra`.
Object chatTemplateVariables(const ChatTemplateInputs &inputs);

// Renders a conversation with a model's template. Throws tb::Error (one line naming the
// template, the line and the reason).
std::string renderChatTemplate(const Template &tmpl, const ChatTemplateInputs &inputs);

// Where one assistant message lies in a rendering, in bytes. [begin, end) is what the model
// must learn to emit for it:
//  - from `begin`: where the turn's own text starts, right after what the generation prompt
//    writes (so Qwen3's "<think>\n...\n</think>\n\n" of the last turn is in it); when the
//    template renders the conversation so far differently from the start of the whole
//    rendering, `begin` is the content's start;
//  - the content as the template wrote it, [contentBegin, contentEnd);
//  - to `end`: the template's text after the content up to and including the first end-of-turn
//    marker (the EOS token, <|im_end|>, <|eot_id|>, <end_of_turn>, ...), with tool calls the
//    template writes after the content; no marker: `end` is `contentEnd`.
struct AssistantSpan {
    size_t message = 0; // index into messages
    size_t begin = 0;
    size_t contentBegin = 0;
    size_t contentEnd = 0;
    size_t end = 0;
};

struct RenderedChatSpans {
    std::string text;
    std::vector<AssistantSpan> spans; // in message order; assistant messages the template drops have none
};

// Renders the conversation and finds every assistant message's span: it renders once more
// with a unique sentinel as each assistant content, so template text is told apart from
// content even when the template rewrites history (Qwen3 drops the reasoning of earlier
// turns), then walks both renderings together. A turn with empty content (tool calls only)
// spans from its prompt's end to its end-of-turn marker. Messages whose content is not a
// string (null, a list of parts) are left out. Throws tb::Error when a template changes content in a way that hides where it
// lies (the message names the message index and the template).
RenderedChatSpans renderChatTemplateWithSpans(const Template &tmpl, const ChatTemplateInputs &inputs);

} // namespace tb::jinja
