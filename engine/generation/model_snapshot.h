#pragma once

#include "chat_template.h"
#include "llama_model.h"

#include <memory>

namespace tb {

class Tokenizer;

// The weights of a run in progress as the trainer had them at one step boundary: the chat
// can talk to them while the run goes on. Immutable once published; hold it through a
// shared_ptr and it stays valid whatever the run does next.
struct ModelSnapshot {
    int64_t step = 0;
    LlamaModel model{nullptr}; // eval mode, nothing requires a gradient
    std::shared_ptr<Tokenizer> tokenizer;
    ChatTemplateKind chatTemplate = ChatTemplateKind::Plain;
};

// A copy of `model` for inference: parameters that train are copied (LoRA: only the
// adapters), frozen ones are shared with the running model, because nothing writes them.
LlamaModel snapshotCopy(const LlamaModel &model);

} // namespace tb
