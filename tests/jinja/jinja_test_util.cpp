#include "jinja_test_util.h"

#include "error.h"
#include "test_support.h"

#include <QFileInfo>
#include <QStandardPaths>

namespace jinjatest {

const std::tm &goldenNow()
{
    static const std::tm now = [] {
        std::tm t{};
        t.tm_year = 2026 - 1900;
        t.tm_mon = 6;
        t.tm_mday = 26;
        t.tm_hour = 10;
        t.tm_min = 30;
        t.tm_wday = 0;
        t.tm_yday = 206;
        return t;
    }();
    return now;
}

tb::jinja::Object variablesFromJson(const nlohmann::ordered_json &object)
{
    tb::jinja::Object vars;
    for (auto it = object.begin(); it != object.end(); ++it)
        vars.set(it.key(), tb::jinja::fromJson(it.value()));
    return vars;
}

std::string renderJinjaText(const std::string &source, const std::string &variablesJson)
{
    const tb::jinja::Template t(source, "test.jinja");
    return t.render(variablesFromJson(nlohmann::ordered_json::parse(variablesJson)), &goldenNow());
}

std::string jinjaErrorOf(const std::string &source, const std::string &variablesJson)
{
    try {
        renderJinjaText(source, variablesJson);
    } catch (const tb::Error &e) {
        return e.what();
    }
    return {};
}

bool requirePeerModules(QString *why)
{
    const QString modules = tbtest::sourceDir() + "/tests/peer/node_modules/@huggingface/jinja/package.json";
    if (QFileInfo::exists(modules) && !QStandardPaths::findExecutable("node").isEmpty())
        return true;
    *why = "node or tests/peer/node_modules missing (run `npm ci` in tests/peer, as scripts/test.sh does)";
    return false;
}

} // namespace jinjatest
