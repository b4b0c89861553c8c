#pragma once

#include "chat_template.h"
#include "generator.h"
#include "llama_model.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;

// One behaviour check: a prompt and rules its reply must satisfy. From a JSONL file, one
// object per line (blank lines skipped):
//   {"name": "doctor",                                   optional; default "line N"
//    "prompt": "I have a headache",                      or "messages": [{"role", "content"}, …]
//                                                        ending with a user turn
//    "system": "You are a careful assistant",            optional
//    "must_contain": ["doctor"],                         every one must appear
//    "must_not_contain": ["guarantee"],                  none may appear
//    "regex": "see (a|your) (doctor|GP)"}                each must match somewhere
// must_contain / must_not_contain / regex take a string or a list of strings; at least
// one rule is needed. Matching ignores case (ASCII letters; other bytes compare exactly);
// regexes are std::regex ECMAScript with icase, searched anywhere in the reply.
struct DialogueCheck {
    std::string name;
    std::string file;     // where it was read from, for reports ("" when built in code)
    int64_t line = 0;
    std::vector<ChatMessage> messages; // system (optional), then turns ending with a user turn
    std::vector<std::string> mustContain;
    std::vector<std::string> mustNotContain;
    std::vector<std::string> regexes;
};

// Throws tb::Error "file:line: …" for the first bad line: not JSON, not an object, no
// prompt (or messages not ending with a user turn), an unknown key, a rule that is not a
// string or a list of non-empty strings, an invalid regex, or no rule at all. Also for an
// unreadable file or a file with no check.
std::vector<DialogueCheck> loadDialogueChecks(const std::string &path);

struct CheckResult {
    bool passed = false;
    std::vector<std::string> failures; // one line per failed rule, e.g. `missing "doctor"`
};

CheckResult evaluateReply(const DialogueCheck &check, const std::string &reply);

struct DialogueCheckOutcome {
    std::string name;
    std::string reply;
    bool passed = false;
    std::vector<std::string> failures;
    int64_t newTokens = 0;
    StopReason stopReason = StopReason::MaxTokens;
};

struct DialogueCheckReport {
    std::vector<DialogueCheckOutcome> outcomes; // in the order of the checks
    int64_t passed = 0;
    double passRate = 0.0; // passed / checks run; 0 when none ran
    double seconds = 0.0;  // wall time of the whole round
    bool cancelled = false;
};

// Renders each check with the chat template and its generation prompt, decodes greedily
// (at most maxNewTokens, stopping at EOS, ChatML's <|im_end|> or Plain's "\nUser:") and
// evaluates the reply. A prompt that leaves no room in the context fails with that reason.
// Runs without autograd in eval mode and restores the model's train/eval mode, so it can
// run between training steps on the trainer's thread. `cancel` is checked between checks
// and between tokens.
DialogueCheckReport runDialogueChecks(LlamaModel &model, Tokenizer &tokenizer, ChatTemplateKind kind,
                                      const std::vector<DialogueCheck> &checks, int64_t maxNewTokens,
                                      const std::atomic<bool> *cancel = nullptr);

// {"pass_rate", "passed", "checks", "seconds", "results": [{"name", "passed", "failures", "reply"}]}.
std::string dialogueReportToJson(const DialogueCheckReport &report);

} // namespace tb
