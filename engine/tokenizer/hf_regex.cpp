#include "hf_regex.h"

#include "error.h"
#include "hf_text.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace tb::hf {

namespace {

// One JIT stack and match block per thread: matching allocates nothing per call.
struct ThreadMatchState {
    pcre2_match_data *data = nullptr;
    pcre2_match_context *context = nullptr;
    pcre2_jit_stack *stack = nullptr;
    ThreadMatchState()
    {
        data = pcre2_match_data_create(16, nullptr);
        context = pcre2_match_context_create(nullptr);
        stack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, nullptr);
        if (stack)
            pcre2_jit_stack_assign(context, nullptr, stack);
    }
    ~ThreadMatchState()
    {
        pcre2_jit_stack_free(stack);
        pcre2_match_context_free(context);
        pcre2_match_data_free(data);
    }
};

ThreadMatchState &threadMatchState()
{
    thread_local ThreadMatchState state;
    return state;
}

} // namespace

struct HfRegex::Impl {
    pcre2_code *code = nullptr;
    std::string pattern;
};

HfRegex::HfRegex(const std::string &pattern) : d(std::make_unique<Impl>())
{
    d->pattern = pattern;
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    d->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                            PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &errorCode, &errorOffset, nullptr);
    if (!d->code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof message);
        throw Error("regex /" + pattern + "/ does not compile at offset " + std::to_string(errorOffset) + ": "
                    + reinterpret_cast<const char *>(message));
    }
    pcre2_jit_compile(d->code, PCRE2_JIT_COMPLETE); // falls back to the interpreter if JIT is missing
}

HfRegex::~HfRegex()
{
    pcre2_code_free(d->code);
}

void HfRegex::findAll(std::string_view text, std::vector<std::pair<size_t, size_t>> &matches) const
{
    matches.clear();
    ThreadMatchState &state = threadMatchState();
    const auto *subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t pos = 0;
    while (pos <= text.size()) {
        const int rc = pcre2_match(d->code, subject, text.size(), pos, 0, state.data, state.context);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0) {
            PCRE2_UCHAR message[256];
            pcre2_get_error_message(rc, message, sizeof message);
            throw Error("regex /" + d->pattern + "/ failed: " + reinterpret_cast<const char *>(message));
        }
        const PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(state.data);
        const size_t b = ovector[0], e = ovector[1];
        matches.emplace_back(b, e);
        if (e > b) {
            pos = e;
        } else {
            // An empty match: step over one character, as Oniguruma's iterator does.
            if (e >= text.size())
                break;
            pos = e + utf8Length(static_cast<unsigned char>(text[e]));
        }
    }
}

std::string HfRegex::escape(std::string_view literal)
{
    std::string out;
    for (char c : literal) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos)
            out += '\\';
        out += c;
    }
    return out;
}

} // namespace tb::hf
