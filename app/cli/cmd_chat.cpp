#include "cli_common.h"

#include "chat_session.h"
#include "error.h"
#include "model_loader.h"
#include "tokenizer.h"

#include <iostream>

void addChatCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("chat", "Interactive chat: type a message; /reset, /system TEXT, /quit");
    struct Args {
        std::string model, templateName, system;
        tb::SamplingOptions sampling;
    };
    auto args = std::make_shared<Args>();
    args->sampling.maxNewTokens = 256;
    cmd->add_option("MODEL", args->model, "HF folder, .gguf file or llama2.c .bin")->required();
    cmd->add_option("--template", args->templateName, "plain, llama2, chatml or zephyr (default: from the model)");
    cmd->add_option("--system", args->system, "System prompt");
    cmd->add_option("--max-new-tokens", args->sampling.maxNewTokens, "Tokens per reply")->capture_default_str();
    cmd->add_option("--temperature", args->sampling.temperature, "0 = greedy");
    cmd->add_option("--top-k", args->sampling.topK, "0 = off");
    cmd->add_option("--top-p", args->sampling.topP, "1 = off");
    cmd->add_option("--repetition-penalty", args->sampling.repetitionPenalty, "1 = off");
    cmd->add_option("--seed", args->sampling.seed, "Sampling seed");
    cmd->callback([args, &common] {
        tb::LoadedModel loaded = loadForCli(args->model, common);
        if (!loaded.tokenizer)
            throw tb::Error(args->model + ": carries no tokenizer; pass --tokenizer PATH");
        const tb::ChatTemplateKind kind = args->templateName.empty()
            ? tb::detectChatTemplate(loaded.tokenizer->chatTemplateSource())
            : tb::chatTemplateFromName(args->templateName);
        if (kind == tb::ChatTemplateKind::ChatML && loaded.tokenizer->pieceToId("<|im_start|>") < 0)
            throw tb::Error(args->model + ": the ChatML template needs <|im_start|> and <|im_end|> in the vocabulary");
        tb::ChatSession session(loaded.model, loaded.tokenizer, kind);
        session.setSystemPrompt(args->system);
        std::cerr << "chat template: " << tb::chatTemplateName(kind) << ". Commands: /reset, /system TEXT, /quit"
                  << std::endl;
        std::string line;
        while (std::cout << "> " << std::flush, std::getline(std::cin, line)) {
            if (line == "/quit" || line == "/exit")
                break;
            if (line == "/reset") {
                session.reset();
                std::cout << "(conversation cleared)" << std::endl;
                continue;
            }
            if (line.rfind("/system", 0) == 0) {
                session.setSystemPrompt(line.size() > 8 ? line.substr(8) : std::string());
                session.reset();
                std::cout << "(system prompt set; conversation cleared)" << std::endl;
                continue;
            }
            if (line.empty())
                continue;
            try {
                auto reply = session.send(line, args->sampling, [](int64_t, const std::string &text) {
                    std::cout << text << std::flush;
                    return true;
                });
                std::cout << std::endl;
                if (reply.droppedTurns > 0)
                    std::cerr << "(dropped the " << reply.droppedTurns << " oldest turn(s) to fit the context)"
                              << std::endl;
            } catch (const tb::Error &e) {
                std::cerr << "error: " << e.what() << std::endl;
            }
        }
    });
}
