#include "cli_common.h"

#include "error.h"
#include "file_util.h"
#include "gguf_model.h"
#include "hf_folder.h"
#include "model_loader.h"

#include <iostream>

void addConvertCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("convert", "Convert a model to a Hugging Face folder or a GGUF file");
    struct Args {
        std::string input, output, to, dtype = "f32";
        bool replace = false;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("IN", args->input, "HF folder, .gguf file or llama2.c .bin")->required();
    cmd->add_option("OUT", args->output, "Output folder (hf) or file (gguf)")->required();
    cmd->add_option("--to", args->to, "hf or gguf")->required()->check(CLI::IsMember({"hf", "gguf"}));
    cmd->add_option("--dtype", args->dtype, "Stored dtype: f32, f16 (and bf16 for hf)")
        ->check(CLI::IsMember({"f32", "f16", "bf16"}))
        ->capture_default_str();
    cmd->add_flag("--replace", args->replace,
                  "hf: replace an existing folder as a whole (by default a folder that holds files is refused, "
                  "so that no old file mixes with the new model)");
    cmd->callback([args, &common] {
        // Before the model is loaded: a folder that holds files is refused at once.
        if (args->to == "hf" && !args->replace)
            tb::requireEmptyFolder(args->output, "export into a new or empty folder, or pass --replace to replace the "
                                                 "whole folder (no old file may mix with the new model)");
        if (args->to == "gguf" && args->dtype == "bf16")
            throw tb::Error("convert: GGUF export writes f32 or f16");
        CommonOptions loadOptions = common;
        loadOptions.dtype = "f32"; // convert exactly: widen to float32, narrow once on write
        tb::LoadedModel loaded = loadForCli(args->input, loadOptions);
        std::string dtype = args->dtype == "f32" ? "F32" : args->dtype == "f16" ? "F16" : "BF16";
        if (args->to == "hf")
            tb::exportHfFolder(loaded.model, loaded.tokenizer.get(), args->output, dtype, args->replace);
        else
            tb::exportGguf(loaded.model, loaded.tokenizer.get(), args->output, dtype);
        std::cerr << "wrote " << args->output << " (" << args->to << ", " << args->dtype << ")"
                  << (loaded.tokenizer ? "" : " without a tokenizer") << std::endl;
    });
}
