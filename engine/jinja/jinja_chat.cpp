#include "jinja_chat.h"

#include "error.h"
#include "jinja_text.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace tb::jinja {

Object chatTemplateVariables(const ChatTemplateInputs &inputs)
{
    Object vars;
    vars.set("messages", fromJson(inputs.messages));
    vars.set("add_generation_prompt", Value(inputs.addGenerationPrompt));
    vars.set("tools", fromJson(inputs.tools));
    vars.set("documents", fromJson(inputs.documents));
    if (!inputs.bosToken.empty())
        vars.set("bos_token", Value(inputs.bosToken));
    if (!inputs.eosToken.empty())
        vars.set("eos_token", Value(inputs.eosToken));
    if (inputs.extra.is_object())
        for (auto it = inputs.extra.begin(); it != inputs.extra.end(); ++it)
            vars.set(it.key(), fromJson(it.value()));
    return vars;
}

std::string renderChatTemplate(const Template &tmpl, const ChatTemplateInputs &inputs)
{
    return tmpl.render(chatTemplateVariables(inputs), inputs.now);
}

namespace {

// One piece of the sentinel rendering: template text, then (unless last) a sentinel.
struct Piece {
    std::string text;
    long message = -1; // the message whose sentinel follows the text; -1 for the last piece
};

[[noreturn]] void spanFailure(const Template &tmpl, const std::string &why)
{
    throw tb::Error(tmpl.sourceName() + ": cannot find the assistant text in the rendering: " + why);
}

std::vector<Piece> splitAtSentinels(const Template &tmpl, const std::string &rendered, const std::string &prefix)
{
    std::vector<Piece> pieces;
    std::map<long, int> seen;
    size_t pos = 0;
    for (;;) {
        const size_t hit = rendered.find(prefix, pos);
        if (hit == std::string::npos) {
            pieces.push_back({rendered.substr(pos), -1});
            return pieces;
        }
        size_t digits = hit + prefix.size();
        size_t end = digits;
        while (end < rendered.size() && rendered[end] >= '0' && rendered[end] <= '9')
            ++end;
        if (end == digits || end >= rendered.size() || rendered[end] != 'X')
            spanFailure(tmpl, "the template changes assistant contents (a sentinel came out altered)");
        const long message = std::stol(rendered.substr(digits, end - digits));
        if (++seen[message] > 1)
            spanFailure(tmpl, "message " + std::to_string(message) + "'s content appears twice in the rendering");
        pieces.push_back({rendered.substr(pos, hit - pos), message});
        pos = end + 1;
    }
}

// The end-of-turn markers a span may end with, besides the template's EOS token.
const char *const kEndOfTurnMarkers[] = {"<|im_end|>", "<|eot_id|>", "<end_of_turn>", "<|end|>", "<|endoftext|>",
                                         "<|end_of_text|>", "</s>", "<\xEF\xBD\x9C" "end\xE2\x96\x81of\xE2\x96\x81sentence\xEF\xBD\x9C>"};

// The length of the template text after a content that the model must emit too: up to and
// including the first end-of-turn marker (tool calls written after the content come before
// it); 0 when there is none.
size_t endOfTurnLength(const std::string &after, const std::string &eos)
{
    size_t best = std::string::npos, bestLen = 0;
    auto consider = [&](const std::string &marker) {
        if (marker.empty())
            return;
        const size_t at = after.find(marker);
        if (at != std::string::npos && (at < best || (at == best && marker.size() > bestLen))) {
            best = at;
            bestLen = marker.size();
        }
    };
    consider(eos);
    for (const char *m : kEndOfTurnMarkers)
        consider(m);
    return best == std::string::npos ? 0 : best + bestLen;
}

// The rendering of messages[0, message) with the generation prompt: where the model's turn
// starts. Empty when the template refuses that conversation (e.g. it needs a user message).
std::string promptBefore(const Template &tmpl, const ChatTemplateInputs &inputs, size_t message)
{
    ChatTemplateInputs before = inputs;
    before.messages = nlohmann::ordered_json::array();
    for (size_t k = 0; k < message; ++k)
        before.messages.push_back(inputs.messages[k]);
    before.addGenerationPrompt = true;
    try {
        return renderChatTemplate(tmpl, before);
    } catch (const tb::Error &) {
        return {};
    }
}

} // namespace

RenderedChatSpans renderChatTemplateWithSpans(const Template &tmpl, const ChatTemplateInputs &inputs)
{
    RenderedChatSpans result;
    result.text = renderChatTemplate(tmpl, inputs);
    const std::string &real = result.text;

    // A sentinel that occurs nowhere in the rendering nor in the messages.
    const std::string messagesText = inputs.messages.dump();
    std::string prefix;
    for (uint64_t salt = uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());; ++salt) {
        prefix = "TBSPAN" + std::to_string(salt % 1000000007) + "N";
        if (real.find(prefix) == std::string::npos && messagesText.find(prefix) == std::string::npos)
            break;
    }
    ChatTemplateInputs marked = inputs;
    for (size_t i = 0; i < marked.messages.size(); ++i) {
        auto &m = marked.messages[i];
        // An empty content stays: templates test it ({% if content %}), and a sentinel would
        // change what they write around it. Those turns are found from the prompt below.
        if (m.is_object() && m.value("role", "") == "assistant" && m.contains("content") && m["content"].is_string()
            && !m["content"].get<std::string>().empty())
            m["content"] = prefix + std::to_string(i) + "X";
    }
    const std::vector<Piece> pieces = splitAtSentinels(tmpl, renderChatTemplate(tmpl, marked), prefix);

    // Walk the real rendering: template text, a content, template text, ...
    size_t pos = 0;
    if (real.compare(0, pieces[0].text.size(), pieces[0].text) != 0)
        spanFailure(tmpl, "the text before the first assistant message depends on assistant contents");
    pos = pieces[0].text.size();
    for (size_t j = 0; j + 1 < pieces.size(); ++j) {
        const size_t message = size_t(pieces[j].message);
        const std::string &after = pieces[j + 1].text;
        const bool last = j + 2 == pieces.size();
        const std::string content = inputs.messages[message]["content"].get<std::string>();
        // The content as the template may have written it: as is, or stripped (Llama 3 trims).
        const std::string newline = "\n";
        const std::string candidates[] = {content,
                                          text::strip(content, nullptr, true, true),
                                          text::strip(content, nullptr, true, false),
                                          text::strip(content, nullptr, false, true),
                                          text::strip(content, &newline, true, false)};
        size_t length = std::string::npos;
        for (const std::string &c : candidates) {
            if (real.compare(pos, c.size(), c) != 0)
                continue;
            const size_t next = pos + c.size();
            const bool fits = last ? real.size() - next == after.size() && real.compare(next, after.size(), after) == 0
                                   : real.compare(next, after.size(), after) == 0;
            if (fits) {
                length = c.size();
                break;
            }
        }
        if (length == std::string::npos && !after.empty()) {
            // The template rewrote the content another way: it ends where the next template text starts.
            const size_t next = last ? (real.size() >= after.size() && real.compare(real.size() - after.size(), after.size(), after) == 0
                                            ? real.size() - after.size()
                                            : std::string::npos)
                                     : real.find(after, pos);
            if (next != std::string::npos && next >= pos)
                length = next - pos;
        }
        if (length == std::string::npos)
            spanFailure(tmpl, "message " + std::to_string(message)
                                  + " is rendered from its content in a way that hides where the content lies");
        AssistantSpan span;
        span.message = message;
        span.begin = pos;
        span.contentBegin = pos;
        span.contentEnd = pos + length;
        const std::string prompt = promptBefore(tmpl, inputs, message);
        const size_t previousEnd = result.spans.empty() ? 0 : result.spans.back().end;
        if (!prompt.empty() && prompt.size() <= span.contentBegin && prompt.size() >= previousEnd
            && real.compare(0, prompt.size(), prompt) == 0)
            span.begin = prompt.size();
        span.end = span.contentEnd + endOfTurnLength(after, inputs.eosToken);
        result.spans.push_back(span);
        pos = span.contentEnd + after.size();
    }
    if (pos != real.size())
        spanFailure(tmpl, "the rendering is longer than its pieces");

    // Assistant turns with empty content (tool calls only): from the end of the prompt for
    // them to the first end-of-turn marker, when the conversation so far renders as the start
    // of the whole.
    for (size_t i = 0; i < inputs.messages.size(); ++i) {
        const auto &m = inputs.messages[i];
        if (!m.is_object() || m.value("role", "") != "assistant" || !m.contains("content") || !m["content"].is_string()
            || !m["content"].get<std::string>().empty())
            continue;
        const std::string prompt = promptBefore(tmpl, inputs, i);
        if (prompt.empty() || real.compare(0, prompt.size(), prompt) != 0)
            continue;
        AssistantSpan span;
        span.message = i;
        span.begin = span.contentBegin = span.contentEnd = prompt.size();
        span.end = span.contentEnd + endOfTurnLength(real.substr(span.contentEnd), inputs.eosToken);
        result.spans.push_back(span);
    }
    std::sort(result.spans.begin(), result.spans.end(),
              [](const AssistantSpan &a, const AssistantSpan &b) { return a.message < b.message; });
    return result;
}

} // namespace tb::jinja
