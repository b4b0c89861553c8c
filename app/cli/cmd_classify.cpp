#include "cli_common.h"

#include "error.h"
#include "run_checkpoint.h"
#include "classify.h"
#include "classifier_folder.h"
#include "sequence_classifier.h"
#include "tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <numeric>

namespace {

// The labels of one text, most probable first.
std::vector<std::pair<std::string, double>> ranked(tb::SequenceClassifier &classifier, const tb::Tokenizer &tok,
                                                   const std::string &text)
{
    const std::vector<double> p = tb::classify(classifier, tok, text);
    std::vector<size_t> order(p.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] > p[b]; });
    std::vector<std::pair<std::string, double>> out;
    for (size_t i : order)
        out.emplace_back(classifier->labelNames()[i], p[i]);
    return out;
}

} // namespace

// classify MODEL TEXT | --file F: the top intents of a text, or of every line of a file.
void addClassifyCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("classify", "Classify a text (or each line of a file) with an intent classifier");
    struct Args {
        std::string model, text, file;
        int top = 3;
        bool json = false;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("MODEL", args->model, "Classifier checkpoint or run directory")->required();
    cmd->add_option("TEXT", args->text, "Text to classify");
    cmd->add_option("--file", args->file, "Classify every non-empty line of this file");
    cmd->add_option("--top", args->top, "Labels to show per text")->capture_default_str();
    cmd->add_flag("--json", args->json, "One JSON object per text");
    cmd->callback([args, &common] {
        if (args->text.empty() == args->file.empty())
            throw tb::Error("classify: give a TEXT or --file F");
        tb::ClassifierLoadOptions options;
        options.computeDtype = common.dtype == "bf16" ? torch::kBFloat16 : torch::kFloat;
        options.tokenizerPath = common.tokenizer;
        const std::string source = tb::resolveCheckpoint(args->model);
        if (!tb::isClassifierFolder(source))
            throw tb::Error(source + ": not a classifier (train one with task = \"classification\")");
        tb::LoadedClassifier loaded = tb::loadClassifier(source, options);
        if (!loaded.tokenizer)
            throw tb::Error(source + ": no tokenizer; pair one with --tokenizer");
        std::vector<std::string> texts;
        if (!args->text.empty()) {
            texts.push_back(args->text);
        } else {
            std::ifstream in(args->file);
            if (!in)
                throw tb::Error(args->file + ": cannot read");
            for (std::string line; std::getline(in, line);)
                if (!line.empty())
                    texts.push_back(line);
        }
        for (const std::string &text : texts) {
            const auto labels = ranked(loaded.classifier, *loaded.tokenizer, text);
            const size_t shown = std::min(labels.size(), size_t(std::max(1, args->top)));
            if (args->json) {
                nlohmann::ordered_json j;
                j["text"] = text;
                j["label"] = labels.front().first;
                for (size_t i = 0; i < shown; ++i)
                    j["top"].push_back({{"label", labels[i].first}, {"probability", labels[i].second}});
                std::cout << j.dump() << "\n";
                continue;
            }
            std::cout << text << "\n";
            for (size_t i = 0; i < shown; ++i)
                std::printf("  %-24s %.3f\n", labels[i].first.c_str(), labels[i].second);
        }
    });
}
