#include "jinja_lexer.h"

#include "jinja_text.h"

#include <cstring>

namespace tb::jinja {

namespace {

// The template text after transformers' preprocessing, with the source line of every byte
// (preprocessing removes newlines, and errors must name the line the author sees).
struct Source {
    std::string text;
    std::vector<int> lines;

    void push(char c, int line)
    {
        text += c;
        lines.push_back(line);
    }
};

bool isAsciiSpace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

Source preprocess(const std::string &raw)
{
    Source s;
    int line = 1;
    for (char c : raw) {
        s.push(c, line);
        if (c == '\n')
            ++line;
    }
    // A single trailing newline is dropped (Jinja's keep_trailing_newline=False).
    if (!s.text.empty() && s.text.back() == '\n') {
        s.text.pop_back();
        s.lines.pop_back();
    }

    // lstrip_blocks: spaces and tabs from the start of a line up to {% or {# are dropped.
    Source l;
    for (size_t i = 0; i < s.text.size();) {
        const bool lineStart = i == 0 || s.text[i - 1] == '\n' || s.text[i - 1] == '\r';
        if (lineStart) {
            size_t j = i;
            while (j < s.text.size() && (s.text[j] == ' ' || s.text[j] == '\t'))
                ++j;
            if (j > i && j + 1 < s.text.size() && s.text[j] == '{' && s.text[j + 1] != '\0'
                && std::strchr("#%-", s.text[j + 1]))
                i = j;
        }
        if (i < s.text.size()) {
            l.push(s.text[i], s.lines[i]);
            ++i;
        }
    }

    // trim_blocks: the first newline after a block tag is dropped.
    Source t;
    for (size_t i = 0; i < l.text.size(); ++i) {
        t.push(l.text[i], l.lines[i]);
        if (i + 2 < l.text.size() && std::strchr("#%-", l.text[i]) && l.text[i] != '\0' && l.text[i + 1] == '}'
            && l.text[i + 2] == '\n') {
            t.push(l.text[i + 1], l.lines[i + 1]);
            i += 2;
        }
    }

    // transformers' {% generation %} / {% endgeneration %} mark assistant text for its own
    // mask; rendering drops them, honouring {%- and -%}.
    Source g;
    size_t i = 0;
    while (i < t.text.size()) {
        if (t.text.compare(i, 2, "{%") == 0) {
            size_t j = i + 2;
            const bool lstrip = j < t.text.size() && t.text[j] == '-';
            if (lstrip)
                ++j;
            while (j < t.text.size() && isAsciiSpace(t.text[j]))
                ++j;
            if (t.text.compare(j, 3, "end") == 0)
                j += 3;
            if (t.text.compare(j, 10, "generation") == 0) {
                j += 10;
                while (j < t.text.size() && isAsciiSpace(t.text[j]))
                    ++j;
                const bool rstrip = j < t.text.size() && t.text[j] == '-';
                if (rstrip)
                    ++j;
                if (t.text.compare(j, 2, "%}") == 0) {
                    j += 2;
                    if (lstrip)
                        while (!g.text.empty() && isAsciiSpace(g.text.back())) {
                            g.text.pop_back();
                            g.lines.pop_back();
                        }
                    while (j < t.text.size() && isAsciiSpace(t.text[j])) {
                        if (!rstrip)
                            g.push(t.text[j], t.lines[j]);
                        ++j;
                    }
                    i = j;
                    continue;
                }
            }
        }
        g.push(t.text[i], t.lines[i]);
        ++i;
    }
    return g;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_';
}

// The length of the whitespace character at `pos` (JavaScript's \s, UTF-8), or 0.
size_t spaceAt(const std::string &s, size_t pos)
{
    if (pos >= s.size())
        return 0;
    const unsigned char c = static_cast<unsigned char>(s[pos]);
    if (c < 0x80)
        return isAsciiSpace(char(c)) ? 1 : 0;
    size_t len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    const std::vector<char32_t> cp = text::decode(s.substr(pos, len));
    return cp.size() == 1 && text::isSpace(cp[0]) ? len : 0;
}

// JavaScript's trimEnd on the text of the previous token.
void trimEnd(std::string &s)
{
    for (;;) {
        if (s.empty())
            return;
        size_t start = s.size() - 1;
        while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
            --start;
        if (spaceAt(s, start) != s.size() - start)
            return;
        s.erase(start);
    }
}

const char *const kOperators[] = {"**", "//", "<=", ">=", "==", "!=", "(", ")", "{", "}", "[", "]", ",", ".",
                                  ":",  "|",  "<",  ">",  "+",  "-",  "~", "*", "/", "%", "="};

} // namespace

std::vector<Token> tokenize(const std::string &raw)
{
    const Source src = preprocess(raw);
    const std::string &s = src.text;
    const size_t n = s.size();
    std::vector<Token> tokens;
    size_t pos = 0;
    int curlyDepth = 0;
    auto lineAt = [&](size_t p) { return src.lines.empty() ? 1 : src.lines[p < n ? p : n - 1]; };
    auto fail = [&](const std::string &why) { throw TemplateFailure{lineAt(pos), why}; };
    auto push = [&](Token::Type type, std::string value, size_t at) {
        tokens.push_back(Token{type, std::move(value), lineAt(at)});
    };
    auto skipSpace = [&] {
        while (size_t len = spaceAt(s, pos))
            pos += len;
    };
    auto stripPreviousText = [&] {
        if (!tokens.empty() && tokens.back().type == Token::Type::Text) {
            trimEnd(tokens.back().value);
            if (tokens.back().value.empty())
                tokens.pop_back();
        }
    };

    while (pos < n) {
        const Token::Type last = tokens.empty() ? Token::Type::End : tokens.back().type;
        const bool outside = tokens.empty() || last == Token::Type::CloseStatement
                             || last == Token::Type::CloseExpression || last == Token::Type::Comment;
        if (outside) {
            size_t end = pos;
            for (;;) {
                end = s.find('{', end);
                if (end == std::string::npos) {
                    end = n;
                    break;
                }
                if (end + 1 < n && (s[end + 1] == '%' || s[end + 1] == '{' || s[end + 1] == '#'))
                    break;
                ++end;
            }
            if (end > pos) {
                push(Token::Type::Text, s.substr(pos, end - pos), pos);
                pos = end;
                continue;
            }
        }

        if (s[pos] == '{' && pos + 1 < n) {
            const char next = s[pos + 1];
            if (next == '#') {
                const size_t start = pos;
                pos += 2;
                const bool stripBefore = pos < n && s[pos] == '-';
                if (stripBefore)
                    ++pos;
                const size_t end = s.find("#}", pos);
                if (end == std::string::npos) {
                    pos = start;
                    fail("a comment {# is never closed with #}");
                }
                std::string comment = s.substr(pos, end - pos);
                const bool stripAfter = !comment.empty() && comment.back() == '-';
                if (stripBefore)
                    stripPreviousText();
                push(Token::Type::Comment, comment, start);
                pos = end + 2;
                if (stripAfter)
                    skipSpace();
                continue;
            }
            if (pos + 2 < n && s[pos + 2] == '-' && (next == '%' || next == '{')) {
                stripPreviousText();
                push(next == '%' ? Token::Type::OpenStatement : Token::Type::OpenExpression, next == '%' ? "{%" : "{{",
                     pos);
                if (next == '{')
                    curlyDepth = 0;
                pos += 3;
                continue;
            }
        }

        skipSpace();
        if (pos >= n)
            break;
        const char c = s[pos];

        if (c == '-' && pos + 2 < n && s[pos + 2] == '}' && (s[pos + 1] == '%' || s[pos + 1] == '}')) {
            push(s[pos + 1] == '%' ? Token::Type::CloseStatement : Token::Type::CloseExpression,
                 s[pos + 1] == '%' ? "%}" : "}}", pos);
            pos += 3;
            skipSpace();
            continue;
        }

        if (c == '-' || c == '+') {
            const bool binary = last == Token::Type::Identifier || last == Token::Type::Integer
                                || last == Token::Type::Float || last == Token::Type::String
                                || (last == Token::Type::Operator
                                    && (tokens.back().value == ")" || tokens.back().value == "]"));
            if (!binary) {
                const size_t start = pos++;
                std::string num;
                while (pos < n && isDigit(s[pos]))
                    num += s[pos++];
                bool isFloat = false;
                if (!num.empty() && pos + 1 < n && s[pos] == '.' && isDigit(s[pos + 1])) {
                    num += s[pos++];
                    while (pos < n && isDigit(s[pos]))
                        num += s[pos++];
                    isFloat = true;
                }
                if (num.empty())
                    push(Token::Type::Operator, std::string(1, c), start);
                else
                    push(isFloat ? Token::Type::Float : Token::Type::Integer, std::string(1, c) + num, start);
                continue;
            }
        }

        if (s.compare(pos, 2, "{%") == 0 || s.compare(pos, 2, "%}") == 0 || s.compare(pos, 2, "{{") == 0
            || (s.compare(pos, 2, "}}") == 0 && curlyDepth <= 0)) {
            const std::string two = s.substr(pos, 2);
            const Token::Type type = two == "{%"   ? Token::Type::OpenStatement
                                     : two == "%}" ? Token::Type::CloseStatement
                                     : two == "{{" ? Token::Type::OpenExpression
                                                   : Token::Type::CloseExpression;
            if (type == Token::Type::OpenExpression)
                curlyDepth = 0;
            push(type, two, pos);
            pos += 2;
            continue;
        }

        bool matched = false;
        for (const char *op : kOperators) {
            const size_t len = std::strlen(op);
            if (s.compare(pos, len, op) == 0) {
                if (len == 1 && op[0] == '{')
                    ++curlyDepth;
                else if (len == 1 && op[0] == '}')
                    --curlyDepth;
                push(Token::Type::Operator, op, pos);
                pos += len;
                matched = true;
                break;
            }
        }
        if (matched)
            continue;

        if (c == '\'' || c == '"') {
            const size_t start = pos++;
            std::string value;
            for (;;) {
                if (pos >= n) {
                    pos = start;
                    fail("a string literal is never closed");
                }
                const char ch = s[pos++];
                if (ch == c)
                    break;
                if (ch != '\\') {
                    value += ch;
                    continue;
                }
                if (pos >= n) {
                    pos = start;
                    fail("a string literal is never closed");
                }
                const char esc = s[pos++];
                switch (esc) {
                case 'n':
                    value += '\n';
                    break;
                case 't':
                    value += '\t';
                    break;
                case 'r':
                    value += '\r';
                    break;
                case 'b':
                    value += '\b';
                    break;
                case 'f':
                    value += '\f';
                    break;
                case 'v':
                    value += '\v';
                    break;
                case '\'':
                case '"':
                case '\\':
                    value += esc;
                    break;
                case 'x':
                case 'u': {
                    const size_t len = esc == 'x' ? 2 : 4;
                    const std::string hex = s.substr(pos, len);
                    if (hex.size() != len || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
                        fail("invalid escape \\" + std::string(1, esc) + hex + " in a string literal");
                    text::append(value, char32_t(std::stoul(hex, nullptr, 16)));
                    pos += len;
                    break;
                }
                default:
                    fail(std::string("unknown escape \\") + esc + " in a string literal");
                }
            }
            push(Token::Type::String, value, start);
            continue;
        }

        if (isDigit(c)) {
            const size_t start = pos;
            std::string num;
            while (pos < n && isDigit(s[pos]))
                num += s[pos++];
            bool isFloat = false;
            const bool afterDot = last == Token::Type::Operator && tokens.back().value == ".";
            if (!afterDot && pos + 1 < n && s[pos] == '.' && isDigit(s[pos + 1])) {
                num += s[pos++];
                while (pos < n && isDigit(s[pos]))
                    num += s[pos++];
                isFloat = true;
            }
            push(isFloat ? Token::Type::Float : Token::Type::Integer, num, start);
            continue;
        }

        if (isWordChar(c)) {
            const size_t start = pos;
            while (pos < n && isWordChar(s[pos]))
                ++pos;
            push(Token::Type::Identifier, s.substr(start, pos - start), start);
            continue;
        }

        fail(std::string("unexpected character '") + c + "'");
    }
    push(Token::Type::End, "", n);
    return tokens;
}

} // namespace tb::jinja
