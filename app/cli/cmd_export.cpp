#include "cli_common.h"

#include "error.h"
#include "file_util.h"
#include "gguf_model.h"
#include "hf_folder.h"
#include "model_loader.h"
#include "run_checkpoint.h"

#include <iostream>

// export RUN_DIR OUT: the run's best checkpoint (or its last), LoRA adapters merged into
// the base, written as a Hugging Face folder or a GGUF file.
void addExportCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("export", "Export a run's weights (LoRA merged) as HF or GGUF");
    struct Args {
        std::string run, output, to = "hf", dtype = "f32", base;
        bool replace = false;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("RUN_DIR", args->run, "A run directory (best, else last checkpoint) or one checkpoint")->required();
    cmd->add_option("OUT", args->output, "Output folder (hf) or file (gguf)")->required();
    cmd->add_option("--to", args->to, "hf or gguf")->check(CLI::IsMember({"hf", "gguf"}))->capture_default_str();
    cmd->add_option("--dtype", args->dtype, "Stored dtype: f32, f16 (and bf16 for hf)")
        ->check(CLI::IsMember({"f32", "f16", "bf16"}))
        ->capture_default_str();
    cmd->add_option("--base", args->base, "Base model of a LoRA checkpoint (default: the adapter's base_model_name_or_path)");
    cmd->add_flag("--replace", args->replace,
                  "hf: replace an existing folder as a whole (by default a folder that holds files is refused, "
                  "so that no old file mixes with the new model)");
    cmd->callback([args, &common] {
        // Before the model is loaded: a folder that holds files is refused at once.
        if (args->to == "hf" && !args->replace)
            tb::requireEmptyFolder(args->output, "export into a new or empty folder, or pass --replace to replace the "
                                                 "whole folder (no old file may mix with the new model)");
        if (args->to == "gguf" && args->dtype == "bf16")
            throw tb::Error("export: GGUF export writes f32 or f16");
        tb::LoadOptions options;
        options.tokenizerPath = common.tokenizer;
        const std::string source = tb::resolveCheckpoint(args->run);
        tb::LoadedModel loaded = tb::loadCheckpoint(source, options, args->base);
        const std::string dtype = args->dtype == "f32" ? "F32" : args->dtype == "f16" ? "F16" : "BF16";
        if (args->to == "hf")
            tb::exportHfFolder(loaded.model, loaded.tokenizer.get(), args->output, dtype, args->replace);
        else
            tb::exportGguf(loaded.model, loaded.tokenizer.get(), args->output, dtype);
        std::cerr << "exported " << source << " to " << args->output << " (" << args->to << ", " << args->dtype << ")"
                  << std::endl;
    });
}
