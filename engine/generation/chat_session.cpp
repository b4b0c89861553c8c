#include "chat_session.h"

#include "error.h"
#include "text_util.h"
#include "tokenizer.h"

namespace tb {

ChatSession::ChatSession(LlamaModel model, std::shared_ptr<Tokenizer> tokenizer, ChatTemplateKind kind)
    : m_model(std::move(model)), m_tokenizer(std::move(tokenizer)), m_kind(kind)
{
    if (!m_tokenizer)
        throw Error("chat needs a tokenizer; pass --tokenizer PATH for weights that carry none");
}

void ChatSession::setSystemPrompt(const std::string &text)
{
    if (!isValidUtf8(text))
        throw Error("system prompt is not valid UTF-8");
    m_system = text;
}

void ChatSession::reset()
{
    m_messages.clear();
}

void ChatSession::truncate(size_t count)
{
    if (count > m_messages.size())
        throw Error("chat: cannot keep " + std::to_string(count) + " messages of a history of "
                    + std::to_string(m_messages.size()));
    m_messages.resize(count);
}

void ChatSession::setMessages(std::vector<ChatMessage> messages)
{
    for (size_t i = 0; i < messages.size(); ++i) {
        const char *expected = i % 2 == 0 ? "user" : "assistant";
        if (messages[i].role != expected)
            throw Error("chat history: message " + std::to_string(i + 1) + " has the role \"" + messages[i].role
                        + "\" where \"" + expected + "\" was expected (turns alternate, starting with the user)");
        if (!isValidUtf8(messages[i].content))
            throw Error("chat history: message " + std::to_string(i + 1) + " is not valid UTF-8");
    }
    m_messages = std::move(messages);
}

ChatSession::Reply ChatSession::regenerate(const SamplingOptions &options, const TokenCallback &onToken,
                                           const std::atomic<bool> *cancel)
{
    std::vector<ChatMessage> kept = m_messages;
    if (!kept.empty() && kept.back().role == "assistant")
        kept.pop_back();
    if (kept.empty() || kept.back().role != "user")
        throw Error("chat: there is no message to answer again; send one first");
    const std::string userText = kept.back().content;
    kept.pop_back();
    // The history is restored if generation throws, so a failed retry loses nothing.
    std::vector<ChatMessage> before = std::move(m_messages);
    m_messages = std::move(kept);
    try {
        return send(userText, options, onToken, cancel);
    } catch (...) {
        m_messages = std::move(before);
        throw;
    }
}

ChatSession::Reply ChatSession::send(const std::string &userText, const SamplingOptions &options,
                                     const TokenCallback &onToken, const std::atomic<bool> *cancel)
{
    checkPromptText(userText, "chat");
    Reply reply;
    std::vector<ChatMessage> turns = m_messages;
    turns.push_back({"user", userText});
    const int64_t context = m_model->config().maxPositions;
    const int64_t room = std::min<int64_t>(options.maxNewTokens, context / 2);

    RenderedChat rendered;
    for (;;) {
        std::vector<ChatMessage> all;
        if (!m_system.empty())
            all.push_back({"system", m_system});
        all.insert(all.end(), turns.begin(), turns.end());
        rendered = renderChat(*m_tokenizer, m_kind, all, true);
        if (int64_t(rendered.ids.size()) + room <= context)
            break;
        if (turns.size() <= 1)
            throw Error("chat: the message needs " + std::to_string(rendered.ids.size())
                        + " tokens with the system prompt, which leaves no room in the model's context of "
                        + std::to_string(context) + "; shorten it");
        // Drop the oldest user turn and the assistant reply that followed it.
        size_t drop = turns.size() >= 2 && turns[1].role == "assistant" ? 2 : 1;
        turns.erase(turns.begin(), turns.begin() + long(drop));
        ++reply.droppedTurns;
    }

    SamplingOptions o = options;
    o.maxNewTokens = std::min<int64_t>(options.maxNewTokens, context - int64_t(rendered.ids.size()));
    if (m_kind == ChatTemplateKind::ChatML) {
        const int64_t end = m_tokenizer->pieceToId("<|im_end|>");
        if (end >= 0)
            o.extraStopIds.push_back(end);
    }
    if (m_kind == ChatTemplateKind::Plain)
        o.stopStrings.push_back("\nUser:");
    reply.generation = generate(m_model, m_tokenizer.get(), rendered.ids, o, onToken, cancel);

    m_messages = std::move(turns);
    m_messages.push_back({"assistant", reply.generation.text});
    return reply;
}

} // namespace tb
