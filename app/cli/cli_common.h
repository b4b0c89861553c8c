#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

namespace tb {
class Tokenizer;
struct LoadedModel;
}

// Options every subcommand shares (set on the top-level app, accepted after the subcommand).
struct CommonOptions {
    int threads = 0;           // 0 = number of cores
    std::string dtype = "f32"; // compute dtype: f32 or bf16
    std::string tokenizer;     // pairs a SentencePiece .model with weights that carry none
    std::string device = "cpu"; // --device: auto, cpu, cuda, cuda:N, mps (engine/device.h)
};

// Each subcommand adds itself to the app; the callback runs it.
void addInfoCommand(CLI::App &app, const CommonOptions &common);
void addGenerateCommand(CLI::App &app, const CommonOptions &common);
void addChatCommand(CLI::App &app, const CommonOptions &common);
void addConvertCommand(CLI::App &app, const CommonOptions &common);
void addTokenizeCommand(CLI::App &app, const CommonOptions &common);
void addTrainTokenizerCommand(CLI::App &app, const CommonOptions &common);
void addDatasetCommand(CLI::App &app, const CommonOptions &common);
void addTrainCommand(CLI::App &app, const CommonOptions &common);
void addEvalCommand(CLI::App &app, const CommonOptions &common);
void addExportCommand(CLI::App &app, const CommonOptions &common);
void addClassifyCommand(CLI::App &app, const CommonOptions &common);
void addTemplateCommand(CLI::App &app, const CommonOptions &common);

// Loads MODEL with the shared options, printing progress to stderr on a terminal.
tb::LoadedModel loadForCli(const std::string &path, const CommonOptions &common);
// The tokenizer of MODEL (or --tokenizer, or MODEL itself when it is a .model file),
// without reading any weights.
std::shared_ptr<tb::Tokenizer> tokenizerForCli(const std::string &path, const CommonOptions &common);
