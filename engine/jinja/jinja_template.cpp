#include "jinja_template.h"

#include "error.h"
#include "jinja_ast.h"
#include "jinja_builtins.h"
#include "jinja_interpreter.h"
#include "jinja_lexer.h"

namespace tb::jinja {

namespace {

// One line: newlines in a reason (a raise_exception message may hold some) are shown escaped.
[[noreturn]] void throwFailure(const std::string &name, const TemplateFailure &f)
{
    std::string reason;
    for (char c : f.reason) {
        if (c == '\n')
            reason += "\\n";
        else if (c != '\r')
            reason += c;
    }
    throw tb::Error(name + ":" + std::to_string(f.line) + ": " + reason);
}

} // namespace

Template::Template(const std::string &source, std::string sourceName)
    : m_source(source), m_name(std::move(sourceName))
{
    try {
        m_nodes = std::make_unique<NodeList>(parseTemplate(source));
    } catch (const TemplateFailure &f) {
        throwFailure(m_name, f);
    }
}

Template::~Template() = default;
Template::Template(Template &&) noexcept = default;
Template &Template::operator=(Template &&) noexcept = default;

std::string Template::render(const Object &variables, const std::tm *now) const
{
    std::tm local{};
    if (!now) {
        const std::time_t t = std::time(nullptr);
        localtime_r(&t, &local);
        now = &local;
    }
    Interpreter interpreter(builtins::globals(*now));
    try {
        return interpreter.run(*m_nodes, variables);
    } catch (const TemplateFailure &f) {
        throwFailure(m_name, f);
    }
}

} // namespace tb::jinja
