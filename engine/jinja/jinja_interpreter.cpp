#include "jinja_interpreter.h"

#include "jinja_builtins.h"
#include "jinja_lexer.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tb::jinja {

namespace {

using K = Node::Kind;
using VK = Value::Kind;

struct BreakSignal {};
struct ContinueSignal {};

[[noreturn]] void fail(const std::string &why)
{
    throw std::runtime_error(why);
}

// Deep enough for any chat template, shallow enough to stop a macro that calls itself forever.
constexpr int kMaxDepth = 200;

// `in` of the reference: list membership compares like === (numbers by value).
bool strictlyEqual(const Value &a, const Value &b)
{
    if (a.isNumber() && b.isNumber())
        return a.asNumber() == b.asNumber();
    if (a.kind() != b.kind())
        return false;
    switch (a.kind()) {
    case VK::Undefined:
    case VK::None:
        return true;
    case VK::Bool:
        return a.asBool() == b.asBool();
    case VK::String:
        return a.asString() == b.asString();
    case VK::Array:
    case VK::Object:
    case VK::Namespace:
        return valuesEqual(a, b);
    default:
        return false;
    }
}

} // namespace

const Value *Scope::lookup(const std::string &name) const
{
    for (const Scope *s = this; s; s = s->parent.get()) {
        const auto it = s->vars.find(name);
        if (it != s->vars.end())
            return &it->second;
    }
    return nullptr;
}

Interpreter::Interpreter(const Object &globals) : m_root(std::make_shared<Scope>())
{
    for (const auto &g : globals.entries)
        m_root->vars[g.first] = g.second;
}

std::string Interpreter::run(const NodeList &nodes, const Object &variables)
{
    auto scope = std::make_shared<Scope>();
    scope->parent = m_root;
    for (const auto &v : variables.entries)
        scope->vars[v.first] = v.second;
    std::string out;
    try {
        render(nodes, scope, out);
    } catch (const std::runtime_error &e) {
        throw TemplateFailure{m_line, e.what()};
    } catch (const std::invalid_argument &e) {
        throw TemplateFailure{m_line, e.what()};
    } catch (const BreakSignal &) {
        throw TemplateFailure{m_line, "{% break %} outside a loop"};
    } catch (const ContinueSignal &) {
        throw TemplateFailure{m_line, "{% continue %} outside a loop"};
    }
    return out;
}

void Interpreter::render(const NodeList &nodes, const std::shared_ptr<Scope> &scope, std::string &out)
{
    for (const NodePtr &node : nodes)
        renderNode(*node, scope, out);
}

void Interpreter::renderNode(const Node &node, const std::shared_ptr<Scope> &scope, std::string &out)
{
    m_line = node.line;
    switch (node.kind) {
    case K::Text:
        out += node.name;
        return;
    case K::Output: {
        const Value v = eval(*node.a, scope);
        if (!v.isNone() && !v.isUndefined())
            out += v.toString();
        return;
    }
    case K::If:
        render(eval(*node.a, scope).truthy() ? node.body : node.orelse, scope, out);
        return;
    case K::For:
        renderFor(node, scope, out);
        return;
    case K::Set:
        if (node.b) {
            assign(*node.a, eval(*node.b, scope), scope);
        } else {
            std::string block;
            render(node.body, scope, block);
            assign(*node.a, Value(block), scope);
        }
        return;
    case K::Macro:
        scope->vars[node.name] = defineMacro(node, scope);
        return;
    case K::CallBlock:
        out += callBlock(node, scope).toString();
        return;
    case K::FilterBlock: {
        std::string block;
        render(node.body, scope, block);
        m_line = node.line;
        out += builtins::applyFilter(node.a->name, Value(block), evalArgs(node.a->args, scope)).toString();
        return;
    }
    case K::Break:
        throw BreakSignal{};
    case K::Continue:
        throw ContinueSignal{};
    default:
        fail("internal: an expression where a statement belongs");
    }
}

void Interpreter::renderFor(const Node &node, const std::shared_ptr<Scope> &scope, std::string &out)
{
    auto loopScope = std::make_shared<Scope>();
    loopScope->parent = scope;
    const Value iterable = eval(*node.b, loopScope);
    std::vector<Value> candidates;
    if (iterable.isArray()) {
        candidates = iterable.items();
    } else if (iterable.kind() == VK::Object) {
        for (const auto &e : iterable.entries().entries)
            candidates.emplace_back(e.first);
    } else if (iterable.isString()) {
        candidates = builtins::applyFilter("list", iterable, CallArgs{}).items();
    } else {
        m_line = node.line;
        fail("cannot loop over " + std::string(iterable.isUndefined() ? "an undefined value" : "a " + iterable.typeName()));
    }
    std::vector<Value> items;
    if (node.c) {
        for (const Value &item : candidates) {
            auto testScope = std::make_shared<Scope>();
            testScope->parent = loopScope;
            assign(*node.a, item, testScope);
            if (eval(*node.c, testScope).truthy())
                items.push_back(item);
        }
    } else {
        items = std::move(candidates);
    }

    const int64_t length = int64_t(items.size());
    bool iterated = false;
    for (int64_t i = 0; i < length; ++i) {
        Object loop;
        loop.set("index", Value(i + 1));
        loop.set("index0", Value(i));
        loop.set("revindex", Value(length - i));
        loop.set("revindex0", Value(length - i - 1));
        loop.set("first", Value(i == 0));
        loop.set("last", Value(i == length - 1));
        loop.set("length", Value(length));
        loop.set("previtem", i > 0 ? items[size_t(i - 1)] : Value());
        loop.set("nextitem", i + 1 < length ? items[size_t(i + 1)] : Value());
        loop.set("cycle", Value::function([i](const CallArgs &args) {
                     if (args.positional.empty())
                         fail("loop.cycle needs at least one value");
                     return args.positional[size_t(i) % args.positional.size()];
                 }));
        // Each iteration gets its own scope, as in Jinja2: a {% set %} in the body lasts until
        // the end of that iteration (@huggingface/jinja keeps one scope for the whole loop).
        auto iterationScope = std::make_shared<Scope>();
        iterationScope->parent = scope;
        iterationScope->vars["loop"] = Value::object(std::move(loop));
        assign(*node.a, items[size_t(i)], iterationScope);
        iterated = true;
        try {
            render(node.body, iterationScope, out);
        } catch (const ContinueSignal &) {
            continue;
        } catch (const BreakSignal &) {
            break;
        }
    }
    if (!iterated)
        render(node.orelse, loopScope, out);
}

void Interpreter::assign(const Node &target, const Value &value, const std::shared_ptr<Scope> &scope)
{
    switch (target.kind) {
    case K::Name:
        scope->vars[target.name] = value;
        return;
    case K::Tuple: {
        if (!value.isArray())
            fail("cannot unpack a " + value.typeName() + " into " + std::to_string(target.args.size()) + " names");
        if (value.items().size() != target.args.size())
            fail("cannot unpack " + std::to_string(value.items().size()) + " values into "
                 + std::to_string(target.args.size()) + " names");
        for (size_t i = 0; i < target.args.size(); ++i)
            assign(*target.args[i], value.items()[i], scope);
        return;
    }
    case K::Attribute: {
        Value object = eval(*target.a, scope);
        if (object.kind() != VK::Namespace)
            fail("cannot set attribute '" + target.name + "' of a " + object.typeName()
                 + " (only a namespace() takes assignments)");
        object.entries().set(target.name, value);
        return;
    }
    default:
        fail("cannot assign to this expression");
    }
}

void Interpreter::bindParameters(const NodeList &params, const CallArgs &args, const std::shared_ptr<Scope> &scope)
{
    std::vector<std::pair<std::string, Value>> keywords = args.keywords;
    for (size_t i = 0; i < params.size(); ++i) {
        const Node &p = *params[i];
        Value value;
        bool given = false;
        if (i < args.positional.size()) {
            value = args.positional[i];
            given = true;
        } else {
            for (auto it = keywords.begin(); it != keywords.end(); ++it)
                if (it->first == p.name) {
                    value = it->second;
                    keywords.erase(it);
                    given = true;
                    break;
                }
        }
        if (!given && p.kind == K::Keyword)
            value = eval(*p.a, scope);
        scope->vars[p.name] = value;
    }
    std::vector<Value> extra;
    for (size_t i = params.size(); i < args.positional.size(); ++i)
        extra.push_back(args.positional[i]);
    scope->vars["varargs"] = Value::array(std::move(extra));
    Object kwargs;
    for (auto &kw : keywords)
        kwargs.set(kw.first, kw.second);
    scope->vars["kwargs"] = Value::object(std::move(kwargs));
}

Value Interpreter::defineMacro(const Node &node, const std::shared_ptr<Scope> &scope)
{
    const Node *macro = &node;
    std::weak_ptr<Scope> home = scope; // a macro stored in its own scope must not keep it alive
    return Value::function([this, macro, home](const CallArgs &args) {
        if (++m_depth > kMaxDepth) {
            m_depth = 0;
            fail("macro '" + macro->name + "' nests deeper than " + std::to_string(kMaxDepth) + " calls");
        }
        auto callScope = std::make_shared<Scope>();
        callScope->parent = home.lock();
        callScope->vars["caller"] = m_pendingCaller;
        m_pendingCaller = Value();
        const int callLine = m_line;
        bindParameters(macro->params, args, callScope);
        std::string out;
        render(macro->body, callScope, out);
        m_line = callLine;
        --m_depth;
        return Value(out);
    });
}

Value Interpreter::callBlock(const Node &node, const std::shared_ptr<Scope> &scope)
{
    const Node *block = &node;
    std::shared_ptr<Scope> home = scope;
    const Value caller = Value::function([this, block, home](const CallArgs &args) {
        auto callerScope = std::make_shared<Scope>();
        callerScope->parent = home;
        bindParameters(block->params, args, callerScope);
        std::string out;
        render(block->body, callerScope, out);
        return Value(out);
    });
    const Node &call = *node.a;
    const Value callee = eval(*call.a, scope);
    const CallArgs args = evalArgs(call.args, scope);
    if (callee.kind() != VK::Function)
        fail("{% call %} needs a macro, got a " + callee.typeName());
    m_pendingCaller = caller;
    m_line = node.line;
    return callee.callable()(args);
}

CallArgs Interpreter::evalArgs(const NodeList &args, const std::shared_ptr<Scope> &scope)
{
    CallArgs out;
    for (const NodePtr &arg : args) {
        if (arg->kind == K::Keyword)
            out.keywords.emplace_back(arg->name, eval(*arg->a, scope));
        else
            out.positional.push_back(eval(*arg, scope));
    }
    return out;
}

Value Interpreter::eval(const Node &node, const std::shared_ptr<Scope> &scope)
{
    m_line = node.line;
    switch (node.kind) {
    case K::Literal:
        return node.value;
    case K::Name: {
        const Value *v = scope->lookup(node.name);
        return v ? *v : Value();
    }
    case K::Unary: {
        const Value v = eval(*node.a, scope);
        if (node.name == "not")
            return Value(!v.truthy());
        const double sign = node.name == "-" ? -1 : 1;
        if (v.kind() == VK::Int)
            return Value(int64_t(sign) * v.asInt());
        if (v.kind() == VK::Bool)
            return Value(int64_t(sign) * (v.asBool() ? 1 : 0));
        if (v.kind() == VK::Float)
            return Value(sign * v.asNumber());
        fail("unary " + node.name + " needs a number, got " + v.typeName());
    }
    case K::Binary:
        return evalBinary(node, scope);
    case K::Ternary:
        if (eval(*node.b, scope).truthy())
            return eval(*node.a, scope);
        return node.c ? eval(*node.c, scope) : Value();
    case K::Attribute:
        return builtins::attribute(eval(*node.a, scope), node.name);
    case K::Index: {
        const Value object = eval(*node.a, scope);
        return builtins::subscript(object, eval(*node.b, scope));
    }
    case K::Slice: {
        const Value object = eval(*node.a, scope);
        const Value start = node.b ? eval(*node.b, scope) : Value();
        const Value stop = node.c ? eval(*node.c, scope) : Value();
        const Value step = node.d ? eval(*node.d, scope) : Value();
        return builtins::slice(object, start, stop, step);
    }
    case K::Call: {
        const Value callee = eval(*node.a, scope);
        const CallArgs args = evalArgs(node.args, scope);
        m_line = node.line;
        if (callee.kind() != VK::Function) {
            const std::string what = node.a->kind == K::Name        ? "'" + node.a->name + "'"
                                     : node.a->kind == K::Attribute ? "'." + node.a->name + "'"
                                                                    : "this expression";
            fail("cannot call " + what + ": it is " + (callee.isUndefined() ? "undefined" : "a " + callee.typeName()));
        }
        return callee.callable()(args);
    }
    case K::Filter: {
        const Value operand = eval(*node.a, scope);
        const CallArgs args = evalArgs(node.args, scope);
        m_line = node.line;
        return builtins::applyFilter(node.name, operand, args);
    }
    case K::Test: {
        const Value operand = eval(*node.a, scope);
        const CallArgs args = evalArgs(node.args, scope);
        m_line = node.line;
        return Value(builtins::applyTest(node.name, operand, args) != node.flag);
    }
    case K::List:
    case K::Tuple: {
        std::vector<Value> items;
        for (const NodePtr &item : node.args)
            items.push_back(eval(*item, scope));
        return Value::array(std::move(items));
    }
    case K::Dict: {
        Object object;
        for (size_t i = 0; i + 1 < node.args.size(); i += 2) {
            const Value key = eval(*node.args[i], scope);
            if (!key.isString())
                fail("mapping keys must be strings, got " + key.typeName());
            object.set(key.asString(), eval(*node.args[i + 1], scope));
        }
        return Value::object(std::move(object));
    }
    default:
        fail("internal: a statement where an expression belongs");
    }
}

Value Interpreter::evalBinary(const Node &node, const std::shared_ptr<Scope> &scope)
{
    const std::string &op = node.name;
    const Value left = eval(*node.a, scope);
    if (op == "and")
        return left.truthy() ? eval(*node.b, scope) : left;
    if (op == "or")
        return left.truthy() ? left : eval(*node.b, scope);
    const Value right = eval(*node.b, scope);
    m_line = node.line;
    if (op == "==")
        return Value(valuesEqual(left, right));
    if (op == "!=")
        return Value(!valuesEqual(left, right));

    auto unsupported = [&]() -> Value {
        fail("cannot apply '" + op + "' to " + left.typeName() + " and " + right.typeName());
    };

    if (left.isNumber() && right.isNumber() && op != "~" && op != "**") {
        const bool isFloat = left.kind() == VK::Float || right.kind() == VK::Float;
        const double a = left.asNumber(), b = right.asNumber();
        if (op == "+" || op == "-" || op == "*") {
            if (!isFloat) {
                const int64_t x = left.asInt(), y = right.asInt();
                return Value(op == "+" ? x + y : op == "-" ? x - y : x * y);
            }
            return Value(op == "+" ? a + b : op == "-" ? a - b : a * b);
        }
        if (op == "/") {
            if (b == 0)
                fail("division by zero");
            return Value(a / b);
        }
        if (op == "//" || op == "%") {
            if (b == 0)
                fail(op == "//" ? "division by zero" : "modulo by zero");
            if (!isFloat) {
                const int64_t x = left.asInt(), y = right.asInt();
                int64_t q = x / y, r = x % y;
                if (r != 0 && ((r < 0) != (y < 0))) { // Python floors
                    --q;
                    r += y;
                }
                return Value(op == "//" ? q : r);
            }
            const double q = std::floor(a / b);
            return Value(op == "//" ? q : a - q * b);
        }
        if (op == "<")
            return Value(a < b);
        if (op == ">")
            return Value(a > b);
        if (op == "<=")
            return Value(a <= b);
        if (op == ">=")
            return Value(a >= b);
        return unsupported();
    }
    if (op == "in" || op == "not in") {
        bool member;
        if (right.isUndefined() || right.isNone())
            member = false;
        else if (right.isArray())
            member = std::any_of(right.items().begin(), right.items().end(),
                                 [&](const Value &x) { return strictlyEqual(x, left); });
        else if (right.isString() && left.isString())
            member = right.asString().find(left.asString()) != std::string::npos;
        else if (right.isMapping() && left.isString())
            member = right.entries().find(left.asString()) != nullptr;
        else
            return unsupported();
        return Value(op == "in" ? member : !member);
    }
    if (op == "~") {
        if (left.isNone() || right.isNone())
            return unsupported();
        return Value(left.toString() + right.toString());
    }
    if (left.isUndefined() || right.isUndefined() || left.isNone() || right.isNone())
        return unsupported();
    if (op == "**") {
        auto num = [](const Value &v) { return v.kind() == VK::Bool ? (v.asBool() ? 1.0 : 0.0) : v.asNumber(); };
        const bool numeric = (left.isNumber() || left.kind() == VK::Bool) && (right.isNumber() || right.kind() == VK::Bool);
        if (!numeric)
            return unsupported();
        const double r = std::pow(num(left), num(right));
        if (!std::isfinite(r))
            fail("'**' gives no finite real number");
        if (left.kind() == VK::Float || right.kind() == VK::Float || num(right) < 0)
            return Value(r);
        return Value(int64_t(r));
    }
    if (op == "+" && left.isArray() && right.isArray()) {
        std::vector<Value> items = left.items();
        items.insert(items.end(), right.items().begin(), right.items().end());
        return Value::array(std::move(items));
    }
    if (op == "+" && (left.isString() || right.isString()))
        return Value(left.toString() + right.toString());
    if (op == "*" && ((left.isString() && right.kind() == VK::Int) || (left.kind() == VK::Int && right.isString()))) {
        const std::string &s = left.isString() ? left.asString() : right.asString();
        const int64_t times = left.isString() ? right.asInt() : left.asInt();
        if (times > 0 && s.size() * uint64_t(times) > (uint64_t(64) << 20))
            fail("'*' would make a string of more than 64 MiB");
        std::string out;
        for (int64_t i = 0; i < times; ++i)
            out += s;
        return Value(out);
    }
    if (left.isString() && right.isString() && (op == "<" || op == ">" || op == "<=" || op == ">=")) {
        const int c = left.asString().compare(right.asString());
        return Value(op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0);
    }
    return unsupported();
}

} // namespace tb::jinja
