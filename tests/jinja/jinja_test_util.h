#pragma once

#include "jinja_template.h"

#include <nlohmann/json.hpp>

#include <QString>

#include <ctime>
#include <string>

namespace jinjatest {

// The clock of the goldens: 2026-07-26 10:30:00 (a Sunday), as derive.mjs fixes it.
const std::tm &goldenNow();

// Variables from a JSON object, keys in order.
tb::jinja::Object variablesFromJson(const nlohmann::ordered_json &object);

// Renders `source` (named "test.jinja") with `variables` (a JSON object text) at goldenNow().
std::string renderJinjaText(const std::string &source, const std::string &variablesJson = "{}");

// The message of the tb::Error that rendering throws, or "" when it renders.
std::string jinjaErrorOf(const std::string &source, const std::string &variablesJson = "{}");

// Skips outside CI and fails with CI=true when node or tests/peer/node_modules is missing;
// returns whether the test may go on.
bool requirePeerModules(QString *why);

} // namespace jinjatest
