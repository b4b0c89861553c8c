#pragma once

#include "enum_choices.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;

// The chat formats Tunebench renders natively (no Jinja interpreter in the engine).
// Each one reproduces a published Hugging Face chat_template token for token; see
// tests/data/chat_goldens/README.md for how that is checked.
//
//  Plain   Tunebench's own format for models trained from scratch:
//          BOS, then "{system}\n\n", "User: {user}\n", "Assistant: {reply}" EOS per message;
//          the generation prompt is "Assistant:".
//  Llama2  Meta's Llama-2-chat: BOS "[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST]"
//          " {reply} " EOS per exchange, contents stripped; the prompt ends at "[/INST]".
//  ChatML  BOS, then <|im_start|>"{role}\n{content}"<|im_end|>"\n" per message; the prompt
//          is <|im_start|>"assistant\n". Needs <|im_start|>/<|im_end|> as special tokens.
//  Zephyr  TinyLlama-1.1B-Chat / Zephyr: BOS, then "<|{role}|>\n{content}" EOS "\n" per
//          message; the prompt is "<|assistant|>\n".
enum class ChatTemplateKind { Plain, Llama2, ChatML, Zephyr };
inline constexpr EnumChoice<ChatTemplateKind> kChatTemplateChoices[] = {
    {ChatTemplateKind::Plain, "plain", TB_TR_NOOP("TrainOption", "Plain (Tunebench's own)")},
    {ChatTemplateKind::Llama2, "llama2", TB_TR_NOOP("TrainOption", "Llama 2")},
    {ChatTemplateKind::ChatML, "chatml", TB_TR_NOOP("TrainOption", "ChatML")},
    {ChatTemplateKind::Zephyr, "zephyr", TB_TR_NOOP("TrainOption", "Zephyr")},
};
constexpr const auto &enumChoices(ChatTemplateKind) { return kChatTemplateChoices; }

struct ChatMessage {
    std::string role; // system | user | assistant
    std::string content;
};

struct RenderedChat {
    std::vector<int64_t> ids;
    // trained[i] == 1 for the tokens of assistant replies, including the token that ends
    // a reply (EOS, or <|im_end|> for ChatML): what the model must learn to generate.
    std::vector<uint8_t> trained;
};

// Recognises a tokenizer_config.json chat_template; Plain if empty or unknown.
ChatTemplateKind detectChatTemplate(const std::string &jinjaSource);
// "plain", "llama2", "chatml", "zephyr". chatTemplateFromName throws tb::Error on others.
std::string chatTemplateName(ChatTemplateKind kind);
ChatTemplateKind chatTemplateFromName(const std::string &name);
// The special tokens a format needs beyond BOS/EOS (ChatML's <|im_start|> and <|im_end|>),
// for a tokenizer trained from scratch.
std::vector<std::string> chatTemplateSpecialTokens(ChatTemplateKind kind);
// The Jinja source written to tokenizer_config.json on export: the published template for
// Llama2, ChatML and Zephyr, and an equivalent one for Plain. detectChatTemplate() maps it back.
std::string chatTemplateJinja(ChatTemplateKind kind);

// Renders and tokenises a conversation. Message contents are encoded without special-token
// matching, so a user typing "</s>" gets text, not EOS. Text runs between special tokens
// follow the tokenizer's legacy rule, like Hugging Face tokenising the rendered template.
// Throws tb::Error for an unknown role, roles that do not alternate (Llama2), or a
// vocabulary without the special tokens the format needs.
RenderedChat renderChat(Tokenizer &tok, ChatTemplateKind kind, const std::vector<ChatMessage> &messages,
                        bool addGenerationPrompt);

} // namespace tb
