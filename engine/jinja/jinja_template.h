#pragma once

#include "jinja_value.h"

#include <ctime>
#include <memory>
#include <string>

namespace tb::jinja {

struct Node;

// A parsed Jinja template, rendered the way transformers renders chat templates
// (trim_blocks, lstrip_blocks, one trailing newline dropped). @huggingface/jinja is the
// reference: tests/data/template_goldens holds its renderings of real models' templates.
//
// Every failure (syntax, raise_exception, an unknown filter or test, a wrong type) throws
// tb::Error with one line: "<source name>:<line>: <reason>".
class Template {
public:
    // `sourceName` names the template in errors (e.g. the tokenizer_config.json path).
    Template(const std::string &source, std::string sourceName);
    ~Template();
    Template(Template &&) noexcept;
    Template &operator=(Template &&) noexcept;

    // Renders with `variables` on top of the globals (namespace, range, dict, raise_exception,
    // strftime_now). `now` is the time strftime_now formats; nullptr: the local time.
    std::string render(const Object &variables, const std::tm *now = nullptr) const;

    const std::string &sourceName() const { return m_name; }
    const std::string &source() const { return m_source; }

private:
    std::string m_source;
    std::string m_name;
    std::unique_ptr<std::vector<std::unique_ptr<Node>>> m_nodes;
};

} // namespace tb::jinja
