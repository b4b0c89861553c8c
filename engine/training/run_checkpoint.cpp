#include "run_checkpoint.h"

#include "error.h"
#include "file_util.h"
#include "lora.h"
#include "peft_adapter.h"
#include "tokenizer.h"
#include "thread_guard.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <vector>

namespace fs = std::filesystem;

namespace tb {

std::string resolveCheckpoint(const std::string &path)
{
    const fs::path p(path);
    if (!fs::exists(p / "checkpoints"))
        return path; // a checkpoint or a model
    if (fs::exists(p / "run.json")) {
        const auto summary = nlohmann::json::parse(readTextFile((p / "run.json").string()), nullptr, false);
        if (!summary.is_discarded()) {
            // By its folder name: the run may have moved, or been named relative to another directory.
            const std::string best = summary.value("best_checkpoint", "");
            const fs::path folder = p / "checkpoints" / fs::path(best).filename();
            if (!best.empty() && fs::exists(folder / "trainer_state.json"))
                return folder.string();
        }
    }
    std::vector<std::string> found;
    for (const auto &entry : fs::directory_iterator(p / "checkpoints"))
        if (entry.is_directory() && entry.path().extension() != ".tmp" && fs::exists(entry.path() / "trainer_state.json"))
            found.push_back(entry.path().string());
    if (found.empty())
        throw Error(path + ": the run holds no complete checkpoint yet");
    return *std::max_element(found.begin(), found.end());
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
