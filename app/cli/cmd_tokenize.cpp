#include "cli_common.h"

#include "error.h"
#include "text_util.h"
#include "tokenizer.h"

#include <iostream>

void addTokenizeCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("tokenize", "Show the token ids and pieces of a text");
    struct Args {
        std::string model, text;
        bool noBos = false, json = false;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("MODEL", args->model, "Model path, a SentencePiece .model file, a tokenizer.json, or a folder of tokenizer files")->required();
    cmd->add_option("TEXT", args->text, "Text to tokenise")->required();
    cmd->add_flag("--no-bos", args->noBos, "Do not put BOS in front");
    cmd->add_flag("--json", args->json, "Print {\"ids\": [...], \"pieces\": [...]}");
    cmd->callback([args, &common] {
        tb::checkPromptText(args->text, "tokenize");
        auto tokenizer = tokenizerForCli(args->model, common);
        const std::vector<int64_t> ids = tokenizer->encode(args->text, !args->noBos);
        if (args->json) {
            std::cout << "{\"ids\": [" << tb::joinIds(ids, ", ") << "], \"count\": " << ids.size() << "}" << std::endl;
            return;
        }
        std::cout << tb::joinIds(ids) << "\n";
        for (int64_t id : ids)
            std::cout << id << "\t" << tokenizer->piece(id) << "\n";
        std::cout << ids.size() << " tokens" << std::endl;
    });
}

void addTrainTokenizerCommand(CLI::App &app, const CommonOptions &)
{
    auto *cmd = app.add_subcommand("train-tokenizer", "Train a SentencePiece tokenizer on a text corpus");
    auto options = std::make_shared<tb::TokenizerTrainOptions>();
    auto noByteFallback = std::make_shared<bool>(false);
    cmd->add_option("CORPUS", options->corpusPath, "UTF-8 text file")->required()->check(CLI::ExistingFile);
    cmd->add_option("OUT", options->outputPrefix, "Output path; writes OUT.model (a .model suffix is kept)")->required();
    cmd->add_option("--vocab-size", options->vocabSize, "Number of pieces")->capture_default_str();
    cmd->add_option("--model-type", options->modelType, "bpe or unigram")
        ->check(CLI::IsMember({"bpe", "unigram"}))
        ->capture_default_str();
    cmd->add_option("--special", options->specialTokens, "A special token kept as one id (repeatable)");
    cmd->add_flag("--no-byte-fallback", *noByteFallback, "Map unknown characters to <unk> instead of bytes");
    cmd->callback([options, noByteFallback] {
        if (options->outputPrefix.size() > 6
            && options->outputPrefix.compare(options->outputPrefix.size() - 6, 6, ".model") == 0)
            options->outputPrefix.resize(options->outputPrefix.size() - 6);
        options->byteFallback = !*noByteFallback;
        auto tokenizer = tb::Tokenizer::train(*options);
        std::cout << "wrote " << options->outputPrefix << ".model (" << tokenizer->vocabSize() << " pieces, "
                  << options->modelType << ")" << std::endl;
    });
}
