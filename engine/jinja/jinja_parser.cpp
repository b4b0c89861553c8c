#include "jinja_ast.h"
#include "jinja_lexer.h"

#include <algorithm>
#include <initializer_list>

namespace tb::jinja {

namespace {

using T = Token::Type;
using K = Node::Kind;

std::string describe(const Token &t)
{
    switch (t.type) {
    case T::End:
        return "the end of the template";
    case T::Text:
        return "text";
    case T::String:
        return "string '" + t.value + "'";
    default:
        return "'" + t.value + "'";
    }
}

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    NodeList parseAll()
    {
        NodeList nodes;
        while (peek().type != T::End)
            parseInto(nodes);
        return nodes;
    }

private:
    static constexpr int kMaxNesting = 100;
    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;

    const Token &peek(size_t ahead = 0) const
    {
        const size_t i = std::min(m_pos + ahead, m_tokens.size() - 1);
        return m_tokens[i];
    }
    const Token &next() { return m_tokens[std::min(m_pos++, m_tokens.size() - 1)]; }
    [[noreturn]] void fail(const std::string &why, int line = 0) const
    {
        throw TemplateFailure{line ? line : peek().line, why};
    }
    bool isOp(const char *op, size_t ahead = 0) const
    {
        return peek(ahead).type == T::Operator && peek(ahead).value == op;
    }
    bool isWord(const char *word, size_t ahead = 0) const
    {
        return peek(ahead).type == T::Identifier && peek(ahead).value == word;
    }
    void expectOp(const char *op)
    {
        if (!isOp(op))
            fail(std::string("expected '") + op + "', found " + describe(peek()));
        ++m_pos;
    }
    void expectWord(const char *word)
    {
        if (!isWord(word))
            fail(std::string("expected '") + word + "', found " + describe(peek()));
        ++m_pos;
    }
    void expectClose()
    {
        if (peek().type != T::CloseStatement)
            fail("expected '%}', found " + describe(peek()));
        ++m_pos;
    }
    std::string expectName(const char *what)
    {
        if (peek().type != T::Identifier)
            fail(std::string("expected ") + what + ", found " + describe(peek()));
        return next().value;
    }
    NodePtr make(K kind, int line) { return std::make_unique<Node>(kind, line); }

    // {% <one of words> at the current position?
    bool atStatement(std::initializer_list<const char *> words) const
    {
        if (peek().type != T::OpenStatement || peek(1).type != T::Identifier)
            return false;
        return std::any_of(words.begin(), words.end(), [&](const char *w) { return peek(1).value == w; });
    }

    // Parses nodes until {% <ender> %}, leaving the position at its {%.
    NodeList parseBody(std::initializer_list<const char *> enders, const char *opener, int openLine)
    {
        NodeList nodes;
        while (!atStatement(enders)) {
            if (peek().type == T::End)
                fail(std::string("the {% ") + opener + " %} on line " + std::to_string(openLine)
                         + " is never closed (expected {% " + *enders.begin() + " %})",
                     openLine);
            parseInto(nodes);
        }
        return nodes;
    }

    void endBlock(const char *word)
    {
        ++m_pos; // {%
        expectWord(word);
        expectClose();
    }

    void parseInto(NodeList &nodes)
    {
        if (++m_depth > kMaxNesting)
            fail("the template nests deeper than " + std::to_string(kMaxNesting) + " levels");
        struct Leave {
            int &depth;
            ~Leave() { --depth; }
        } leave{m_depth};
        const Token &t = peek();
        switch (t.type) {
        case T::Text: {
            NodePtr n = make(K::Text, t.line);
            n->name = t.value;
            ++m_pos;
            nodes.push_back(std::move(n));
            return;
        }
        case T::Comment:
            ++m_pos;
            return;
        case T::OpenExpression: {
            ++m_pos;
            NodePtr n = make(K::Output, t.line);
            n->a = parseExpression();
            if (peek().type != T::CloseExpression)
                fail("expected '}}', found " + describe(peek()));
            ++m_pos;
            nodes.push_back(std::move(n));
            return;
        }
        case T::OpenStatement:
            nodes.push_back(parseStatement());
            return;
        default:
            fail("unexpected " + describe(t));
        }
    }

    NodePtr parseStatement()
    {
        ++m_pos; // {%
        const Token &t = peek();
        if (t.type != T::Identifier)
            fail("expected a statement name after '{%', found " + describe(t));
        const std::string word = next().value;
        const int line = t.line;
        if (word == "if")
            return parseIf(line);
        if (word == "for")
            return parseFor(line);
        if (word == "set")
            return parseSet(line);
        if (word == "macro")
            return parseMacro(line);
        if (word == "call")
            return parseCallBlock(line);
        if (word == "filter")
            return parseFilterBlock(line);
        if (word == "break" || word == "continue") {
            expectClose();
            return make(word == "break" ? K::Break : K::Continue, line);
        }
        if (word.rfind("end", 0) == 0 || word == "else" || word == "elif")
            fail("unexpected {% " + word + " %}");
        fail("unknown statement '" + word + "'");
    }

    NodePtr parseIf(int line)
    {
        NodePtr n = make(K::If, line);
        n->a = parseExpression();
        expectClose();
        n->body = parseBody({"endif", "elif", "else"}, "if", line);
        if (isWord("elif", 1)) {
            ++m_pos; // {%
            ++m_pos; // elif
            n->orelse.push_back(parseIf(peek().line)); // consumes the shared {% endif %}
            return n;
        }
        if (isWord("else", 1)) {
            ++m_pos;
            ++m_pos;
            expectClose();
            n->orelse = parseBody({"endif"}, "if", line);
        }
        endBlock("endif");
        return n;
    }

    NodePtr parseFor(int line)
    {
        NodePtr n = make(K::For, line);
        n->a = parseTarget();
        expectWord("in");
        NodePtr iterable = parseExpression();
        if (iterable->kind == K::Ternary && !iterable->c) { // for x in xs if cond
            n->b = std::move(iterable->a);
            n->c = std::move(iterable->b);
        } else {
            n->b = std::move(iterable);
        }
        expectClose();
        n->body = parseBody({"endfor", "else"}, "for", line);
        if (isWord("else", 1)) {
            ++m_pos;
            ++m_pos;
            expectClose();
            n->orelse = parseBody({"endfor"}, "for", line);
        }
        endBlock("endfor");
        return n;
    }

    // A loop or assignment target: a name, ns.attr, or names separated by commas.
    NodePtr parseTarget()
    {
        const int line = peek().line;
        std::vector<NodePtr> names;
        const bool paren = isOp("(");
        if (paren)
            ++m_pos;
        for (;;) {
            NodePtr name = make(K::Name, peek().line);
            name->name = expectName("a variable name");
            if (isOp(".")) {
                ++m_pos;
                NodePtr attr = make(K::Attribute, name->line);
                attr->name = expectName("an attribute name");
                attr->a = std::move(name);
                name = std::move(attr);
            }
            names.push_back(std::move(name));
            if (!isOp(","))
                break;
            ++m_pos;
        }
        if (paren)
            expectOp(")");
        if (names.size() == 1 && !paren)
            return std::move(names[0]);
        NodePtr tuple = make(K::Tuple, line);
        tuple->args = std::move(names);
        return tuple;
    }

    NodePtr parseSet(int line)
    {
        NodePtr n = make(K::Set, line);
        n->a = parseTarget();
        if (isOp("=")) {
            ++m_pos;
            n->b = parseExpression();
            if (isOp(",")) { // set a, b = 1, 2
                NodePtr tuple = make(K::Tuple, line);
                tuple->args.push_back(std::move(n->b));
                while (isOp(",")) {
                    ++m_pos;
                    tuple->args.push_back(parseExpression());
                }
                n->b = std::move(tuple);
            }
            expectClose();
            return n;
        }
        expectClose();
        n->body = parseBody({"endset"}, "set", line);
        endBlock("endset");
        return n;
    }

    NodeList parseParameters()
    {
        NodeList params;
        expectOp("(");
        while (!isOp(")")) {
            const int line = peek().line;
            const std::string name = expectName("a parameter name");
            if (isOp("=")) {
                ++m_pos;
                NodePtr kw = make(K::Keyword, line);
                kw->name = name;
                kw->a = parseExpression();
                params.push_back(std::move(kw));
            } else {
                NodePtr p = make(K::Name, line);
                p->name = name;
                params.push_back(std::move(p));
            }
            if (!isOp(","))
                break;
            ++m_pos;
        }
        expectOp(")");
        return params;
    }

    NodePtr parseMacro(int line)
    {
        NodePtr n = make(K::Macro, line);
        n->name = expectName("a macro name");
        n->params = parseParameters();
        expectClose();
        n->body = parseBody({"endmacro"}, "macro", line);
        endBlock("endmacro");
        return n;
    }

    NodePtr parseCallBlock(int line)
    {
        NodePtr n = make(K::CallBlock, line);
        if (isOp("("))
            n->params = parseParameters();
        n->a = parsePostfix(parsePrimary());
        if (n->a->kind != K::Call)
            fail("{% call %} needs a macro call");
        expectClose();
        n->body = parseBody({"endcall"}, "call", line);
        endBlock("endcall");
        return n;
    }

    NodePtr parseFilterBlock(int line)
    {
        NodePtr n = make(K::FilterBlock, line);
        n->a = parseFilterSuffix(nullptr);
        expectClose();
        n->body = parseBody({"endfilter"}, "filter", line);
        endBlock("endfilter");
        return n;
    }

    // Expressions, loosest first (the precedence of @huggingface/jinja and Jinja2).
    NodePtr parseExpression()
    {
        // A template from a downloaded model must not overflow the stack with nesting.
        if (++m_depth > kMaxNesting)
            fail("the template nests deeper than " + std::to_string(kMaxNesting) + " levels");
        struct Leave {
            int &depth;
            ~Leave() { --depth; }
        } leave{m_depth};
        NodePtr value = parseOr();
        if (!isWord("if"))
            return value;
        const int line = next().line;
        NodePtr n = make(K::Ternary, line);
        n->a = std::move(value);
        n->b = parseOr();
        if (isWord("else")) {
            ++m_pos;
            n->c = parseExpression();
        }
        return n;
    }

    NodePtr binary(const std::string &op, NodePtr left, NodePtr right, int line)
    {
        NodePtr n = make(K::Binary, line);
        n->name = op;
        n->a = std::move(left);
        n->b = std::move(right);
        return n;
    }

    NodePtr parseOr()
    {
        NodePtr left = parseAnd();
        while (isWord("or")) {
            const int line = next().line;
            left = binary("or", std::move(left), parseAnd(), line);
        }
        return left;
    }

    NodePtr parseAnd()
    {
        NodePtr left = parseNot();
        while (isWord("and")) {
            const int line = next().line;
            left = binary("and", std::move(left), parseNot(), line);
        }
        return left;
    }

    NodePtr parseNot()
    {
        if (isWord("not")) {
            if (++m_depth > kMaxNesting)
                fail("the template nests deeper than " + std::to_string(kMaxNesting) + " levels");
            struct Leave {
                int &depth;
                ~Leave() { --depth; }
            } leave{m_depth};
            const int line = next().line;
            NodePtr n = make(K::Unary, line);
            n->name = "not";
            n->a = parseNot();
            return n;
        }
        return parseCompare();
    }

    NodePtr parseCompare()
    {
        NodePtr left = parseAdditive();
        for (;;) {
            const int line = peek().line;
            std::string op;
            if (isWord("not") && isWord("in", 1)) {
                m_pos += 2;
                op = "not in";
            } else if (isWord("in")) {
                ++m_pos;
                op = "in";
            } else if (peek().type == T::Operator
                       && (peek().value == "==" || peek().value == "!=" || peek().value == "<" || peek().value == ">"
                           || peek().value == "<=" || peek().value == ">=")) {
                op = next().value;
            } else {
                return left;
            }
            left = binary(op, std::move(left), parseAdditive(), line);
        }
    }

    NodePtr parseAdditive()
    {
        NodePtr left = parseMultiplicative();
        while (isOp("+") || isOp("-") || isOp("~")) {
            const Token &op = next();
            left = binary(op.value, std::move(left), parseMultiplicative(), op.line);
        }
        return left;
    }

    NodePtr parseMultiplicative()
    {
        NodePtr left = parsePower();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            const Token &op = next();
            left = binary(op.value, std::move(left), parsePower(), op.line);
        }
        return left;
    }

    NodePtr parsePower()
    {
        NodePtr left = parseTest();
        while (isOp("**")) {
            const Token &op = next();
            left = binary(op.value, std::move(left), parseTest(), op.line);
        }
        return left;
    }

    NodePtr parseTest()
    {
        NodePtr operand = parseFilter();
        while (isWord("is")) {
            const int line = next().line;
            NodePtr n = make(K::Test, line);
            if (isWord("not")) {
                ++m_pos;
                n->flag = true;
            }
            n->name = expectName("a test name");
            if (isOp("(")) {
                n->args = parseCallArguments();
            } else if (peek().type == T::Integer || peek().type == T::Float || peek().type == T::String) {
                n->args.push_back(parsePrimary()); // `is divisibleby 3`, `is equalto 'x'`
            }
            n->a = std::move(operand);
            operand = std::move(n);
        }
        return operand;
    }

    NodePtr parseFilter()
    {
        NodePtr operand = parseUnary();
        while (isOp("|"))
            operand = parseFilterSuffix(std::move(operand));
        return operand;
    }

    // `| name` or `| name(args)` applied to `operand` (null in {% filter %}).
    NodePtr parseFilterSuffix(NodePtr operand)
    {
        if (isOp("|"))
            ++m_pos;
        const int line = peek().line;
        NodePtr n = make(K::Filter, line);
        n->name = expectName("a filter name");
        if (isOp("(")) {
            n->args = parseCallArguments();
            n->flag = true;
        }
        n->a = std::move(operand);
        return n;
    }

    NodePtr parseUnary()
    {
        if (isOp("-") || isOp("+")) {
            if (++m_depth > kMaxNesting)
                fail("the template nests deeper than " + std::to_string(kMaxNesting) + " levels");
            struct Leave {
                int &depth;
                ~Leave() { --depth; }
            } leave{m_depth};
            const Token &op = next();
            NodePtr n = make(K::Unary, op.line);
            n->name = op.value;
            n->a = parseUnary();
            return n;
        }
        return parsePostfix(parsePrimary());
    }

    NodeList parseCallArguments()
    {
        NodeList args;
        expectOp("(");
        while (!isOp(")")) {
            if (peek().type == T::Identifier && isOp("=", 1)) {
                NodePtr kw = make(K::Keyword, peek().line);
                kw->name = next().value;
                ++m_pos; // =
                kw->a = parseExpression();
                args.push_back(std::move(kw));
            } else {
                args.push_back(parseExpression());
            }
            if (!isOp(","))
                break;
            ++m_pos;
        }
        expectOp(")");
        return args;
    }

    NodePtr parsePostfix(NodePtr object)
    {
        for (;;) {
            const int line = peek().line;
            if (isOp(".")) {
                ++m_pos;
                if (peek().type == T::Integer) { // messages.0
                    NodePtr n = make(K::Index, line);
                    n->a = std::move(object);
                    n->b = make(K::Literal, line);
                    n->b->value = Value(int64_t(std::stoll(next().value)));
                    object = std::move(n);
                    continue;
                }
                NodePtr n = make(K::Attribute, line);
                n->name = expectName("an attribute name after '.'");
                n->a = std::move(object);
                object = std::move(n);
            } else if (isOp("[")) {
                ++m_pos;
                object = parseSubscript(std::move(object), line);
            } else if (isOp("(")) {
                NodePtr n = make(K::Call, line);
                n->a = std::move(object);
                n->args = parseCallArguments();
                object = std::move(n);
            } else {
                return object;
            }
        }
    }

    NodePtr parseSubscript(NodePtr object, int line)
    {
        NodePtr parts[3];
        int colons = 0;
        while (!isOp("]")) {
            if (isOp(":")) {
                ++m_pos;
                if (++colons > 2)
                    fail("a slice has at most two ':'");
                continue;
            }
            if (parts[colons])
                fail("expected ':' or ']', found " + describe(peek()));
            parts[colons] = parseExpression();
        }
        ++m_pos; // ]
        if (colons == 0) {
            if (!parts[0])
                fail("empty subscript []", line);
            NodePtr n = make(K::Index, line);
            n->a = std::move(object);
            n->b = std::move(parts[0]);
            return n;
        }
        NodePtr n = make(K::Slice, line);
        n->a = std::move(object);
        n->b = std::move(parts[0]);
        n->c = std::move(parts[1]);
        n->d = std::move(parts[2]);
        return n;
    }

    NodePtr literal(Value v, int line)
    {
        NodePtr n = make(K::Literal, line);
        n->value = std::move(v);
        return n;
    }

    NodePtr parsePrimary()
    {
        const Token &t = peek();
        switch (t.type) {
        case T::Integer:
            ++m_pos;
            try {
                return literal(Value(int64_t(std::stoll(t.value))), t.line);
            } catch (const std::out_of_range &) {
                fail("integer literal " + t.value + " is too large");
            }
        case T::Float:
            ++m_pos;
            return literal(Value(std::stod(t.value)), t.line);
        case T::String: {
            std::string s = next().value;
            while (peek().type == T::String) // 'a' 'b' is 'ab', as in Python
                s += next().value;
            return literal(Value(std::move(s)), t.line);
        }
        case T::Identifier: {
            ++m_pos;
            if (t.value == "true" || t.value == "True")
                return literal(Value(true), t.line);
            if (t.value == "false" || t.value == "False")
                return literal(Value(false), t.line);
            if (t.value == "none" || t.value == "None")
                return literal(Value::none(), t.line);
            NodePtr n = make(K::Name, t.line);
            n->name = t.value;
            return n;
        }
        case T::Operator:
            if (t.value == "(") {
                ++m_pos;
                NodePtr first = parseExpression();
                if (isOp(",")) {
                    NodePtr tuple = make(K::Tuple, t.line);
                    tuple->args.push_back(std::move(first));
                    while (isOp(",")) {
                        ++m_pos;
                        if (isOp(")"))
                            break;
                        tuple->args.push_back(parseExpression());
                    }
                    first = std::move(tuple);
                }
                expectOp(")");
                return first;
            }
            if (t.value == "[") {
                ++m_pos;
                NodePtr list = make(K::List, t.line);
                while (!isOp("]")) {
                    list->args.push_back(parseExpression());
                    if (!isOp(","))
                        break;
                    ++m_pos;
                }
                expectOp("]");
                return list;
            }
            if (t.value == "{") {
                ++m_pos;
                NodePtr dict = make(K::Dict, t.line);
                while (!isOp("}")) {
                    dict->args.push_back(parseExpression());
                    expectOp(":");
                    dict->args.push_back(parseExpression());
                    if (!isOp(","))
                        break;
                    ++m_pos;
                }
                expectOp("}");
                return dict;
            }
            break;
        default:
            break;
        }
        fail("unexpected " + describe(t) + " in an expression");
    }
};

} // namespace

NodeList parseTemplate(const std::string &source)
{
    Parser parser(tokenize(source));
    return parser.parseAll();
}

} // namespace tb::jinja
