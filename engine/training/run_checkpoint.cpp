#include "run_checkpoint.h"

#include "error.h"
#include "file_util.h"
#include "lora.h"
#include "peft_adapter.h"
#include "run_directory.h"
#include "tokenizer.h"
#include "thread_guard.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;

namespace tb {

std::string resolveCheckpoint(const std::string &path)
{
    if (!RunDirectory::isRun(path))
        return path; // a checkpoint or a model
    return RunDirectory(path).weightsToLoad();
}

LoadedModel loadCheckpoint(const std::string &path, const LoadOptions &options, const std::string &baseOverride)
{
    requireBackgroundThread("tb::loadCheckpoint");
    const std::string resolved = resolveCheckpoint(path);
    const fs::path adapterConfig = fs::path(resolved) / "adapter_config.json";
    if (!fs::exists(adapterConfig))
        return loadModel(resolved, options);
    std::string base = baseOverride;
    if (base.empty()) {
        const auto config = nlohmann::json::parse(readTextFile(adapterConfig.string()), nullptr, false);
        if (!config.is_discarded() && config.contains("base_model_name_or_path")
            && config["base_model_name_or_path"].is_string())
            base = config["base_model_name_or_path"].get<std::string>();
    }
    if (base.empty() || !fs::exists(base))
        throw Error(adapterConfig.string() + ": the adapter's base model \"" + base
                    + "\" is not a local path; name the base model to load it over");
    LoadOptions baseOptions = options;
    if (baseOptions.tokenizerPath.empty() && fs::exists(fs::path(resolved) / "tokenizer.model"))
        baseOptions.tokenizerPath = (fs::path(resolved) / "tokenizer.model").string();
    LoadedModel loaded = loadModel(base, baseOptions);
    loadLoraAdapter(loaded.model, resolved);
    mergeLora(loaded.model);
    loaded.model->eval();
    loaded.path = resolved;
    return loaded;
}

} // namespace tb
