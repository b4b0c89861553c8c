#pragma once

#include <QJsonArray>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tbtest {

// Registers a Qt Test class under the stem of its file (tst_<stem>.cpp), so each file is
// its own CTest test and no central list needs editing.
using Factory = std::function<std::unique_ptr<QObject>()>;
bool registerTest(const char *stem, Factory factory);

// ../shared, or the folder TUNEBENCH_SHARED names.
QString sharedDir();
// The path of a file under the shared folder, or an empty string after QSKIP/QFAIL has been
// decided by requireShared(): outside CI a missing file skips, with CI=true it fails.
QString sharedFile(const QString &relative);
bool inCi();

// A fresh temporary directory that lives as long as the test process.
QString tempDir();

// The build and source trees (for running tunebench-cli and reading test data).
QString buildDir();
QString sourceDir();

// The first `bytes` characters of ../shared/data/tinyshakespeare.txt as a file in the test's
// temporary directory (written once per size); empty when the shared file is missing.
QString shakespeareSample(int bytes);

// Installs the translator for the language in TB_LANG (e.g. zh_CN), if set, so a test can
// run (and screenshot) a page in that language. False when the translation is missing.
bool installTranslatorFromEnvironment(QObject *owner);

// A small labelled intent set (text,label CSV): three intents with distinct wording from
// templates. `offset` picks other fillers, so rows for validation are not training copies.
QByteArray intentsCsv(int perIntent, int offset);

// Writes (replaces) a file with exactly `content`; a failure fails the calling test.
void writeFile(const QString &path, const QByteArray &content);

// Token ids as the CLI's --ids / --prompt-ids take them: "1,15043,3186".
QString joinIds(const QJsonArray &ids);

// Runs `work` on a separate thread and waits for it, rethrowing what it throws. UI tests
// prepare fixtures (training runs, models) this way, because the engine refuses the GUI
// thread (engine/thread_guard.h).
void onWorkerThread(const std::function<void()> &work);

} // namespace tbtest

#define TB_REGISTER_TEST(Class, stem)                                                              \
    static const bool tb_registered_##Class =                                                      \
        tbtest::registerTest(stem, [] { return std::unique_ptr<QObject>(new Class); })

// Resolves a file under ../shared; a missing file fails under CI=true and skips elsewhere.
#define TB_REQUIRE_SHARED(var, relative)                                                           \
    const QString var = tbtest::sharedFile(relative);                                              \
    do {                                                                                           \
        if (var.isEmpty()) {                                                                       \
            if (tbtest::inCi())                                                                    \
                QFAIL(qPrintable(QStringLiteral("missing shared file (CI=true): ") + relative));  \
            QSKIP(qPrintable(QStringLiteral("missing shared file: ") + relative                    \
                             + QStringLiteral(" (set TUNEBENCH_SHARED)")));                        \
        }                                                                                          \
    } while (false)
