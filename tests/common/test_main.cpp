// One main for every test executable: `exe STEM [qtest args]` runs the class registered
// as STEM; `exe` alone runs them all.
#include "test_support.h"
#include "thread_guard.h"

#ifdef TB_TEST_GUI
#include <QApplication>
#else
#include <QCoreApplication>
#endif
#include <QtTest/QtTest>

#include <cstdio>
#include <map>

namespace tbtest {

static std::map<std::string, Factory> &registry()
{
    static std::map<std::string, Factory> tests;
    return tests;
}

bool registerTest(const char *stem, Factory factory)
{
    registry()[stem] = std::move(factory);
    return true;
}

} // namespace tbtest

int main(int argc, char **argv)
{
#ifdef TB_TEST_GUI
    QApplication app(argc, argv); // widget tests need a GUI application
    // As in the application: engine entry points refuse the GUI thread, so a page that calls
    // the engine directly fails its test instead of freezing a real window.
    tb::markInteractiveThread();
#else
    QCoreApplication app(argc, argv);
#endif
    std::vector<std::string> stems;
    std::vector<char *> rest{argv[0]};
    for (int i = 1; i < argc; ++i) {
        if (i == 1 && argv[i][0] != '-')
            stems.push_back(argv[i]);
        else
            rest.push_back(argv[i]);
    }
    if (stems.empty())
        for (const auto &entry : tbtest::registry())
            stems.push_back(entry.first);
    int failures = 0;
    for (const std::string &stem : stems) {
        auto it = tbtest::registry().find(stem);
        if (it == tbtest::registry().end()) {
            std::fprintf(stderr, "no test registered as '%s'\n", stem.c_str());
            return 2;
        }
        std::unique_ptr<QObject> test = it->second();
        failures += QTest::qExec(test.get(), int(rest.size()), rest.data());
    }
    return failures == 0 ? 0 : 1;
}
