#include "cli_common.h"

#include "chat_template_source.h"
#include "error.h"
#include "file_util.h"
#include "jinja_chat.h"
#include "jinja_template.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace {

nlohmann::ordered_json readJsonArgument(const std::string &path, const char *what)
{
    try {
        return nlohmann::ordered_json::parse(tb::readTextFile(path));
    } catch (const nlohmann::ordered_json::exception &e) {
        throw tb::Error(path + ": " + what + " is not valid JSON (" + e.what() + ")");
    }
}

} // namespace

void addTemplateCommand(CLI::App &app, const CommonOptions &)
{
    auto *cmd = app.add_subcommand("template", "Render a conversation with a model's own chat template (Jinja) and print "
                                               "the prompt exactly");
    struct Args {
        std::string model;
        std::string messages;
        std::string tools;
        std::vector<std::string> vars;
        bool noGenerationPrompt = false;
    };
    auto args = std::make_shared<Args>();
    cmd->add_option("MODEL", args->model,
                    "Model folder, folder with tokenizer files, tokenizer_config.json, chat_template.jinja or .gguf")
        ->required();
    cmd->add_option("--messages", args->messages,
                    "JSON file: a list of {role, content, ...}, or an object with \"messages\" (and \"tools\", "
                    "\"documents\" and further variables)")
        ->required();
    cmd->add_option("--tools", args->tools, "JSON file with the list of tool definitions");
    cmd->add_option("--set", args->vars, "Another template variable as NAME=JSON, e.g. enable_thinking=false (repeatable)");
    cmd->add_flag("--no-generation-prompt", args->noGenerationPrompt,
                  "Leave out the assistant header that prompts a reply (add_generation_prompt=false)");
    cmd->callback([args] {
        const tb::ModelChatTemplate found = tb::findChatTemplate(args->model);
        tb::jinja::ChatTemplateInputs inputs;
        inputs.addGenerationPrompt = !args->noGenerationPrompt;
        inputs.bosToken = found.bosToken;
        inputs.eosToken = found.eosToken;
        const nlohmann::ordered_json conversation = readJsonArgument(args->messages, "--messages");
        if (conversation.is_array()) {
            inputs.messages = conversation;
        } else if (conversation.is_object() && conversation.contains("messages") && conversation["messages"].is_array()) {
            for (auto it = conversation.begin(); it != conversation.end(); ++it) {
                if (it.key() == "messages")
                    inputs.messages = it.value();
                else if (it.key() == "tools")
                    inputs.tools = it.value();
                else if (it.key() == "documents")
                    inputs.documents = it.value();
                else
                    inputs.extra[it.key()] = it.value();
            }
        } else {
            throw tb::Error(args->messages + ": expected a list of messages or an object with \"messages\"");
        }
        if (!args->tools.empty())
            inputs.tools = readJsonArgument(args->tools, "--tools");
        for (const std::string &var : args->vars) {
            const size_t eq = var.find('=');
            if (eq == std::string::npos || eq == 0)
                throw tb::Error("--set " + var + ": expected NAME=JSON, e.g. enable_thinking=false");
            try {
                inputs.extra[var.substr(0, eq)] = nlohmann::ordered_json::parse(var.substr(eq + 1));
            } catch (const nlohmann::ordered_json::exception &) {
                inputs.extra[var.substr(0, eq)] = var.substr(eq + 1); // a bare word is a string
            }
        }
        const tb::jinja::Template tmpl(found.source, found.origin);
        const std::string text = tb::jinja::renderChatTemplate(tmpl, inputs);
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fflush(stdout);
    });
}
