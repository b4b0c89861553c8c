#include "chat_template.h"

#include "error.h"
#include "tokenizer.h"

#include <utility>

namespace tb {

namespace {

// Verbatim from the model cards' tokenizer_config.json (scripts/derive_chat_goldens.py
// holds the same strings and renders them with Jinja2 for the goldens).
const char *const kLlama2Jinja =
    R"JINJA({% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\n' + system_message + '\n<</SYS>>\n\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %})JINJA";

const char *const kZephyrJinja = R"JINJA({% for message in messages %}
{% if message['role'] == 'user' %}
{{ '<|user|>
' + message['content'] + eos_token }}
{% elif message['role'] == 'system' %}
{{ '<|system|>
' + message['content'] + eos_token }}
{% elif message['role'] == 'assistant' %}
{{ '<|assistant|>
'  + message['content'] + eos_token }}
{% endif %}
{% if loop.last and add_generation_prompt %}
{{ '<|assistant|>' }}
{% endif %}
{% endfor %})JINJA";

const char *const kChatMlJinja =
    R"JINJA({% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %})JINJA";

// Tunebench's own; the BOS comes from the tokenizer (add_bos_token), as for Zephyr/ChatML.
const char *const kPlainJinja =
    R"JINJA({% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + '\n\n' }}{% elif message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\n' }}{% elif message['role'] == 'assistant' %}{{ 'Assistant: ' + message['content'] + eos_token }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %})JINJA";

bool contains(const std::string &text, const char *needle)
{
    return text.find(needle) != std::string::npos;
}

// Python's str.strip() for the ASCII whitespace chat text contains.
std::string strip(const std::string &text)
{
    const char *ws = " \t\n\r\f\v";
    const size_t begin = text.find_first_not_of(ws);
    if (begin == std::string::npos)
        return {};
    const size_t end = text.find_last_not_of(ws);
    return text.substr(begin, end - begin + 1);
}

// Collects the rendered conversation as special-token ids and text, then tokenises each
// run of text between special tokens in one piece: encoding the template's text and the
// message contents separately would change BPE merges at their borders.
class ChatBuilder {
public:
    explicit ChatBuilder(const Tokenizer &tok) : m_tok(tok) {}

    void special(int64_t id, bool trained)
    {
        Part part;
        part.isSpecial = true;
        part.id = id;
        part.specialTrained = trained;
        m_parts.push_back(std::move(part));
    }

    void text(const std::string &text, bool trained)
    {
        if (text.empty())
            return;
        if (m_parts.empty() || m_parts.back().isSpecial)
            m_parts.emplace_back();
        Part &part = m_parts.back();
        if (trained)
            part.trainedRanges.emplace_back(part.text.size(), part.text.size() + text.size());
        part.text += text;
    }

    RenderedChat finish(bool bosFromTokenizer) const
    {
        RenderedChat out;
        for (size_t i = 0; i < m_parts.size(); ++i) {
            const Part &part = m_parts[i];
            if (part.isSpecial) {
                out.ids.push_back(part.id);
                out.trained.push_back(part.specialTrained ? 1 : 0);
                continue;
            }
            // The text starts the rendered string only when nothing precedes it there; a
            // BOS the tokenizer adds (add_bos_token) is not part of the rendered string.
            const bool atTextStart = i == 0 || (i == 1 && bosFromTokenizer);
            std::vector<Tokenizer::Span> spans;
            const auto ids = m_tok.encodeSegment(part.text, atTextStart, &spans);
            for (size_t t = 0; t < ids.size(); ++t) {
                out.ids.push_back(ids[t]);
                out.trained.push_back(overlapsTrained(part, spans[t]) ? 1 : 0);
            }
        }
        return out;
    }

private:
    struct Part {
        bool isSpecial = false;
        int64_t id = -1;
        bool specialTrained = false;
        std::string text;
        std::vector<std::pair<size_t, size_t>> trainedRanges;
    };

    // A token that reaches into a reply is the model's to generate ("▁Sure" carries the
    // space of " [/INST] "); byte pieces of one character can have empty spans.
    static bool overlapsTrained(const Part &part, const Tokenizer::Span &span)
    {
        for (const auto &[begin, end] : part.trainedRanges) {
            if (span.end > span.begin) {
                if (span.end > begin && span.begin < end)
                    return true;
            } else if (span.begin >= begin && span.begin < end) {
                return true;
            }
        }
        return false;
    }

    const Tokenizer &m_tok;
    std::vector<Part> m_parts;
};

void checkRoles(const std::vector<ChatMessage> &messages)
{
    for (size_t i = 0; i < messages.size(); ++i) {
        const std::string &role = messages[i].role;
        if (role != "system" && role != "user" && role != "assistant")
            throw Error("chat message " + std::to_string(i + 1) + " has role \"" + role
                        + "\"; expected system, user or assistant");
    }
}

int64_t requireId(int64_t id, const char *what, ChatTemplateKind kind)
{
    if (id < 0)
        throw Error("the " + chatTemplateName(kind) + " chat format needs a " + what
                    + " token, which this tokenizer lacks");
    return id;
}

RenderedChat renderLlama2(const Tokenizer &tok, const std::vector<ChatMessage> &messages)
{
    const int64_t bos = requireId(tok.bosId(), "BOS", ChatTemplateKind::Llama2);
    const int64_t eos = requireId(tok.eosId(), "EOS", ChatTemplateKind::Llama2);
    ChatBuilder chat(tok);
    size_t first = 0;
    std::string system;
    bool hasSystem = false;
    if (!messages.empty() && messages[0].role == "system") {
        system = messages[0].content;
        hasSystem = true;
        first = 1;
    }
    for (size_t i = first; i < messages.size(); ++i) {
        const ChatMessage &message = messages[i];
        const size_t turn = i - first;
        if ((message.role == "user") != (turn % 2 == 0))
            throw Error("Llama 2 chat: message " + std::to_string(i + 1) + " is \"" + message.role
                        + "\"; roles must alternate user/assistant after an optional system message");
        std::string content = message.content;
        if (turn == 0 && hasSystem)
            content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content;
        if (message.role == "user") {
            chat.special(bos, false);
            chat.text("[INST] " + strip(content) + " [/INST]", false);
        } else {
            chat.text(" " + strip(content) + " ", true);
            chat.special(eos, true);
        }
    }
    // The published template has no generation prompt: the text already ends at "[/INST]".
    return chat.finish(false);
}

RenderedChat renderZephyr(const Tokenizer &tok, const std::vector<ChatMessage> &messages,
                          bool addGenerationPrompt)
{
    const int64_t bos = requireId(tok.bosId(), "BOS", ChatTemplateKind::Zephyr);
    const int64_t eos = requireId(tok.eosId(), "EOS", ChatTemplateKind::Zephyr);
    ChatBuilder chat(tok);
    chat.special(bos, false);
    for (const ChatMessage &message : messages) {
        const bool reply = message.role == "assistant";
        chat.text("<|" + message.role + "|>\n", false);
        chat.text(message.content, reply);
        chat.special(eos, reply);
        chat.text("\n", false);
    }
    if (addGenerationPrompt && !messages.empty())
        chat.text("<|assistant|>\n", false);
    return chat.finish(true);
}

RenderedChat renderChatMl(const Tokenizer &tok, const std::vector<ChatMessage> &messages,
                          bool addGenerationPrompt)
{
    const int64_t bos = requireId(tok.bosId(), "BOS", ChatTemplateKind::ChatML);
    const auto specialId = [&](const char *text) {
        const int64_t id = tok.pieceToId(text);
        if (id < 0 || !tok.isSpecial(id))
            throw Error(std::string("the chatml chat format needs the special token ") + text
                        + ", which this vocabulary lacks; add it with Tokenizer::addSpecialToken "
                          "(and grow the model's embeddings) first");
        return id;
    };
    const int64_t start = specialId("<|im_start|>");
    const int64_t end = specialId("<|im_end|>");
    ChatBuilder chat(tok);
    chat.special(bos, false);
    for (const ChatMessage &message : messages) {
        const bool reply = message.role == "assistant";
        chat.special(start, false);
        chat.text(message.role + "\n", false);
        chat.text(message.content, reply);
        chat.special(end, reply); // ChatML's stop token
        chat.text("\n", false);
    }
    if (addGenerationPrompt) {
        chat.special(start, false);
        chat.text("assistant\n", false);
    }
    return chat.finish(true);
}

RenderedChat renderPlain(const Tokenizer &tok, const std::vector<ChatMessage> &messages,
                         bool addGenerationPrompt)
{
    const int64_t bos = requireId(tok.bosId(), "BOS", ChatTemplateKind::Plain);
    const int64_t eos = requireId(tok.eosId(), "EOS", ChatTemplateKind::Plain);
    ChatBuilder chat(tok);
    chat.special(bos, false);
    for (const ChatMessage &message : messages) {
        if (message.role == "system") {
            chat.text(message.content + "\n\n", false);
        } else if (message.role == "user") {
            chat.text("User: " + message.content + "\n", false);
        } else {
            // The prompt ends at "Assistant:"; the space is the reply's first token's.
            chat.text("Assistant:", false);
            chat.text(" " + message.content, true);
            chat.special(eos, true);
        }
    }
    if (addGenerationPrompt)
        chat.text("Assistant:", false);
    return chat.finish(true);
}

} // namespace

std::vector<std::string> chatTemplateSpecialTokens(ChatTemplateKind kind)
{
    if (kind == ChatTemplateKind::ChatML)
        return {"<|im_start|>", "<|im_end|>"};
    return {};
}

ChatTemplateKind detectChatTemplate(const std::string &jinjaSource)
{
    if (contains(jinjaSource, "<|im_start|>") && contains(jinjaSource, "<|im_end|>"))
        return ChatTemplateKind::ChatML;
    // Mistral's templates also use [INST] but have no <<SYS>> block and other spacing.
    if (contains(jinjaSource, "[INST]") && contains(jinjaSource, "<<SYS>>"))
        return ChatTemplateKind::Llama2;
    if (contains(jinjaSource, "<|user|>") && contains(jinjaSource, "<|assistant|>"))
        return ChatTemplateKind::Zephyr;
    return ChatTemplateKind::Plain;
}

std::string chatTemplateName(ChatTemplateKind kind)
{
    return enumName(kind);
}

ChatTemplateKind chatTemplateFromName(const std::string &name)
{
    if (const auto kind = enumFromName<ChatTemplateKind>(name))
        return *kind;
    throw Error("unknown chat template \"" + name + "\"; expected one of " + enumNameList<ChatTemplateKind>());
}

std::string chatTemplateJinja(ChatTemplateKind kind)
{
    switch (kind) {
    case ChatTemplateKind::Plain:
        return kPlainJinja;
    case ChatTemplateKind::Llama2:
        return kLlama2Jinja;
    case ChatTemplateKind::ChatML:
        return kChatMlJinja;
    case ChatTemplateKind::Zephyr:
        return kZephyrJinja;
    }
    return kPlainJinja;
}

RenderedChat renderChat(Tokenizer &tok, ChatTemplateKind kind, const std::vector<ChatMessage> &messages,
                        bool addGenerationPrompt)
{
    checkRoles(messages);
    switch (kind) {
    case ChatTemplateKind::Llama2:
        return renderLlama2(tok, messages);
    case ChatTemplateKind::ChatML:
        return renderChatMl(tok, messages, addGenerationPrompt);
    case ChatTemplateKind::Zephyr:
        return renderZephyr(tok, messages, addGenerationPrompt);
    case ChatTemplateKind::Plain:
        break;
    }
    return renderPlain(tok, messages, addGenerationPrompt);
}

} // namespace tb
