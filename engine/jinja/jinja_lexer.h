#pragma once

#include <string>
#include <vector>

namespace tb::jinja {

struct Token {
    enum class Type {
        Text,            // literal template text
        OpenStatement,   // {%
        CloseStatement,  // %}
        OpenExpression,  // {{
        CloseExpression, // }}
        Comment,         // {# ... #}
        Integer,
        Float,
        String,
        Identifier,
        Operator, // ( ) [ ] { } , . : | = + - ~ * / // % ** == != < > <= >=
        End,
    };
    Type type;
    std::string value;
    int line; // 1-based, in the source as given
};

// Thrown by the lexer, the parser and the interpreter; Template turns it into tb::Error.
struct TemplateFailure {
    int line;
    std::string reason;
};

// Splits a template into tokens the way transformers renders chat templates: a single trailing
// newline dropped, trim_blocks and lstrip_blocks on, {%- -%} {{- -}} {#- -#} strip whitespace,
// and transformers' {% generation %} markers removed. Throws TemplateFailure.
std::vector<Token> tokenize(const std::string &source);

} // namespace tb::jinja
