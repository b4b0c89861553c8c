#include "jinja_builtins.h"

#include "jinja_text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>

namespace tb::jinja::builtins {

namespace {

using K = Value::Kind;

// Limits that keep a hostile template (a model file is downloaded) from exhausting memory.
constexpr int64_t kMaxRange = 1000000;

[[noreturn]] void fail(const std::string &why)
{
    throw std::runtime_error(why);
}

Value argOr(const CallArgs &args, size_t index, const char *name, const Value &fallback)
{
    const Value *v = args.get(index, name);
    return v && !v->isUndefined() ? *v : fallback;
}

bool boolArg(const CallArgs &args, size_t index, const char *name, bool fallback)
{
    const Value *v = args.get(index, name);
    if (!v || v->isUndefined() || v->isNone())
        return fallback;
    if (v->kind() != K::Bool)
        fail(std::string("argument '") + name + "' must be a boolean, got " + v->typeName());
    return v->asBool();
}

const std::string &stringArg(const Value &v, const char *what)
{
    if (!v.isString())
        fail(std::string(what) + " must be a string, got " + v.typeName());
    return v.asString();
}

int64_t intArg(const Value &v, const char *what)
{
    if (v.kind() != K::Int)
        fail(std::string(what) + " must be an integer, got " + v.typeName());
    return v.asInt();
}

Value stringList(const std::vector<std::string> &parts)
{
    std::vector<Value> items;
    for (const auto &p : parts)
        items.emplace_back(p);
    return Value::array(std::move(items));
}

// Characters of a string as a list of one-character strings.
std::vector<Value> characters(const std::string &s)
{
    std::vector<Value> out;
    for (char32_t cp : text::decode(s)) {
        std::string one;
        text::append(one, cp);
        out.emplace_back(std::move(one));
    }
    return out;
}

// The elements a filter walks: a list's items, a string's characters, a mapping's keys.
std::vector<Value> elements(const Value &v, const char *filter)
{
    switch (v.kind()) {
    case K::Array:
        return v.items();
    case K::String:
        return characters(v.asString());
    case K::Object: {
        std::vector<Value> keys;
        for (const auto &e : v.entries().entries)
            keys.emplace_back(e.first);
        return keys;
    }
    default:
        fail(std::string("filter '") + filter + "' needs a list, got " + v.typeName());
    }
}

// Ordering for sort and dictsort: numbers with numbers, strings with strings.
int compareValues(const Value &a, const Value &b, bool caseSensitive)
{
    const bool aNum = a.isNumber() || a.kind() == K::Bool;
    const bool bNum = b.isNumber() || b.kind() == K::Bool;
    if (aNum && bNum) {
        auto num = [](const Value &v) { return v.kind() == K::Bool ? (v.asBool() ? 1.0 : 0.0) : v.asNumber(); };
        return num(a) < num(b) ? -1 : num(a) > num(b) ? 1 : 0;
    }
    if (a.isString() && b.isString()) {
        const std::string x = caseSensitive ? a.asString() : text::toLower(a.asString());
        const std::string y = caseSensitive ? b.asString() : text::toLower(b.asString());
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if ((a.isNone() && b.isNone()) || (a.isUndefined() && b.isUndefined()))
        return 0;
    fail("cannot compare " + a.typeName() + " with " + b.typeName());
}

// "a.b.0": attribute paths of sort, map and selectattr.
Value attributePath(const Value &item, const std::string &path)
{
    Value v = item;
    size_t start = 0;
    for (;;) {
        const size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (v.isMapping()) {
            const Value *found = v.entries().find(part);
            v = found ? *found : Value();
        } else if (v.isArray() && !part.empty() && part.find_first_not_of("0123456789") == std::string::npos) {
            const size_t i = size_t(std::stoul(part));
            v = i < v.items().size() ? v.items()[i] : Value();
        } else {
            return Value();
        }
        if (dot == std::string::npos)
            return v;
        start = dot + 1;
    }
}

Value toInt(const Value &v, const Value &fallback)
{
    switch (v.kind()) {
    case K::Int:
        return v;
    case K::Float:
        return Value(int64_t(std::trunc(v.asNumber())));
    case K::Bool:
        return Value(int64_t(v.asBool() ? 1 : 0));
    case K::String: {
        const std::string s = text::strip(v.asString(), nullptr, true, true);
        char *end = nullptr;
        const long long n = std::strtoll(s.c_str(), &end, 10);
        return end == s.c_str() ? fallback : Value(int64_t(n));
    }
    default:
        fail("filter 'int' cannot convert " + v.typeName());
    }
}

Value toFloat(const Value &v, const Value &fallback)
{
    switch (v.kind()) {
    case K::Int:
    case K::Float:
        return Value(v.asNumber());
    case K::Bool:
        return Value(v.asBool() ? 1.0 : 0.0);
    case K::String: {
        const std::string s = text::strip(v.asString(), nullptr, true, true);
        char *end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        return end == s.c_str() ? fallback : Value(d);
    }
    default:
        fail("filter 'float' cannot convert " + v.typeName());
    }
}

Value filterToJson(const Value &v, const CallArgs &args)
{
    JsonStyle style;
    const Value &indent = argOr(args, 0, "indent", Value::none());
    if (!indent.isNone())
        style.indent = int(intArg(indent, "tojson's indent"));
    style.ensureAscii = boolArg(args, 99, "ensure_ascii", false);
    style.sortKeys = boolArg(args, 99, "sort_keys", false);
    const Value &separators = argOr(args, 99, "separators", Value::none());
    if (!separators.isNone()) {
        if (!separators.isArray() || separators.items().size() != 2)
            fail("tojson's separators must be a pair of strings");
        style.itemSeparator = stringArg(separators.items()[0], "a separator");
        style.keySeparator = stringArg(separators.items()[1], "a separator");
    }
    return Value(toJson(v, style));
}

Value filterJoin(const Value &v, const CallArgs &args)
{
    const std::string sep = stringArg(argOr(args, 0, "d", argOr(args, 99, "separator", Value(""))), "join's separator");
    const Value &attr = argOr(args, 1, "attribute", Value::none());
    std::string out;
    bool first = true;
    for (const Value &item : elements(v, "join")) {
        if (!first)
            out += sep;
        first = false;
        const Value shown = attr.isNone() ? item : attributePath(item, attr.toString());
        if (!shown.isNone() && !shown.isUndefined())
            out += shown.toString();
    }
    return Value(out);
}

Value filterSort(const Value &v, const CallArgs &args)
{
    const bool reverse = boolArg(args, 0, "reverse", false);
    const bool caseSensitive = boolArg(args, 1, "case_sensitive", false);
    const Value &attr = argOr(args, 2, "attribute", Value::none());
    std::vector<Value> items = elements(v, "sort");
    auto key = [&](const Value &item) { return attr.isNone() ? item : attributePath(item, attr.toString()); };
    std::stable_sort(items.begin(), items.end(), [&](const Value &a, const Value &b) {
        const int c = compareValues(key(a), key(b), caseSensitive);
        return reverse ? c > 0 : c < 0;
    });
    return Value::array(std::move(items));
}

Value itemsOf(const Value &v)
{
    if (!v.isMapping())
        fail("items() needs a mapping, got " + v.typeName());
    std::vector<Value> pairs;
    for (const auto &e : v.entries().entries)
        pairs.push_back(Value::array({Value(e.first), e.second}));
    return Value::array(std::move(pairs));
}

Value filterDictsort(const Value &v, const CallArgs &args)
{
    const bool caseSensitive = boolArg(args, 0, "case_sensitive", false);
    const std::string by = stringArg(argOr(args, 1, "by", Value("key")), "dictsort's by");
    const bool reverse = boolArg(args, 2, "reverse", false);
    if (by != "key" && by != "value")
        fail("dictsort's by must be 'key' or 'value'");
    std::vector<Value> pairs = itemsOf(v).items();
    const size_t index = by == "key" ? 0 : 1;
    std::stable_sort(pairs.begin(), pairs.end(), [&](const Value &a, const Value &b) {
        const int c = compareValues(a.items()[index], b.items()[index], caseSensitive);
        return reverse ? c > 0 : c < 0;
    });
    return Value::array(std::move(pairs));
}

// select / reject (a test on each item) and selectattr / rejectattr (on an attribute).
Value filterSelect(const Value &v, const CallArgs &args, bool keep, bool onAttribute)
{
    const char *name = onAttribute ? (keep ? "selectattr" : "rejectattr") : (keep ? "select" : "reject");
    size_t next = 0;
    std::string attr;
    if (onAttribute) {
        if (args.positional.empty())
            fail(std::string(name) + " needs an attribute name");
        attr = stringArg(args.positional[0], "the attribute name");
        next = 1;
    }
    std::string test;
    CallArgs testArgs;
    if (args.positional.size() > next) {
        test = stringArg(args.positional[next], "the test name");
        testArgs.positional.assign(args.positional.begin() + long(next) + 1, args.positional.end());
        if (!hasTest(test))
            fail("unknown test '" + test + "'");
    }
    std::vector<Value> out;
    for (const Value &item : elements(v, name)) {
        bool pass;
        if (onAttribute) {
            if (!item.isMapping())
                fail(std::string(name) + " needs a list of mappings, got a " + item.typeName() + " in it");
            const Value *found = item.entries().find(attr);
            if (!found)
                pass = false; // a missing attribute fails every test, as in the reference
            else
                pass = test.empty() ? found->truthy() : applyTest(test, *found, testArgs);
        } else {
            pass = test.empty() ? item.truthy() : applyTest(test, item, testArgs);
        }
        if (pass == keep)
            out.push_back(item);
    }
    return Value::array(std::move(out));
}

Value filterMap(const Value &v, const CallArgs &args)
{
    std::vector<Value> out;
    if (const Value *attr = args.keyword("attribute")) {
        const Value *fallback = args.keyword("default");
        for (const Value &item : elements(v, "map")) {
            Value got = attributePath(item, attr->toString());
            out.push_back(got.isUndefined() && fallback ? *fallback : got);
        }
        return Value::array(std::move(out));
    }
    if (args.positional.empty())
        fail("map needs a filter name or attribute=");
    const std::string filter = stringArg(args.positional[0], "map's filter name");
    CallArgs rest;
    rest.positional.assign(args.positional.begin() + 1, args.positional.end());
    rest.keywords = args.keywords;
    for (const Value &item : elements(v, "map"))
        out.push_back(applyFilter(filter, item, rest));
    return Value::array(std::move(out));
}

Value filterIndent(const Value &v, const CallArgs &args)
{
    const Value &width = argOr(args, 0, "width", Value(int64_t(4)));
    const bool first = boolArg(args, 1, "first", false);
    const bool blank = boolArg(args, 2, "blank", false);
    const std::string pad = width.isString() ? width.asString() : std::string(size_t(std::max<int64_t>(0, intArg(width, "indent's width"))), ' ');
    const std::string newline = "\n";
    const std::vector<std::string> lines = text::split(v.toString(), &newline, -1);
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (i > 0)
            out += '\n';
        if ((i == 0 && !first) || (lines[i].empty() && !blank))
            out += lines[i];
        else
            out += pad + lines[i];
    }
    return Value(out);
}

Value stringReplace(const std::string &s, const CallArgs &args)
{
    if (args.positional.size() < 2)
        fail("replace needs the old and the new text");
    const Value &count = argOr(args, 2, "count", Value::none());
    return Value(text::replace(s, stringArg(args.positional[0], "replace's old text"),
                               stringArg(args.positional[1], "replace's new text"),
                               count.isNone() ? -1 : intArg(count, "replace's count")));
}

Value reversed(const Value &v)
{
    if (v.isString()) {
        std::vector<char32_t> cps = text::decode(v.asString());
        std::reverse(cps.begin(), cps.end());
        return Value(text::encode(cps));
    }
    std::vector<Value> items = elements(v, "reverse");
    std::reverse(items.begin(), items.end());
    return Value::array(std::move(items));
}

int64_t lengthOf(const Value &v)
{
    switch (v.kind()) {
    case K::String:
        return int64_t(text::decode(v.asString()).size());
    case K::Array:
        return int64_t(v.items().size());
    case K::Object:
    case K::Namespace:
        return int64_t(v.entries().entries.size());
    case K::Undefined:
        return 0;
    default:
        fail("length of a " + v.typeName() + " is not defined");
    }
}

using FilterFn = std::function<Value(const Value &, const CallArgs &)>;

const std::map<std::string, FilterFn> &filters()
{
    static const std::map<std::string, FilterFn> table = [] {
        std::map<std::string, FilterFn> t;
        auto needString = [](const char *name, std::function<Value(const std::string &, const CallArgs &)> fn) {
            return [name, fn](const Value &v, const CallArgs &args) {
                if (!v.isString())
                    fail(std::string("filter '") + name + "' needs a string, got " + v.typeName());
                return fn(v.asString(), args);
            };
        };
        t["safe"] = [](const Value &v, const CallArgs &) { return v; };
        t["tojson"] = filterToJson;
        t["list"] = [](const Value &v, const CallArgs &) { return Value::array(elements(v, "list")); };
        t["first"] = [](const Value &v, const CallArgs &) {
            std::vector<Value> items = elements(v, "first");
            return items.empty() ? Value() : items.front();
        };
        t["last"] = [](const Value &v, const CallArgs &) {
            std::vector<Value> items = elements(v, "last");
            return items.empty() ? Value() : items.back();
        };
        t["length"] = [](const Value &v, const CallArgs &) { return Value(lengthOf(v)); };
        t["count"] = t["length"];
        t["reverse"] = [](const Value &v, const CallArgs &) { return reversed(v); };
        t["sort"] = filterSort;
        t["join"] = filterJoin;
        t["string"] = [](const Value &v, const CallArgs &) { return Value(v.toString()); };
        t["unique"] = [](const Value &v, const CallArgs &) {
            std::vector<Value> out;
            for (const Value &item : elements(v, "unique"))
                if (std::none_of(out.begin(), out.end(), [&](const Value &o) { return valuesEqual(o, item); }))
                    out.push_back(item);
            return Value::array(std::move(out));
        };
        t["trim"] = needString("trim", [](const std::string &s, const CallArgs &args) {
            const Value &chars = argOr(args, 0, "chars", Value::none());
            return Value(text::strip(s, chars.isNone() ? nullptr : &stringArg(chars, "trim's chars"), true, true));
        });
        t["upper"] = needString("upper", [](const std::string &s, const CallArgs &) { return Value(text::toUpper(s)); });
        t["lower"] = needString("lower", [](const std::string &s, const CallArgs &) { return Value(text::toLower(s)); });
        t["title"] = needString("title", [](const std::string &s, const CallArgs &) { return Value(text::title(s)); });
        t["capitalize"] = needString("capitalize", [](const std::string &s, const CallArgs &) {
            // The first character upper-cased, the rest as it is (the reference's capitalize).
            size_t first = 1;
            while (first < s.size() && (static_cast<unsigned char>(s[first]) & 0xC0) == 0x80)
                ++first;
            return Value(s.empty() ? s : text::toUpper(s.substr(0, first)) + s.substr(first));
        });
        t["indent"] = filterIndent;
        t["replace"] = needString("replace", stringReplace);
        t["int"] = [](const Value &v, const CallArgs &args) { return toInt(v, argOr(args, 0, "default", Value(int64_t(0)))); };
        t["float"] = [](const Value &v, const CallArgs &args) { return toFloat(v, argOr(args, 0, "default", Value(0.0))); };
        t["bool"] = [](const Value &v, const CallArgs &) { return Value(v.truthy()); };
        t["abs"] = [](const Value &v, const CallArgs &) {
            if (v.kind() == K::Int)
                return Value(int64_t(std::llabs(v.asInt())));
            if (v.kind() == K::Float)
                return Value(std::fabs(v.asNumber()));
            fail("filter 'abs' needs a number, got " + v.typeName());
        };
        t["default"] = [](const Value &v, const CallArgs &args) {
            const Value &fallback = argOr(args, 0, "default_value", Value(""));
            const bool boolean = boolArg(args, 1, "boolean", false);
            return v.isUndefined() || (boolean && !v.truthy()) ? fallback : v;
        };
        t["d"] = t["default"];
        t["items"] = [](const Value &v, const CallArgs &) { return itemsOf(v); };
        t["dictsort"] = filterDictsort;
        t["select"] = [](const Value &v, const CallArgs &a) { return filterSelect(v, a, true, false); };
        t["reject"] = [](const Value &v, const CallArgs &a) { return filterSelect(v, a, false, false); };
        t["selectattr"] = [](const Value &v, const CallArgs &a) { return filterSelect(v, a, true, true); };
        t["rejectattr"] = [](const Value &v, const CallArgs &a) { return filterSelect(v, a, false, true); };
        t["map"] = filterMap;
        return t;
    }();
    return table;
}

bool isLowerString(const Value &v)
{
    return v.isString() && v.asString() == text::toLower(v.asString());
}

using TestFn = std::function<bool(const Value &, const CallArgs &)>;

const std::map<std::string, TestFn> &tests()
{
    static const std::map<std::string, TestFn> table = [] {
        std::map<std::string, TestFn> t;
        auto integerTest = [](const char *name, bool wantOdd) {
            return [name, wantOdd](const Value &v, const CallArgs &) {
                if (v.kind() != K::Int)
                    fail(std::string("test '") + name + "' needs an integer, got " + v.typeName());
                return (v.asInt() % 2 != 0) == wantOdd;
            };
        };
        t["defined"] = [](const Value &v, const CallArgs &) { return !v.isUndefined(); };
        t["undefined"] = [](const Value &v, const CallArgs &) { return v.isUndefined(); };
        t["none"] = [](const Value &v, const CallArgs &) { return v.isNone(); };
        t["boolean"] = [](const Value &v, const CallArgs &) { return v.kind() == K::Bool; };
        t["true"] = [](const Value &v, const CallArgs &) { return v.kind() == K::Bool && v.asBool(); };
        t["false"] = [](const Value &v, const CallArgs &) { return v.kind() == K::Bool && !v.asBool(); };
        t["string"] = [](const Value &v, const CallArgs &) { return v.isString(); };
        t["number"] = [](const Value &v, const CallArgs &) { return v.isNumber(); };
        t["integer"] = [](const Value &v, const CallArgs &) { return v.kind() == K::Int; };
        t["float"] = [](const Value &v, const CallArgs &) { return v.kind() == K::Float; };
        t["mapping"] = [](const Value &v, const CallArgs &) { return v.kind() == K::Object; };
        t["iterable"] = [](const Value &v, const CallArgs &) { return v.isArray() || v.isString(); };
        t["sequence"] = [](const Value &v, const CallArgs &) {
            return v.isArray() || v.isString() || v.kind() == K::Object;
        };
        t["callable"] = [](const Value &v, const CallArgs &) { return v.kind() == K::Function; };
        t["odd"] = integerTest("odd", true);
        t["even"] = integerTest("even", false);
        t["lower"] = [](const Value &v, const CallArgs &) { return isLowerString(v); };
        t["upper"] = [](const Value &v, const CallArgs &) {
            return v.isString() && v.asString() == text::toUpper(v.asString());
        };
        t["equalto"] = [](const Value &v, const CallArgs &args) {
            return args.positional.size() == 1 && valuesEqual(v, args.positional[0]);
        };
        t["eq"] = t["equalto"];
        t["sameas"] = t["equalto"];
        t["ne"] = [](const Value &v, const CallArgs &args) {
            return !(args.positional.size() == 1 && valuesEqual(v, args.positional[0]));
        };
        t["divisibleby"] = [](const Value &v, const CallArgs &args) {
            if (args.positional.size() != 1)
                fail("test 'divisibleby' needs one number");
            const int64_t d = intArg(args.positional[0], "divisibleby's divisor");
            return d != 0 && intArg(v, "divisibleby's value") % d == 0;
        };
        t["in"] = [](const Value &v, const CallArgs &args) {
            if (args.positional.size() != 1)
                fail("test 'in' needs one container");
            const Value &c = args.positional[0];
            if (c.isString() && v.isString())
                return c.asString().find(v.asString()) != std::string::npos;
            if (c.isArray())
                return std::any_of(c.items().begin(), c.items().end(),
                                   [&](const Value &x) { return valuesEqual(x, v); });
            if (c.isMapping() && v.isString())
                return c.entries().find(v.asString()) != nullptr;
            return false;
        };
        return t;
    }();
    return table;
}

Value method(std::function<Value(const CallArgs &)> fn)
{
    return Value::function(std::move(fn));
}

// Python's str methods that chat templates call.
Value stringMethod(const std::string &s, const std::string &name)
{
    auto stripper = [s](bool left, bool right) {
        return method([s, left, right](const CallArgs &args) {
            const Value &chars = argOr(args, 0, "chars", Value::none());
            return Value(text::strip(s, chars.isNone() ? nullptr : &stringArg(chars, "strip's chars"), left, right));
        });
    };
    auto affix = [s](bool prefix) {
        return method([s, prefix](const CallArgs &args) {
            if (args.positional.empty())
                fail(std::string(prefix ? "startswith" : "endswith") + " needs an argument");
            auto matches = [&](const Value &v) {
                const std::string &a = stringArg(v, "startswith/endswith's argument");
                return a.size() <= s.size() && (prefix ? s.compare(0, a.size(), a) == 0
                                                       : s.compare(s.size() - a.size(), a.size(), a) == 0);
            };
            const Value &arg = args.positional[0];
            if (arg.isArray())
                return Value(std::any_of(arg.items().begin(), arg.items().end(), matches));
            return Value(matches(arg));
        });
    };
    if (name == "strip")
        return stripper(true, true);
    if (name == "lstrip")
        return stripper(true, false);
    if (name == "rstrip")
        return stripper(false, true);
    if (name == "startswith")
        return affix(true);
    if (name == "endswith")
        return affix(false);
    if (name == "upper" || name == "lower" || name == "title" || name == "capitalize")
        return method([s, name](const CallArgs &) { return applyFilter(name, Value(s), CallArgs{}); });
    if (name == "split")
        return method([s](const CallArgs &args) {
            const Value &sep = argOr(args, 0, "sep", Value::none());
            const Value &maxSplit = argOr(args, 1, "maxsplit", Value(int64_t(-1)));
            if (sep.isString() && sep.asString().empty())
                fail("split: empty separator");
            return stringList(text::split(s, sep.isNone() ? nullptr : &stringArg(sep, "split's separator"),
                                          intArg(maxSplit, "split's maxsplit")));
        });
    if (name == "replace")
        return method([s](const CallArgs &args) { return stringReplace(s, args); });
    if (name == "find")
        return method([s](const CallArgs &args) {
            if (args.positional.empty())
                fail("find needs an argument");
            const size_t at = s.find(stringArg(args.positional[0], "find's argument"));
            if (at == std::string::npos)
                return Value(int64_t(-1));
            return Value(int64_t(text::decode(s.substr(0, at)).size()));
        });
    if (name == "join")
        return method([s](const CallArgs &args) {
            if (args.positional.empty())
                fail("join needs a list");
            CallArgs sep;
            sep.positional.push_back(Value(s));
            return filterJoin(args.positional[0], sep);
        });
    if (name == "length")
        return Value(lengthOf(Value(s)));
    return Value();
}

Value mappingMethod(const Value &m, const std::string &name)
{
    if (name == "get")
        return method([m](const CallArgs &args) {
            if (args.positional.empty())
                fail("get needs a key");
            const Value *found = m.entries().find(stringArg(args.positional[0], "a mapping key"));
            return found ? *found : argOr(args, 1, "default", Value::none());
        });
    if (name == "items")
        return method([m](const CallArgs &) { return itemsOf(m); });
    if (name == "keys")
        return method([m](const CallArgs &) { return Value::array(elements(m, "keys")); });
    if (name == "values")
        return method([m](const CallArgs &) {
            std::vector<Value> values;
            for (const auto &e : m.entries().entries)
                values.push_back(e.second);
            return Value::array(std::move(values));
        });
    return Value();
}

int64_t normaliseIndex(int64_t i, int64_t size)
{
    return i < 0 ? i + size : i;
}

} // namespace

bool hasFilter(const std::string &name)
{
    return filters().count(name) > 0;
}

Value applyFilter(const std::string &name, const Value &value, const CallArgs &args)
{
    const auto it = filters().find(name);
    if (it == filters().end())
        fail("unknown filter '" + name + "'");
    return it->second(value, args);
}

bool hasTest(const std::string &name)
{
    return tests().count(name) > 0;
}

bool applyTest(const std::string &name, const Value &value, const CallArgs &args)
{
    const auto it = tests().find(name);
    if (it == tests().end())
        fail("unknown test '" + name + "'");
    return it->second(value, args);
}

Value attribute(const Value &value, const std::string &name)
{
    if (value.isMapping()) {
        if (const Value *found = value.entries().find(name))
            return *found;
        return value.kind() == K::Object ? mappingMethod(value, name) : Value();
    }
    if (value.isString())
        return stringMethod(value.asString(), name);
    if (value.isArray() && name == "length")
        return Value(int64_t(value.items().size()));
    return Value();
}

Value subscript(const Value &value, const Value &index)
{
    if (value.isMapping()) {
        if (!index.isString())
            return Value();
        return attribute(value, index.asString());
    }
    if (index.isString())
        return attribute(value, index.asString());
    if (index.kind() != K::Int)
        fail("an index must be an integer, got " + index.typeName());
    if (value.isArray()) {
        const int64_t i = normaliseIndex(index.asInt(), int64_t(value.items().size()));
        return i >= 0 && i < int64_t(value.items().size()) ? value.items()[size_t(i)] : Value();
    }
    if (value.isString()) {
        const std::vector<Value> chars = characters(value.asString());
        const int64_t i = normaliseIndex(index.asInt(), int64_t(chars.size()));
        return i >= 0 && i < int64_t(chars.size()) ? chars[size_t(i)] : Value();
    }
    return Value();
}

Value slice(const Value &value, const Value &startV, const Value &stopV, const Value &stepV)
{
    if (!value.isArray() && !value.isString())
        fail("only lists and strings can be sliced, got " + value.typeName());
    std::vector<Value> items = value.isArray() ? value.items() : characters(value.asString());
    auto optInt = [](const Value &v, const char *what) -> std::optional<int64_t> {
        if (v.isUndefined() || v.isNone())
            return std::nullopt;
        return intArg(v, what);
    };
    const int64_t step = optInt(stepV, "a slice step").value_or(1);
    if (step == 0)
        fail("slice step cannot be zero");
    const int64_t n = int64_t(items.size());
    auto clampIndex = [&](std::optional<int64_t> v, int64_t dflt, int64_t lo, int64_t hi) {
        if (!v)
            return dflt;
        int64_t i = *v < 0 ? *v + n : *v;
        return std::clamp(i, lo, hi);
    };
    int64_t start, stop;
    if (step > 0) {
        start = clampIndex(optInt(startV, "a slice start"), 0, 0, n);
        stop = clampIndex(optInt(stopV, "a slice stop"), n, 0, n);
    } else {
        start = clampIndex(optInt(startV, "a slice start"), n - 1, -1, n - 1);
        stop = clampIndex(optInt(stopV, "a slice stop"), -1, -1, n - 1);
    }
    std::vector<Value> out;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
        out.push_back(items[size_t(i)]);
    if (value.isArray())
        return Value::array(std::move(out));
    std::string s;
    for (const Value &c : out)
        s += c.asString();
    return Value(s);
}

std::string strftime(const std::tm &t, const std::string &format)
{
    static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};
    static const char *const days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
    auto pad = [](int v, int width, char fill = '0') {
        std::string s = std::to_string(v);
        while (int(s.size()) < width)
            s.insert(s.begin(), fill);
        return s;
    };
    std::string out;
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 == format.size()) {
            out += format[i];
            continue;
        }
        const char d = format[++i];
        switch (d) {
        case 'Y': out += std::to_string(t.tm_year + 1900); break;
        case 'y': out += pad((t.tm_year + 1900) % 100, 2); break;
        case 'm': out += pad(t.tm_mon + 1, 2); break;
        case 'd': out += pad(t.tm_mday, 2); break;
        case 'e': out += pad(t.tm_mday, 2, ' '); break;
        case 'j': out += pad(t.tm_yday + 1, 3); break;
        case 'B': out += months[t.tm_mon % 12]; break;
        case 'b': out += std::string(months[t.tm_mon % 12]).substr(0, 3); break;
        case 'A': out += days[t.tm_wday % 7]; break;
        case 'a': out += std::string(days[t.tm_wday % 7]).substr(0, 3); break;
        case 'H': out += pad(t.tm_hour, 2); break;
        case 'I': out += pad(t.tm_hour % 12 == 0 ? 12 : t.tm_hour % 12, 2); break;
        case 'p': out += t.tm_hour < 12 ? "AM" : "PM"; break;
        case 'M': out += pad(t.tm_min, 2); break;
        case 'S': out += pad(t.tm_sec, 2); break;
        case '%': out += '%'; break;
        default:
            out += '%';
            out += d;
        }
    }
    return out;
}

Object globals(const std::tm &now)
{
    Object g;
    g.set("namespace", Value::function([](const CallArgs &args) {
              Object entries;
              if (!args.positional.empty()) {
                  const Value &init = args.positional[0];
                  if (!init.isMapping())
                      fail("namespace() takes a mapping or keyword arguments, got " + init.typeName());
                  entries = init.entries();
              }
              for (const auto &kw : args.keywords)
                  entries.set(kw.first, kw.second);
              return Value::namespaceOf(std::move(entries));
          }));
    g.set("dict", Value::function([](const CallArgs &args) {
              Object entries;
              if (!args.positional.empty() && args.positional[0].isMapping())
                  entries = args.positional[0].entries();
              for (const auto &kw : args.keywords)
                  entries.set(kw.first, kw.second);
              return Value::object(std::move(entries));
          }));
    g.set("range", Value::function([](const CallArgs &args) {
              if (args.positional.empty() || args.positional.size() > 3)
                  fail("range() takes one to three integers");
              int64_t start = 0, stop, step = 1;
              if (args.positional.size() == 1) {
                  stop = intArg(args.positional[0], "range's stop");
              } else {
                  start = intArg(args.positional[0], "range's start");
                  stop = intArg(args.positional[1], "range's stop");
                  if (args.positional.size() == 3)
                      step = intArg(args.positional[2], "range's step");
              }
              if (step == 0)
                  fail("range() step must not be zero");
              const int64_t count = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step;
              if (count > kMaxRange)
                  fail("range() of " + std::to_string(count) + " numbers is more than a template needs");
              std::vector<Value> out;
              for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step)
                  out.emplace_back(i);
              return Value::array(std::move(out));
          }));
    g.set("raise_exception", Value::function([](const CallArgs &args) -> Value {
              fail(args.positional.empty() ? std::string("raise_exception()") : args.positional[0].toString());
          }));
    g.set("strftime_now", Value::function([now](const CallArgs &args) {
              if (args.positional.empty())
                  fail("strftime_now needs a format");
              return Value(strftime(now, stringArg(args.positional[0], "strftime_now's format")));
          }));
    return g;
}

} // namespace tb::jinja::builtins
