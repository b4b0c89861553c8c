#include "cli_common.h"

#include "device.h"
#include "error.h"
#include "file_util.h"
#include "model_loader.h"
#include "run_checkpoint.h"
#include "tokenizer.h"

#include <cstdio>
#include <iostream>
#include <unistd.h>

tb::LoadedModel loadForCli(const std::string &path, const CommonOptions &common)
{
    tb::LoadOptions options;
    options.computeDtype = common.dtype == "bf16" ? torch::kBFloat16 : torch::kFloat;
    options.tokenizerPath = common.tokenizer;
    options.device = tb::resolveDevice(common.device);
    if (isatty(STDERR_FILENO)) {
        options.progress = [last = -1](double fraction, const std::string &) mutable {
            const int percent = int(fraction * 100);
            if (percent != last) {
                std::fprintf(stderr, "\rloading %3d%%", percent);
                last = percent;
            }
            if (fraction >= 1.0)
                std::fprintf(stderr, "\r            \r");
            return true;
        };
    }
    // A run directory or a LoRA checkpoint opens like a model (best or last checkpoint, merged).
    return tb::loadCheckpoint(path, options);
}

static bool endsWith(const std::string &s, const std::string &suffix)
{
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::shared_ptr<tb::Tokenizer> tokenizerForCli(const std::string &path, const CommonOptions &common)
{
    if (!common.tokenizer.empty())
        return tb::Tokenizer::fromPath(common.tokenizer);
    // A tokenizer file itself, or a folder with tokenizer files but no model.
    if (tb::fileExists(path) && (endsWith(path, ".model") || endsWith(path, ".json")))
        return tb::Tokenizer::fromPath(path);
    if (tb::isDirectory(path) && !tb::fileExists(path + "/config.json"))
        return tb::Tokenizer::fromPath(path);
    tb::ImportedModel imported = tb::importModel(path);
    if (!imported.tokenizerError.empty())
        throw tb::Error(imported.tokenizerError);
    if (!imported.tokenizer)
        throw tb::Error(path + ": carries no tokenizer; pass a SentencePiece model with --tokenizer PATH");
    return imported.tokenizer;
}
