#include "dialogue_checks.h"

#include "error.h"
#include "mode_restorer.h"
#include "file_util.h"
#include "tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <regex>

namespace tb {

namespace {

std::string lowerAscii(std::string s)
{
    // Bytes, not code points: UTF-8 continuation bytes are >= 0x80 and stay as they are.
    for (char &c : s)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return s;
}

std::regex compileRule(const std::string &source)
{
    return std::regex(source, std::regex::ECMAScript | std::regex::icase);
}

std::string jsonTypeName(const nlohmann::json &j)
{
    if (j.is_null())
        return "null";
    if (j.is_boolean())
        return "true/false";
    if (j.is_number())
        return "a number";
    if (j.is_string())
        return "a string";
    if (j.is_array())
        return "a list";
    return "an object";
}

// Parses one JSONL line; `where` is "file:line" for messages.
DialogueCheck parseCheck(const nlohmann::json &j, const std::string &where)
{
    auto fail = [&](const std::string &what) { throw Error(where + ": " + what); };
    if (!j.is_object())
        fail("expected a JSON object with \"prompt\" or \"messages\" and rules, found " + jsonTypeName(j));
    static const std::vector<std::string> keys = {"name",   "prompt",       "messages",         "system",
                                                  "must_contain", "must_not_contain", "regex"};
    for (auto it = j.begin(); it != j.end(); ++it)
        if (std::find(keys.begin(), keys.end(), it.key()) == keys.end())
            fail("unknown key \"" + it.key()
                 + "\"; expected name, prompt, messages, system, must_contain, must_not_contain, regex");

    DialogueCheck check;
    if (j.contains("name")) {
        if (!j["name"].is_string())
            fail("\"name\" must be a string, found " + jsonTypeName(j["name"]));
        check.name = j["name"].get<std::string>();
    }

    std::string system;
    if (j.contains("system")) {
        if (!j["system"].is_string())
            fail("\"system\" must be a string, found " + jsonTypeName(j["system"]));
        system = j["system"].get<std::string>();
    }
    const bool hasPrompt = j.contains("prompt"), hasMessages = j.contains("messages");
    if (hasPrompt == hasMessages)
        fail(hasPrompt ? "give either \"prompt\" or \"messages\", not both"
                       : "no prompt; expected \"prompt\": \"…\" or "
                         "\"messages\": [{\"role\": \"user\", \"content\": \"…\"}]");
    std::vector<ChatMessage> turns;
    if (hasPrompt) {
        if (!j["prompt"].is_string() || j["prompt"].get<std::string>().empty())
            fail("\"prompt\" must be a non-empty string, found " + jsonTypeName(j["prompt"]));
        turns.push_back({"user", j["prompt"].get<std::string>()});
    } else {
        const auto &messages = j["messages"];
        if (!messages.is_array() || messages.empty())
            fail("\"messages\" must be a non-empty list of {\"role\", \"content\"} objects");
        for (size_t i = 0; i < messages.size(); ++i) {
            const auto &m = messages[i];
            const std::string which = "message " + std::to_string(i + 1);
            if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content")
                || !m["content"].is_string())
                fail(which + " must be an object with string \"role\" and \"content\"");
            const std::string role = m["role"].get<std::string>();
            if (role != "system" && role != "user" && role != "assistant")
                fail(which + " has role \"" + role + "\"; expected system, user or assistant");
            if (role == "system" && i != 0)
                fail(which + " is a system message; only the first message may be one");
            turns.push_back({role, m["content"].get<std::string>()});
        }
        if (turns.back().role != "user")
            fail("the last message must be the user's (the reply to it is checked), found \"" + turns.back().role
                 + "\"");
        if (!system.empty() && turns.front().role == "system")
            fail("a \"system\" key and a system message; give one of them");
    }
    if (!system.empty())
        check.messages.push_back({"system", system});
    check.messages.insert(check.messages.end(), turns.begin(), turns.end());

    auto readRule = [&](const char *key, std::vector<std::string> &out) {
        if (!j.contains(key))
            return;
        const auto &value = j[key];
        std::vector<nlohmann::json> items;
        if (value.is_string())
            items.push_back(value);
        else if (value.is_array())
            items.assign(value.begin(), value.end());
        else
            fail(std::string("\"") + key + "\" must be a string or a list of strings, found " + jsonTypeName(value));
        for (size_t i = 0; i < items.size(); ++i) {
            if (!items[i].is_string())
                fail(std::string("\"") + key + "\" item " + std::to_string(i + 1) + " must be a string, found "
                     + jsonTypeName(items[i]));
            if (items[i].get<std::string>().empty())
                fail(std::string("\"") + key + "\" item " + std::to_string(i + 1) + " is empty");
            out.push_back(items[i].get<std::string>());
        }
    };
    readRule("must_contain", check.mustContain);
    readRule("must_not_contain", check.mustNotContain);
    readRule("regex", check.regexes);
    for (const auto &source : check.regexes) {
        try {
            compileRule(source);
        } catch (const std::regex_error &e) {
            fail("invalid regex \"" + source + "\" (" + e.what() + ")");
        }
    }
    if (check.mustContain.empty() && check.mustNotContain.empty() && check.regexes.empty())
        fail("no rule; give at least one of \"must_contain\", \"must_not_contain\", \"regex\"");
    return check;
}

} // namespace

std::vector<DialogueCheck> loadDialogueChecks(const std::string &path)
{
    if (!fileExists(path))
        throw Error(path + ": no such file (dialogue checks)");
    const std::string text = readTextFile(path);
    std::vector<DialogueCheck> checks;
    size_t begin = 0;
    int64_t line = 0;
    while (begin < text.size()) {
        size_t end = text.find('\n', begin);
        if (end == std::string::npos)
            end = text.size();
        std::string row = text.substr(begin, end - begin);
        begin = end + 1;
        ++line;
        if (!row.empty() && row.back() == '\r')
            row.pop_back();
        if (row.find_first_not_of(" \t") == std::string::npos)
            continue;
        const std::string where = path + ":" + std::to_string(line);
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(row);
        } catch (const nlohmann::json::exception &e) {
            throw Error(where + ": not valid JSON (" + e.what() + ")");
        }
        DialogueCheck check = parseCheck(j, where);
        check.file = path;
        check.line = line;
        if (check.name.empty())
            check.name = "line " + std::to_string(line);
        checks.push_back(std::move(check));
    }
    if (checks.empty())
        throw Error(path + ": no dialogue checks in the file; expected one JSON object per line");
    return checks;
}

CheckResult evaluateReply(const DialogueCheck &check, const std::string &reply)
{
    CheckResult result;
    const std::string lower = lowerAscii(reply);
    for (const auto &needle : check.mustContain)
        if (lower.find(lowerAscii(needle)) == std::string::npos)
            result.failures.push_back("missing \"" + needle + "\"");
    for (const auto &needle : check.mustNotContain)
        if (lower.find(lowerAscii(needle)) != std::string::npos)
            result.failures.push_back("contains \"" + needle + "\"");
    for (const auto &source : check.regexes) {
        try {
            if (!std::regex_search(reply, compileRule(source)))
                result.failures.push_back("no match for regex \"" + source + "\"");
        } catch (const std::regex_error &e) {
            // An invalid pattern from code, or a search too complex for std::regex.
            result.failures.push_back("regex \"" + source + "\" failed: " + e.what());
        }
    }
    result.passed = result.failures.empty();
    return result;
}

DialogueCheckReport runDialogueChecks(LlamaModel &model, Tokenizer &tokenizer, ChatTemplateKind kind,
                                      const std::vector<DialogueCheck> &checks, int64_t maxNewTokens,
                                      const std::atomic<bool> *cancel)
{
    if (maxNewTokens < 1)
        throw Error("dialogue checks: the new-token cap must be at least 1, got " + std::to_string(maxNewTokens));
    const auto start = std::chrono::steady_clock::now();
    DialogueCheckReport report;
    ModeRestorer mode(*model, false);
    torch::NoGradGuard noGrad; // grad mode is per thread: this holds on the trainer's thread

    SamplingOptions greedy;
    greedy.temperature = 0.0;
    greedy.stopAtEos = true;
    // The template's end of turn, as ChatSession stops a reply.
    if (kind == ChatTemplateKind::ChatML) {
        const int64_t end = tokenizer.pieceToId("<|im_end|>");
        if (end >= 0)
            greedy.extraStopIds.push_back(end);
    }
    if (kind == ChatTemplateKind::Plain)
        greedy.stopStrings.push_back("\nUser:");
    const int64_t context = model->config().maxPositions;

    for (size_t i = 0; i < checks.size(); ++i) {
        if (cancel && cancel->load()) {
            report.cancelled = true;
            break;
        }
        const DialogueCheck &check = checks[i];
        DialogueCheckOutcome outcome;
        outcome.name = check.name.empty() ? "check " + std::to_string(i + 1) : check.name;
        RenderedChat rendered;
        try {
            rendered = renderChat(tokenizer, kind, check.messages, true);
        } catch (const Error &e) {
            outcome.failures.push_back(std::string("cannot render the prompt: ") + e.what());
            report.outcomes.push_back(std::move(outcome));
            continue;
        }
        const int64_t room = context - int64_t(rendered.ids.size());
        if (room < 1) {
            outcome.failures.push_back("the prompt needs " + std::to_string(rendered.ids.size())
                                       + " tokens, which leaves no room in the model's context of "
                                       + std::to_string(context));
            report.outcomes.push_back(std::move(outcome));
            continue;
        }
        SamplingOptions o = greedy;
        o.maxNewTokens = std::min(maxNewTokens, room);
        const GenerationResult generation = generate(model, &tokenizer, rendered.ids, o, {}, cancel);
        if (generation.reason == StopReason::Cancelled) {
            report.cancelled = true;
            break;
        }
        outcome.reply = generation.text;
        outcome.newTokens = int64_t(generation.ids.size());
        outcome.stopReason = generation.reason;
        const CheckResult result = evaluateReply(check, generation.text);
        outcome.passed = result.passed;
        outcome.failures = result.failures;
        report.passed += outcome.passed ? 1 : 0;
        report.outcomes.push_back(std::move(outcome));
    }
    if (!report.outcomes.empty())
        report.passRate = double(report.passed) / double(report.outcomes.size());
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

std::string dialogueReportToJson(const DialogueCheckReport &report)
{
    nlohmann::ordered_json j;
    j["pass_rate"] = report.passRate;
    j["passed"] = report.passed;
    j["checks"] = int64_t(report.outcomes.size());
    j["seconds"] = report.seconds;
    if (report.cancelled)
        j["cancelled"] = true;
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    for (const auto &o : report.outcomes)
        results.push_back({{"name", o.name},
                           {"passed", o.passed},
                           {"failures", o.failures},
                           {"reply", o.reply},
                           {"new_tokens", o.newTokens},
                           {"stop", stopReasonName(o.stopReason)}});
    j["results"] = results;
    // A reply cut mid-character must not make the log line unwritable.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace tb
