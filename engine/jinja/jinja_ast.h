#pragma once

#include "jinja_value.h"

#include <memory>
#include <string>
#include <vector>

namespace tb::jinja {

struct Node;
using NodePtr = std::unique_ptr<Node>;
using NodeList = std::vector<NodePtr>;

// One node type for statements and expressions; `kind` says which fields mean what.
struct Node {
    enum class Kind {
        // statements
        Text,       // name: the text
        Output,     // a: expression
        If,         // a: test, body, orelse
        For,        // a: target (Name or Tuple), b: iterable, c: condition (may be null), body, orelse
        Set,        // a: target, b: value (null: block set, body)
        Macro,      // name, params (Name or Keyword with a default), body
        CallBlock,  // a: call expression, params: caller's parameters, body
        FilterBlock, // a: Filter node whose operand is null, body
        Break,
        Continue,
        // expressions
        Literal,  // value
        Name,     // name
        Unary,    // name: "not" "-" "+", a
        Binary,   // name: operator, a, b
        Ternary,  // a: value if true, b: condition, c: value if false (null: undefined)
        Attribute, // a: object, name
        Index,    // a: object, b: index
        Slice,    // a: object, b: start, c: stop, d: step (each may be null)
        Call,     // a: callee, args
        Filter,   // a: operand, name, args, hasArgs
        Test,     // a: operand, name, args, negate (flag)
        List,     // args: items
        Tuple,    // args: items
        Dict,     // args: key, value, key, value...
        Keyword,  // name, a: value (only inside args/params)
    };

    Kind kind;
    int line = 0;
    std::string name;
    Value value;
    NodePtr a, b, c, d;
    NodeList args;   // call arguments, list items, macro parameters
    NodeList params; // caller parameters of a call block, macro parameters
    NodeList body;
    NodeList orelse;
    bool flag = false; // Test: negated; Filter: written with parentheses

    Node(Kind k, int l) : kind(k), line(l) {}
};

// Parses tokens from tokenize(); throws TemplateFailure naming the line.
NodeList parseTemplate(const std::string &source);

} // namespace tb::jinja
