#pragma once

#include "chat_template.h"
#include "generator.h"
#include "llama_model.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;

// A multi-turn conversation with one model: renders the history with the chat template,
// keeps it inside the context by dropping the oldest turns, and stops at the template's
// end-of-turn token.
class ChatSession {
public:
    ChatSession(LlamaModel model, std::shared_ptr<Tokenizer> tokenizer, ChatTemplateKind kind);

    void setSystemPrompt(const std::string &text);
    void reset(); // forgets the turns, keeps the system prompt

    struct Reply {
        GenerationResult generation;
        int droppedTurns = 0; // oldest user/assistant turns removed to fit the context
    };
    // Adds the user's message, generates the assistant's reply and adds it to the history.
    // Throws tb::Error for an empty or non-UTF-8 message or one that alone overflows the context.
    Reply send(const std::string &userText, const SamplingOptions &options, const TokenCallback &onToken = {},
               const std::atomic<bool> *cancel = nullptr);

    // Samples the last reply again: drops the final assistant turn (if any) and answers the
    // user turn before it anew. Throws tb::Error when the history ends without a user turn.
    Reply regenerate(const SamplingOptions &options, const TokenCallback &onToken = {},
                     const std::atomic<bool> *cancel = nullptr);
    // Keeps the first `count` messages (edit-and-resend cuts the conversation there).
    // Throws tb::Error when `count` is past the end.
    void truncate(size_t count);
    // Replaces the history (a saved conversation continued, or one moved to another model).
    // Roles must be user/assistant, alternating from a user turn; throws tb::Error otherwise.
    void setMessages(std::vector<ChatMessage> messages);

    const std::vector<ChatMessage> &messages() const { return m_messages; }
    ChatTemplateKind templateKind() const { return m_kind; }

private:
    LlamaModel m_model;
    std::shared_ptr<Tokenizer> m_tokenizer;
    ChatTemplateKind m_kind;
    std::string m_system;
    std::vector<ChatMessage> m_messages; // user/assistant turns, oldest first
};

} // namespace tb
