#include "cli_common.h"

#include "chat_template.h"
#include "dataset.h"
#include "error.h"
#include "evaluation.h"
#include "model_loader.h"
#include "run_checkpoint.h"
#include "classifier_evaluation.h"
#include "classifier_folder.h"
#include "sequence_classifier.h"
#include "tokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

namespace {

struct EvalArgs {
    std::string model, data, format = "auto", chatTemplate, textColumn = "text", labelColumn = "label";
    int64_t batchSize = 8, context = 0;
    bool allTokens = false, json = false;
};

// A classifier: accuracy, macro-F1, per-class precision/recall and the confusion matrix.
void evaluateClassifierCli(const EvalArgs &args, const std::string &source, const CommonOptions &common)
{
    tb::ClassifierLoadOptions options;
    options.computeDtype = common.dtype == "bf16" ? torch::kBFloat16 : torch::kFloat;
    options.tokenizerPath = common.tokenizer;
    tb::LoadedClassifier loaded = tb::loadClassifier(source, options);
    if (!loaded.tokenizer)
        throw tb::Error(source + ": no tokenizer; pair one with --tokenizer");
    tb::DatasetOptions d;
    d.format = tb::DatasetFormat::Classification;
    d.contextLength = args.context > 0 ? args.context : loaded.classifier->config().maxPositions;
    d.textColumn = args.textColumn;
    d.labelColumn = args.labelColumn;
    d.validationRatio = 0.0;
    tb::Dataset data = tb::loadDataset(args.data, *loaded.tokenizer, d);
    for (const auto &p : data.report.problems)
        std::cerr << p.file << ":" << p.line << ": " << p.message << "\n";
    // The file's labels map onto the classifier's by name; an unknown one is an error.
    for (tb::Example &e : data.train) {
        const std::string &name = data.labelNames[size_t(e.label)];
        const int64_t id = loaded.classifier->labelId(name);
        if (id < 0)
            throw tb::Error(args.data + ":" + std::to_string(e.sourceLine) + ": label \"" + name
                            + "\" is not one the classifier knows");
        e.label = id;
    }
    if (data.train.empty())
        throw tb::Error(args.data + ": no usable rows to evaluate");
    const tb::ClassifierEvaluation e = tb::evaluateClassifier(loaded.classifier, data.train, args.batchSize,
                                                              std::max<int64_t>(0, loaded.tokenizer->padId()));
    if (args.json) {
        std::cout << tb::metricsToJson(e.metrics) << std::endl;
        return;
    }
    std::printf("%s on %s (%lld examples, loss %.4f, %.1f s)\n", source.c_str(), args.data.c_str(),
                static_cast<long long>(e.examples), e.loss, e.seconds);
    std::cout << tb::metricsToText(e.metrics);
}

} // namespace

// eval MODEL DATA: the metrics of a model or checkpoint on every row of a dataset.
void addEvalCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("eval", "Evaluate a model or checkpoint on a dataset");
    auto args = std::make_shared<EvalArgs>();
    cmd->add_option("MODEL", args->model, "Model, checkpoint or run directory (its best checkpoint)")->required();
    cmd->add_option("DATA", args->data, "Dataset file (every row is evaluated)")->required();
    cmd->add_option("--format", args->format, "auto, chat, sharegpt, alpaca, text, classification")
        ->capture_default_str();
    cmd->add_option("--template", args->chatTemplate, "Chat template: plain, llama2, chatml, zephyr (default: the model's)");
    cmd->add_option("--context", args->context, "Context length (default: the model's)");
    cmd->add_option("--batch-size", args->batchSize, "Rows per batch")->capture_default_str();
    cmd->add_flag("--all-tokens", args->allTokens, "Score every token, not only the assistant's");
    cmd->add_option("--text-column", args->textColumn, "Classification text column")->capture_default_str();
    cmd->add_option("--label-column", args->labelColumn, "Classification label column")->capture_default_str();
    cmd->add_flag("--json", args->json, "Print the metrics as one JSON object");
    cmd->callback([args, &common] {
        const std::string source = tb::resolveCheckpoint(args->model);
        if (tb::isClassifierFolder(source)) {
            evaluateClassifierCli(*args, source, common);
            return;
        }
        tb::LoadedModel loaded = loadForCli(source, common);
        if (!loaded.tokenizer)
            throw tb::Error(args->model + ": no tokenizer; pair one with --tokenizer");
        tb::DatasetOptions d;
        d.format = tb::datasetFormatFromName(args->format);
        d.contextLength = args->context > 0 ? args->context : loaded.model->config().maxPositions;
        d.trainOnAllTokens = args->allTokens;
        d.chatTemplate = args->chatTemplate.empty() ? tb::detectChatTemplate(loaded.tokenizer->chatTemplateSource())
                                                    : tb::chatTemplateFromName(args->chatTemplate);
        d.textColumn = args->textColumn;
        d.labelColumn = args->labelColumn;
        d.validationRatio = 0.0; // every row is evaluated
        tb::Dataset data = tb::loadDataset(args->data, *loaded.tokenizer, d);
        for (const auto &p : data.report.problems)
            std::cerr << p.file << ":" << p.line << ": " << p.message << "\n";
        if (data.train.empty())
            throw tb::Error(args->data + ": no usable rows to evaluate");
        if (data.report.detected == tb::DatasetFormat::Classification)
            throw tb::Error(args->data + ": classification data needs a classifier (a run with task = \"classification\"), and "
                            + args->model + " is a language model");
        tb::BatchOptions batches;
        batches.batchSize = args->batchSize;
        batches.contextLength = d.contextLength;
        batches.padId = std::max<int64_t>(0, loaded.tokenizer->padId());
        const auto metrics = tb::evaluateLanguageModel(loaded.model, data.train, batches, tb::StepOptions{});
        if (args->json) {
            nlohmann::ordered_json j;
            j["model"] = loaded.path;
            j["data"] = args->data;
            j["examples"] = data.train.size();
            for (const auto &[k, v] : metrics)
                j[k] = v;
            std::cout << j.dump() << std::endl;
            return;
        }
        std::printf("%s on %s (%zu examples)\n", loaded.path.c_str(), args->data.c_str(), data.train.size());
        std::printf("  loss %.4f  perplexity %.2f  token accuracy %.3f  (%g tokens, %.1f s)\n", metrics.at("val_loss"),
                    metrics.at("val_ppl"), metrics.at("val_token_acc"), metrics.at("val_tokens"), metrics.at("eval_s"));
    });
}
