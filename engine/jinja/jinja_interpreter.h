#pragma once

#include "jinja_ast.h"
#include "jinja_value.h"

#include <memory>
#include <string>
#include <unordered_map>

namespace tb::jinja {

// Variables of one block: a for loop and a macro call open one; if does not (as in Jinja).
struct Scope {
    std::unordered_map<std::string, Value> vars;
    std::shared_ptr<Scope> parent;

    const Value *lookup(const std::string &name) const;
};

// Walks a parsed template. Runtime failures become TemplateFailure with the line of the
// innermost node being evaluated.
class Interpreter {
public:
    explicit Interpreter(const Object &globals);
    std::string run(const NodeList &nodes, const Object &variables);

private:
    std::shared_ptr<Scope> m_root;
    int m_line = 0;
    int m_depth = 0;
    Value m_pendingCaller; // the caller() of a {% call %} block, taken by the macro it calls

    void render(const NodeList &nodes, const std::shared_ptr<Scope> &scope, std::string &out);
    void renderNode(const Node &node, const std::shared_ptr<Scope> &scope, std::string &out);
    void renderFor(const Node &node, const std::shared_ptr<Scope> &scope, std::string &out);
    void assign(const Node &target, const Value &value, const std::shared_ptr<Scope> &scope);
    Value defineMacro(const Node &node, const std::shared_ptr<Scope> &scope);
    Value callBlock(const Node &node, const std::shared_ptr<Scope> &scope);
    void bindParameters(const NodeList &params, const CallArgs &args, const std::shared_ptr<Scope> &scope);

    Value eval(const Node &node, const std::shared_ptr<Scope> &scope);
    Value evalBinary(const Node &node, const std::shared_ptr<Scope> &scope);
    CallArgs evalArgs(const NodeList &args, const std::shared_ptr<Scope> &scope);
};

} // namespace tb::jinja
