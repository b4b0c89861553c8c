#include "jinja_value.h"

#include "jinja_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace tb::jinja {

const Value *CallArgs::get(size_t index, const char *name) const
{
    if (index < positional.size())
        return &positional[index];
    return keyword(name);
}

const Value *CallArgs::keyword(const char *name) const
{
    for (const auto &kw : keywords)
        if (kw.first == name)
            return &kw.second;
    return nullptr;
}

const Value *Object::find(const std::string &key) const
{
    for (const auto &entry : entries)
        if (entry.first == key)
            return &entry.second;
    return nullptr;
}

void Object::set(const std::string &key, Value value)
{
    for (auto &entry : entries)
        if (entry.first == key) {
            entry.second = std::move(value);
            return;
        }
    entries.emplace_back(key, std::move(value));
}

Value Value::none()
{
    Value v;
    v.m_kind = Kind::None;
    return v;
}

Value::Value(bool b) : m_kind(Kind::Bool), m_bool(b) {}
Value::Value(int64_t v) : m_kind(Kind::Int), m_int(v) {}
Value::Value(double v) : m_kind(Kind::Float), m_float(v) {}
Value::Value(std::string s) : m_kind(Kind::String), m_string(std::move(s)) {}

Value Value::array(std::vector<Value> items)
{
    Value v;
    v.m_kind = Kind::Array;
    v.m_array = std::make_shared<std::vector<Value>>(std::move(items));
    return v;
}

Value Value::object(Object entries)
{
    Value v;
    v.m_kind = Kind::Object;
    v.m_object = std::make_shared<Object>(std::move(entries));
    return v;
}

Value Value::namespaceOf(Object entries)
{
    Value v = object(std::move(entries));
    v.m_kind = Kind::Namespace;
    return v;
}

Value Value::function(Function fn)
{
    Value v;
    v.m_kind = Kind::Function;
    v.m_function = std::make_shared<Function>(std::move(fn));
    return v;
}

bool Value::truthy() const
{
    switch (m_kind) {
    case Kind::Undefined:
    case Kind::None:
        return false;
    case Kind::Bool:
        return m_bool;
    case Kind::Int:
        return m_int != 0;
    case Kind::Float:
        return m_float != 0.0 && !std::isnan(m_float);
    case Kind::String:
        return !m_string.empty();
    case Kind::Array:
        return !m_array->empty();
    case Kind::Object:
        return !m_object->entries.empty();
    case Kind::Namespace:
    case Kind::Function:
        return true;
    }
    return false;
}

std::string formatJsNumber(double v)
{
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v < 0 ? "-Infinity" : "Infinity";
    if (v == 0)
        return "0";
    // Shortest round-trip digits and the decimal exponent, then ECMAScript's layout rules.
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(v), std::chars_format::scientific);
    const std::string sci(buf, res.ptr);
    const size_t e = sci.find('e');
    std::string digits = sci.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    const int exp = std::stoi(sci.substr(e + 1));
    const int k = int(digits.size());
    const int n = exp + 1; // the decimal point sits after n digits
    std::string out = v < 0 ? "-" : "";
    if (k <= n && n <= 21) {
        out += digits + std::string(size_t(n - k), '0');
    } else if (0 < n && n <= 21) {
        out += digits.substr(0, size_t(n)) + "." + digits.substr(size_t(n));
    } else if (-6 < n && n <= 0) {
        out += "0." + std::string(size_t(-n), '0') + digits;
    } else {
        out += digits.substr(0, 1);
        if (k > 1)
            out += "." + digits.substr(1);
        out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::abs(n - 1));
    }
    return out;
}

std::string Value::toString() const
{
    switch (m_kind) {
    case Kind::Undefined:
        return "";
    case Kind::None:
        return "None";
    case Kind::Bool:
        return m_bool ? "true" : "false";
    case Kind::Int:
        return std::to_string(m_int);
    case Kind::Float: {
        if (m_float == 0 && std::signbit(m_float))
            return "-0.0";
        if (std::isfinite(m_float) && m_float == std::floor(m_float) && std::fabs(m_float) < 1e21) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.1f", m_float);
            return buf;
        }
        return formatJsNumber(m_float);
    }
    case Kind::String:
        return m_string;
    case Kind::Array:
    case Kind::Object:
    case Kind::Namespace:
        return toJson(*this, {}, false);
    case Kind::Function:
        return "<function>";
    }
    return {};
}

std::string Value::typeName() const
{
    switch (m_kind) {
    case Kind::Undefined:
        return "undefined";
    case Kind::None:
        return "none";
    case Kind::Bool:
        return "boolean";
    case Kind::Int:
        return "integer";
    case Kind::Float:
        return "float";
    case Kind::String:
        return "string";
    case Kind::Array:
        return "list";
    case Kind::Object:
        return "mapping";
    case Kind::Namespace:
        return "namespace";
    case Kind::Function:
        return "function";
    }
    return "value";
}

bool valuesEqual(const Value &a, const Value &b)
{
    using K = Value::Kind;
    const bool aNum = a.isNumber() || a.kind() == K::Bool;
    const bool bNum = b.isNumber() || b.kind() == K::Bool;
    if (aNum && bNum) {
        auto num = [](const Value &v) { return v.kind() == K::Bool ? (v.asBool() ? 1.0 : 0.0) : v.asNumber(); };
        return num(a) == num(b);
    }
    if (a.kind() != b.kind())
        return false;
    switch (a.kind()) {
    case K::String:
        return a.asString() == b.asString();
    case K::Array:
        if (a.items().size() != b.items().size())
            return false;
        for (size_t i = 0; i < a.items().size(); ++i)
            if (!valuesEqual(a.items()[i], b.items()[i]))
                return false;
        return true;
    case K::Object:
    case K::Namespace: {
        const auto &ea = a.entries().entries;
        const auto &eb = b.entries().entries;
        if (ea.size() != eb.size())
            return false;
        for (const auto &entry : ea) {
            const Value *other = b.entries().find(entry.first);
            if (!other || !valuesEqual(entry.second, *other))
                return false;
        }
        return true;
    }
    case K::Function:
        return &a.callable() == &b.callable();
    case K::Undefined:
    case K::None:
        return true;
    default:
        return false;
    }
}

Value fromJson(const nlohmann::ordered_json &json)
{
    switch (json.type()) {
    case nlohmann::ordered_json::value_t::null:
        return Value::none();
    case nlohmann::ordered_json::value_t::boolean:
        return Value(json.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
        return Value(json.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
        return Value(int64_t(json.get<uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float:
        return Value(json.get<double>());
    case nlohmann::ordered_json::value_t::string:
        return Value(json.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
        std::vector<Value> items;
        items.reserve(json.size());
        for (const auto &item : json)
            items.push_back(fromJson(item));
        return Value::array(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
        Object object;
        for (auto it = json.begin(); it != json.end(); ++it)
            object.set(it.key(), fromJson(it.value()));
        return Value::object(std::move(object));
    }
    default:
        return Value();
    }
}

namespace {

void appendJsonString(std::string &out, const std::string &s, bool ensureAscii)
{
    out += '"';
    for (char32_t cp : text::decode(s)) {
        switch (cp) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            char buf[16];
            if (cp < 0x20) {
                std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(cp));
                out += buf;
            } else if (ensureAscii && cp >= 0x7F) {
                if (cp >= 0x10000) { // UTF-16 surrogates, as JavaScript strings hold them
                    const char32_t v = cp - 0x10000;
                    std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", unsigned(0xD800 + (v >> 10)),
                                  unsigned(0xDC00 + (v & 0x3FF)));
                } else {
                    std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(cp));
                }
                out += buf;
            } else {
                text::append(out, cp);
            }
        }
        }
    }
    out += '"';
}

void writeJson(std::string &out, const Value &v, const JsonStyle &style, int depth, bool undefinedAsNull)
{
    const bool indent = style.indent > 0;
    const std::string itemSep = !style.itemSeparator.empty() ? style.itemSeparator : indent ? "," : ", ";
    const std::string keySep = !style.keySeparator.empty() ? style.keySeparator : ": ";
    const std::string pad = indent ? std::string(size_t(style.indent), ' ') : "";
    auto newline = [&](int level) {
        out += '\n';
        for (int i = 0; i < level; ++i)
            out += pad;
    };
    switch (v.kind()) {
    case Value::Kind::Undefined:
        out += undefinedAsNull ? "null" : "undefined";
        return;
    case Value::Kind::None:
        out += "null";
        return;
    case Value::Kind::Bool:
        out += v.asBool() ? "true" : "false";
        return;
    case Value::Kind::Int:
        out += std::to_string(v.asInt());
        return;
    case Value::Kind::Float:
        out += std::isfinite(v.asNumber()) ? formatJsNumber(v.asNumber()) : "null";
        return;
    case Value::Kind::String:
        appendJsonString(out, v.asString(), style.ensureAscii);
        return;
    case Value::Kind::Array: {
        out += '[';
        const auto &items = v.items();
        for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0)
                out += itemSep;
            if (indent)
                newline(depth + 1);
            writeJson(out, items[i], style, depth + 1, undefinedAsNull);
        }
        if (indent && !items.empty())
            newline(depth);
        out += ']';
        return;
    }
    case Value::Kind::Object:
    case Value::Kind::Namespace: {
        out += '{';
        std::vector<const std::pair<std::string, Value> *> entries;
        for (const auto &entry : v.entries().entries)
            entries.push_back(&entry);
        if (style.sortKeys)
            std::stable_sort(entries.begin(), entries.end(),
                             [](const auto *a, const auto *b) { return a->first < b->first; });
        for (size_t i = 0; i < entries.size(); ++i) {
            if (i > 0)
                out += itemSep;
            if (indent)
                newline(depth + 1);
            appendJsonString(out, entries[i]->first, style.ensureAscii);
            out += keySep;
            writeJson(out, entries[i]->second, style, depth + 1, undefinedAsNull);
        }
        if (indent && !entries.empty())
            newline(depth);
        out += '}';
        return;
    }
    case Value::Kind::Function:
        throw std::invalid_argument("cannot convert a function to JSON");
    }
}

} // namespace

std::string toJson(const Value &value, const JsonStyle &style, bool undefinedAsNull)
{
    std::string out;
    writeJson(out, value, style, 0, undefinedAsNull);
    return out;
}

} // namespace tb::jinja
