#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tb::jinja {

class Value;

// Keyword arguments keep their order, like Python's **kwargs.
struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> keywords;

    // The argument at `index`, else the keyword `name`, else nullptr.
    const Value *get(size_t index, const char *name) const;
    const Value *keyword(const char *name) const;
};

using Function = std::function<Value(const CallArgs &)>;

// A mapping that keeps insertion order: tojson must write keys in the order the JSON had them.
// Chat messages have a handful of keys, so a linear search is the fastest lookup.
struct Object {
    std::vector<std::pair<std::string, Value>> entries;

    const Value *find(const std::string &key) const;
    void set(const std::string &key, Value value);
};

// A Jinja runtime value. Lists, mappings and namespaces are shared by reference, as in Python:
// `{% set ns.x = 1 %}` changes the namespace every name for it sees.
class Value {
public:
    enum class Kind { Undefined, None, Bool, Int, Float, String, Array, Object, Namespace, Function };

    Value() = default; // undefined
    static Value none();
    Value(bool b);
    Value(int v) : Value(int64_t(v)) {}
    Value(int64_t v);
    Value(double v);
    Value(std::string s);
    Value(const char *s) : Value(std::string(s)) {}
    static Value array(std::vector<Value> items = {});
    static Value object(Object entries = {});
    static Value namespaceOf(Object entries);
    static Value function(Function fn);

    Kind kind() const { return m_kind; }
    bool isUndefined() const { return m_kind == Kind::Undefined; }
    bool isNone() const { return m_kind == Kind::None; }
    bool isString() const { return m_kind == Kind::String; }
    bool isNumber() const { return m_kind == Kind::Int || m_kind == Kind::Float; }
    bool isArray() const { return m_kind == Kind::Array; }
    // Object or Namespace: both hold attributes.
    bool isMapping() const { return m_kind == Kind::Object || m_kind == Kind::Namespace; }

    bool asBool() const { return m_bool; }
    int64_t asInt() const { return m_int; }
    double asNumber() const { return m_kind == Kind::Float ? m_float : double(m_int); }
    const std::string &asString() const { return m_string; }
    const std::vector<Value> &items() const { return *m_array; }
    std::vector<Value> &items() { return *m_array; }
    const Object &entries() const { return *m_object; }
    Object &entries() { return *m_object; }
    const Function &callable() const { return *m_function; }

    // Python truthiness: empty strings, lists and mappings, zero, none and undefined are false.
    bool truthy() const;
    // What {{ value }} prints (as @huggingface/jinja: true/false, lists and mappings as JSON).
    std::string toString() const;
    // The name of the kind in error messages: "string", "list", "mapping"...
    std::string typeName() const;

private:
    Kind m_kind = Kind::Undefined;
    bool m_bool = false;
    int64_t m_int = 0;
    double m_float = 0.0;
    std::string m_string;
    std::shared_ptr<std::vector<Value>> m_array;
    std::shared_ptr<Object> m_object;
    std::shared_ptr<Function> m_function;
};

// == as Jinja2 has it: numbers by value (true == 1), strings by text, lists and mappings
// element by element; none equals none only (not undefined, unlike @huggingface/jinja).
bool valuesEqual(const Value &a, const Value &b);

// Builds a value from JSON, keeping key order (chat messages, tools, extra variables).
Value fromJson(const nlohmann::ordered_json &json);

struct JsonStyle {
    int indent = -1;          // < 0: one line
    bool ensureAscii = false; // \uXXXX for non-ASCII
    bool sortKeys = false;
    std::string itemSeparator; // empty: ", " (or "," when indenting)
    std::string keySeparator;  // empty: ": "
};
// The tojson filter: JSON.stringify's numbers and escapes, Python's json.dumps separators.
// `undefinedAsNull` false writes "undefined" (how a list holding one prints).
std::string toJson(const Value &value, const JsonStyle &style = {}, bool undefinedAsNull = true);

// JavaScript's Number.prototype.toString: what the reference prints for a float.
std::string formatJsNumber(double value);

} // namespace tb::jinja
