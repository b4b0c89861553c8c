#include "chat_template_source.h"

#include "error.h"
#include "file_util.h"
#include "gguf_file.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace tb {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

Json readTemplateJson(const std::string &path)
{
    try {
        return Json::parse(readTextFile(path));
    } catch (const Json::exception &e) {
        throw Error(path + ": not valid JSON (" + std::string(e.what()) + ")");
    }
}

// A special token as tokenizer_config.json writes it: a string, or {"content": ...}.
std::string specialTokenText(const Json &config, const char *key)
{
    if (!config.contains(key))
        return {};
    const Json &t = config[key];
    if (t.is_string())
        return t.get<std::string>();
    if (t.is_object() && t.contains("content") && t["content"].is_string())
        return t["content"].get<std::string>();
    return {};
}

// The "chat_template" of a tokenizer_config.json or chat_template.json; false when absent.
bool templateFromConfig(const Json &config, const std::string &path, ModelChatTemplate &out)
{
    if (!config.is_object() || !config.contains("chat_template") || config["chat_template"].is_null())
        return false;
    const Json &t = config["chat_template"];
    if (t.is_string()) {
        out.source = t.get<std::string>();
        out.origin = path + " (chat_template)"; // its lines count from the template's start, not the file's
        return true;
    }
    if (t.is_array()) {
        for (const Json &named : t)
            if (named.is_object() && named.value("name", "") == "default" && named.contains("template")
                && named["template"].is_string()) {
                out.source = named["template"].get<std::string>();
                out.origin = path + " (chat_template 'default')";
                return true;
            }
        throw Error(path + ": chat_template is a list of named templates without one named 'default'");
    }
    throw Error(path + ": chat_template must be a string or a list of {name, template}");
}

ModelChatTemplate templateFromGguf(const std::string &path)
{
    const GgufFile gguf(path);
    ModelChatTemplate out;
    out.source = gguf.getString("tokenizer.chat_template", "");
    if (out.source.empty())
        throw Error(path + ": the GGUF file has no tokenizer.chat_template");
    out.origin = path + " (tokenizer.chat_template)";
    if (const GgufValue *tokens = gguf.find("tokenizer.ggml.tokens")) {
        auto piece = [&](const char *key) -> std::string {
            const int64_t id = gguf.getInt(key, -1);
            return id >= 0 && uint64_t(id) < tokens->strings.size() ? tokens->strings[size_t(id)] : std::string();
        };
        out.bosToken = piece("tokenizer.ggml.bos_token_id");
        out.eosToken = piece("tokenizer.ggml.eos_token_id");
    }
    return out;
}

} // namespace

ModelChatTemplate findChatTemplate(const std::string &path)
{
    if (!fileExists(path) && !isDirectory(path))
        throw Error(path + ": no such file or folder");
    const fs::path p(path);
    if (!isDirectory(path)) {
        const std::string ext = p.extension().string();
        if (ext == ".gguf")
            return templateFromGguf(path);
        if (ext == ".jinja") {
            ModelChatTemplate out;
            out.source = readTextFile(path);
            out.origin = path;
            const fs::path config = p.parent_path() / "tokenizer_config.json";
            if (fileExists(config.string())) {
                const Json c = readTemplateJson(config.string());
                out.bosToken = specialTokenText(c, "bos_token");
                out.eosToken = specialTokenText(c, "eos_token");
            }
            return out;
        }
        if (p.filename() == "chat_template.json" || ext == ".json") {
            const Json config = readTemplateJson(path);
            ModelChatTemplate out;
            // A tokenizer_config.json named directly still loses to a chat_template.jinja beside it.
            const fs::path jinja = p.parent_path() / "chat_template.jinja";
            if (p.filename() == "tokenizer_config.json" && fileExists(jinja.string())) {
                out.source = readTextFile(jinja.string());
                out.origin = jinja.string();
            } else if (!templateFromConfig(config, path, out)) {
                throw Error(path + ": has no chat_template");
            }
            out.bosToken = specialTokenText(config, "bos_token");
            out.eosToken = specialTokenText(config, "eos_token");
            return out;
        }
        throw Error(path + ": expected a model folder, tokenizer_config.json, chat_template.jinja or .gguf file");
    }

    ModelChatTemplate out;
    const std::string configPath = (p / "tokenizer_config.json").string();
    Json config;
    if (fileExists(configPath)) {
        config = readTemplateJson(configPath);
        out.bosToken = specialTokenText(config, "bos_token");
        out.eosToken = specialTokenText(config, "eos_token");
    }
    const std::string jinjaPath = (p / "chat_template.jinja").string();
    if (fileExists(jinjaPath)) {
        out.source = readTextFile(jinjaPath);
        out.origin = jinjaPath;
        return out;
    }
    if (templateFromConfig(config, configPath, out))
        return out;
    const std::string processorPath = (p / "chat_template.json").string();
    if (fileExists(processorPath) && templateFromConfig(readTemplateJson(processorPath), processorPath, out))
        return out;
    // A folder holding one GGUF file: its metadata.
    std::string gguf;
    for (const auto &entry : fs::directory_iterator(p))
        if (entry.path().extension() == ".gguf") {
            if (!gguf.empty()) {
                gguf.clear();
                break;
            }
            gguf = entry.path().string();
        }
    if (!gguf.empty())
        return templateFromGguf(gguf);
    throw Error(path + ": no chat template (no chat_template.jinja, no \"chat_template\" in tokenizer_config.json, "
                       "no chat_template.json)");
}

} // namespace tb
