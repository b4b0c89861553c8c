#include "cli_common.h"

#include "error.h"
#include "generator.h"
#include "model_loader.h"
#include "text_util.h"
#include "tokenizer.h"

#include <iostream>

void addGenerateCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("generate", "Continue a prompt (raw text, no chat template)");
    struct Args {
        std::string model, prompt, promptIds;
        std::vector<std::string> stops;
        bool printIds = false, ignoreEos = false;
        tb::SamplingOptions sampling;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("MODEL", args->model, "HF folder, .gguf file, llama2.c .bin, or a run directory")->required();
    auto *prompt = cmd->add_option("--prompt", args->prompt, "Prompt text (a BOS is put in front)");
    auto *ids = cmd->add_option("--prompt-ids", args->promptIds, "Prompt as token ids, e.g. 1,450,4996");
    prompt->excludes(ids);
    cmd->add_option("--max-new-tokens", args->sampling.maxNewTokens, "Tokens to generate")->capture_default_str();
    cmd->add_option("--temperature", args->sampling.temperature, "0 = greedy")->capture_default_str();
    cmd->add_option("--top-k", args->sampling.topK, "Keep the k most likely tokens (0 = off)");
    cmd->add_option("--top-p", args->sampling.topP, "Nucleus sampling mass (1 = off)");
    cmd->add_option("--repetition-penalty", args->sampling.repetitionPenalty, "1 = off");
    cmd->add_option("--seed", args->sampling.seed, "Sampling seed: the same seed repeats a sample");
    cmd->add_option("--stop", args->stops, "Stop before this text (repeatable)");
    cmd->add_flag("--ignore-eos", args->ignoreEos, "Keep going after the end-of-sequence token");
    cmd->add_flag("--ids", args->printIds, "Print the generated ids instead of text");
    cmd->callback([args, prompt, ids, &common] {
        if (prompt->count() == 0 && ids->count() == 0)
            throw tb::Error("generate: give --prompt TEXT or --prompt-ids 1,2,3");
        if (args->sampling.maxNewTokens <= 0)
            throw tb::Error("generate: --max-new-tokens must be positive");
        std::vector<int64_t> promptIds;
        if (prompt->count())
            tb::checkPromptText(args->prompt, "generate");
        else
            promptIds = tb::parseIdList(args->promptIds);
        tb::LoadedModel loaded = loadForCli(args->model, common);
        if (prompt->count()) {
            if (!loaded.tokenizer)
                throw tb::Error(args->model + ": carries no tokenizer; pass --tokenizer PATH or use --prompt-ids");
            promptIds = loaded.tokenizer->encode(args->prompt, true);
        }
        args->sampling.stopStrings = args->stops;
        args->sampling.stopAtEos = !args->ignoreEos;
        const tb::Tokenizer *tokenizer = args->printIds && ids->count() ? nullptr : loaded.tokenizer.get();
        tb::GenerationResult result = tb::generate(
            loaded.model, tokenizer, promptIds, args->sampling, [&](int64_t, const std::string &text) {
                if (!args->printIds) {
                    std::cout << text;
                    std::cout.flush();
                }
                return true;
            });
        if (args->printIds)
            std::cout << tb::joinIds(result.ids) << std::endl;
        else
            std::cout << std::endl;
        std::cerr << result.ids.size() << " tokens, " << int(result.tokensPerSecond() * 10) / 10.0
                  << " tokens/s, stop: " << tb::stopReasonName(result.reason) << std::endl;
    });
}
