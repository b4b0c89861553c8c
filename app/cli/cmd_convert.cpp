#include "cli_common.h"

#include "error.h"
#include "gguf_model.h"
#include "hf_folder.h"
#include "model_loader.h"

#include <iostream>

void addConvertCommand(CLI::App &app, const CommonOptions &common)
{
    auto *cmd = app.add_subcommand("convert", "Convert a model to a Hugging Face folder or a GGUF file");
    struct Args {
        std::string input, output, to, dtype = "f32";
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("IN", args->input, "HF folder, .gguf file or llama2.c .bin")->required();
    cmd->add_option("OUT", args->output, "Output folder (hf) or file (gguf)")->required();
    cmd->add_option("--to", args->to, "hf or gguf")->required()->check(CLI::IsMember({"hf", "gguf"}));
    cmd->add_option("--dtype", args->dtype, "Stored dtype: f32, f16 (and bf16 for hf)")
        ->check(CLI::IsMember({"f32", "f16", "bf16"}))
        ->capture_default_str();
    cmd->callback([args, &common] {
        if (args->to == "gguf" && args->dtype == "bf16")
            throw tb::Error("convert: GGUF export writes f32 or f16");
        CommonOptions loadOptions = common;
        loadOptions.dtype = "f32"; // convert exactly: widen to float32, narrow once on write
        tb::LoadedModel loaded = loadForCli(args->input, loadOptions);
        std::string dtype = args->dtype == "f32" ? "F32" : args->dtype == "f16" ? "F16" : "BF16";
        if (args->to == "hf")
            tb::exportHfFolder(loaded.model, loaded.tokenizer.get(), args->output, dtype);
        else
            tb::exportGguf(loaded.model, loaded.tokenizer.get(), args->output, dtype);
        std::cerr << "wrote " << args->output << " (" << args->to << ", " << args->dtype << ")"
                  << (loaded.tokenizer ? "" : " without a tokenizer") << std::endl;
    });
}
