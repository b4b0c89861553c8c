#include "cli_common.h"

#include "chat_template.h"
#include "dataset.h"
#include "error.h"
#include "token_display.h"
#include "tokenizer.h"

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace {

// Trained tokens (the loss is taken on them) go inside ⟦…⟧, green as well on a terminal.
std::string markedExample(const tb::Tokenizer &tok, const tb::Example &example, bool colour)
{
    std::string out;
    bool inTrained = false;
    for (const tb::DisplayToken &t : tb::displayTokens(tok, example)) {
        if (t.trained != inTrained) {
            out += t.trained ? (colour ? "\x1b[32m⟦" : "⟦") : (colour ? "⟧\x1b[0m" : "⟧");
            inTrained = t.trained;
        }
        out += t.text;
    }
    if (inTrained)
        out += colour ? "⟧\x1b[0m" : "⟧";
    return out;
}

void printStats(const char *name, const tb::LengthStats &s)
{
    std::cout << "  " << name << ": " << s.count << " examples";
    if (s.count > 0)
        std::cout << ", tokens min " << s.min << ", mean " << std::fixed << std::setprecision(1) << s.mean
                  << ", median " << s.median << ", p95 " << s.p95 << ", max " << s.max;
    std::cout << "\n";
}

} // namespace

void addDatasetCommand(CLI::App &app, const CommonOptions &common)
{
    auto *dataset = app.add_subcommand("dataset", "Check training data before a run");
    dataset->require_subcommand(1);
    auto *cmd = dataset->add_subcommand("inspect", "Load a dataset, report every problem with its line, "
                                                   "and show an example with its trained tokens marked");
    struct Args {
        std::string data, model, format = "auto", templateName, onError = "skip", overlong = "truncate",
                                     split = "paragraphs";
        tb::DatasetOptions options;
        bool allTokens = false;
        int64_t examples = 1;
    };
    auto args = std::make_shared<Args>();
    args->options.contextLength = 2048;
    cmd->add_option("DATA", args->data, "Dataset file (.jsonl, .json, .txt, .csv, .tsv)")->required()->check(CLI::ExistingFile);
    cmd->add_option("--model", args->model, "Model path, or a SentencePiece .model file")->required();
    cmd->add_option("--format", args->format, "auto, chat, sharegpt, alpaca, text or classification")
        ->check(CLI::IsMember(tb::enumNames<tb::DatasetFormat>()))
        ->capture_default_str();
    cmd->add_option("--template", args->templateName,
                    "Chat template: plain, llama2, chatml or zephyr (default: the tokenizer's, else plain)")
        ->check(CLI::IsMember(tb::enumNames<tb::ChatTemplateKind>()));
    cmd->add_option("--context", args->options.contextLength, "Context length in tokens")->capture_default_str();
    cmd->add_option("--on-error", args->onError, "skip (and report) or stop at the first bad row")
        ->check(CLI::IsMember(tb::enumNames<tb::ErrorPolicy>()))
        ->capture_default_str();
    cmd->add_option("--overlong", args->overlong, "Examples longer than the context: truncate or skip")
        ->check(CLI::IsMember(tb::enumNames<tb::OverlongPolicy>()))
        ->capture_default_str();
    cmd->add_flag("--all-tokens", args->allTokens, "Train on every token, not only the assistant's");
    cmd->add_option("--text-column", args->options.textColumn, "Classification text column")->capture_default_str();
    cmd->add_option("--label-column", args->options.labelColumn, "Classification label column")->capture_default_str();
    cmd->add_option("--text-split", args->split, "Plain text: paragraphs (EOS after each) or stream")
        ->check(CLI::IsMember(tb::enumNames<tb::TextSplit>()))
        ->capture_default_str();
    cmd->add_option("--validation", args->options.validationFile, "Validation file (instead of a ratio)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--validation-ratio", args->options.validationRatio, "Share of rows held out for validation")
        ->capture_default_str();
    cmd->add_option("--seed", args->options.seed, "Seed of the train/validation split")->capture_default_str();
    cmd->add_option("--examples", args->examples, "How many training examples to show")->capture_default_str();

    cmd->callback([args, &common] {
        auto tokenizer = tokenizerForCli(args->model, common);
        tb::DatasetOptions &options = args->options;
        options.format = tb::datasetFormatFromName(args->format);
        options.chatTemplate = args->templateName.empty() ? tb::detectChatTemplate(tokenizer->chatTemplateSource())
                                                          : tb::chatTemplateFromName(args->templateName);
        // The names were checked against the same lists (IsMember above).
        options.onError = *tb::enumFromName<tb::ErrorPolicy>(args->onError);
        options.overlong = *tb::enumFromName<tb::OverlongPolicy>(args->overlong);
        options.trainOnAllTokens = args->allTokens;
        options.textSplit = *tb::enumFromName<tb::TextSplit>(args->split);

        const tb::Dataset data = tb::loadDataset(args->data, *tokenizer, options);
        const tb::DatasetReport &r = data.report;
        const bool chatLike = r.detected == tb::DatasetFormat::ChatJsonl || r.detected == tb::DatasetFormat::ShareGpt
            || r.detected == tb::DatasetFormat::Alpaca;
        std::cout << "dataset: " << r.file << "\n"
                  << "format: " << tb::datasetFormatName(r.detected)
                  << (options.format == tb::DatasetFormat::Auto ? " (detected)" : " (given)");
        if (chatLike)
            std::cout << ", template: " << tb::chatTemplateName(options.chatTemplate)
                      << (options.trainOnAllTokens ? ", loss on all tokens" : ", loss on assistant tokens");
        std::cout << ", context: " << options.contextLength << "\n"
                  << "rows read: " << r.rowsRead << ", used: " << r.rowsUsed << ", truncated: " << r.truncated
                  << ", skipped (too long): " << r.skippedOverlong << ", skipped (invalid): " << r.skippedInvalid
                  << "\n";
        printStats("train", r.trainLengths);
        printStats("validation", r.validationLengths);
        if (!r.labels.empty()) {
            std::cout << "labels (" << r.labels.size() << "):";
            for (size_t i = 0; i < r.labels.size(); ++i)
                std::cout << " " << i << "=" << r.labels[i];
            std::cout << "\n";
        }
        std::cout << "problems: " << r.problems.size() << "\n";
        for (const tb::DatasetProblem &p : r.problems)
            std::cout << "  " << p.file << ":" << p.line << ": " << (p.dropped ? "" : "note: ") << p.message << "\n";

        const bool colour = isatty(STDOUT_FILENO) != 0;
        for (int64_t i = 0; i < args->examples && i < int64_t(data.train.size()); ++i) {
            const tb::Example &e = data.train[size_t(i)];
            int64_t trained = 0;
            for (uint8_t t : e.trained)
                trained += t;
            std::cout << "\nexample " << i + 1 << " (line " << e.sourceLine << ", " << e.ids.size() << " tokens, "
                      << trained << " trained, marked ⟦…⟧";
            if (e.label >= 0)
                std::cout << ", label " << e.label << "=" << data.labelNames[size_t(e.label)];
            std::cout << "):\n" << markedExample(*tokenizer, e, colour) << "\n";
        }
        if (data.train.empty())
            std::cout << "\nno usable training example\n";
        std::cout << std::flush;
    });
}
