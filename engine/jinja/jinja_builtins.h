#pragma once

#include "jinja_value.h"

#include <ctime>
#include <string>

// The library of the interpreter: filters, tests, methods of strings and mappings, globals.
// Each throws std::runtime_error with a one-line reason; the interpreter adds the line.
namespace tb::jinja::builtins {

// `value | name(args)`. Throws for an unknown filter or one that does not apply to the value.
Value applyFilter(const std::string &name, const Value &value, const CallArgs &args);
bool hasFilter(const std::string &name);

// `value is name(args)`. Throws for an unknown test.
bool applyTest(const std::string &name, const Value &value, const CallArgs &args);
bool hasTest(const std::string &name);

// `value.name`: a key of a mapping, a method of a string, list or mapping, or undefined.
Value attribute(const Value &value, const std::string &name);
// `value[index]`: negative indices count from the end; out of range is undefined.
Value subscript(const Value &value, const Value &index);
// `value[start:stop:step]` of a list or string, Python's rules.
Value slice(const Value &value, const Value &start, const Value &stop, const Value &step);

// The names every template sees: namespace, range, dict, raise_exception, strftime_now.
// strftime_now formats `now` (the caller's clock, or a fixed date for reproducible renders).
Object globals(const std::tm &now);
// Python's strftime for the directives chat templates use (%Y %m %d %b %B %H %M %S %y %a %A %j %p %I %e %%).
std::string strftime(const std::tm &time, const std::string &format);

} // namespace tb::jinja::builtins
