// tunebench-cli: the engine without the GUI. Every failure ends in one line on stderr
// and a non-zero exit code.
#include "cli_common.h"

#include "device.h"
#include "error.h"
#include "interrupt_cleanup.h"
#include "runtime.h"

#include <iostream>

int main(int argc, char **argv)
{
    // Ctrl+C (and SIGTERM) removes the temporaries of a file or folder being written
    // (export, convert); train replaces the Ctrl+C handler with its own, which stops at the
    // next step and saves a checkpoint.
    tb::installInterruptCleanup();
    CLI::App app{"Tunebench command line: inspect, convert, tokenize and chat with Llama-family models"};
    app.set_version_flag("--version", std::string("tunebench-cli ") + TUNEBENCH_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    CommonOptions common;
    app.add_option("--threads", common.threads, "Compute threads (default: number of cores)")->check(CLI::Range(0, 1024));
    app.add_option("--dtype", common.dtype, "Compute dtype: f32 or bf16")->check(CLI::IsMember({"f32", "bf16"}));
    app.add_option("--tokenizer", common.tokenizer, "SentencePiece .model for weights that carry no tokenizer");
    app.add_option("--device", common.device,
                   "Where models compute: auto, cpu, cuda, cuda:N or mps (what this LibTorch build offers)")
        ->default_val("cpu");

    addInfoCommand(app, common);
    addGenerateCommand(app, common);
    addChatCommand(app, common);
    addConvertCommand(app, common);
    addTokenizeCommand(app, common);
    addTrainTokenizerCommand(app, common);
    addDatasetCommand(app, common);
    addTrainCommand(app, common);
    addEvalCommand(app, common);
    addExportCommand(app, common);
    addClassifyCommand(app, common);
    addTemplateCommand(app, common);

    if (argc > 1 && argv[1][0] != '-' && [&] {
            for (const auto *sub : app.get_subcommands({}))
                if (sub->get_name() == argv[1])
                    return false;
            return true;
        }()) {
        std::string names;
        for (const auto *sub : app.get_subcommands({}))
            names += (names.empty() ? "" : ", ") + sub->get_name();
        std::cerr << "error: unknown command '" << argv[1] << "'; commands: " << names << std::endl;
        return 2;
    }

    app.parse_complete_callback([&] {
        tb::configureThreads(common.threads);
        // Checked before any command runs: a missing GPU is one line, not a failure mid-load.
        const c10::Device device = tb::resolveDevice(common.device);
        // generate and chat move the model and their inputs to the device; the other commands
        // (training with its optimizer state and checkpoints included) compute on the CPU in this
        // version, and say so rather than quietly ignoring the option.
        if (!device.is_cpu())
            for (const auto *sub : app.get_subcommands())
                if (sub->get_name() != "generate" && sub->get_name() != "chat")
                    throw tb::Error(sub->get_name() + " runs on the CPU in this version; --device " + common.device +
                                    " applies to generate and chat");
    });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e);
    } catch (const tb::Error &e) {
        std::cerr << "error: " << e.what() << std::endl;
        return 1;
    } catch (const std::exception &e) {
        // LibTorch's messages carry a C++ backtrace; the first line is the useful one.
        std::string message = e.what();
        message = message.substr(0, message.find('\n'));
        std::cerr << "error: " << message << std::endl;
        return 1;
    }
    return 0;
}
