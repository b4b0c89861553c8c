#pragma once

#include <string>

namespace tb {

// A model's own chat template (Jinja) and the special-token texts it reads.
struct ModelChatTemplate {
    std::string source;   // the Jinja text
    std::string origin;   // where it came from: "<file>.jinja", "<file>.json (chat_template)",
                          // "<file>.json (chat_template 'default')", "<file>.gguf (tokenizer.chat_template)";
                          // names the template in errors (whose line numbers count in the template)
    std::string bosToken; // "" when the model sets none
    std::string eosToken;
};

// Finds a model's chat template. `path` is a model folder, a folder with only tokenizer files,
// a tokenizer_config.json, a chat_template.jinja or a .gguf file. In a folder, as transformers
// loads a tokenizer: chat_template.jinja wins, then tokenizer_config.json's "chat_template" (a
// string, or a list of {name, template} whose "default" is used), then chat_template.json (the
// processors' file). bos_token / eos_token come from tokenizer_config.json (a string or an
// AddedToken object {"content": ...}); a GGUF file gives tokenizer.chat_template and the texts
// of its BOS/EOS ids. Throws tb::Error naming the path when there is no template.
ModelChatTemplate findChatTemplate(const std::string &path);

} // namespace tb
