// How the programs find the bundled sample: next to the executable first (the .deb, the
// portable .tar.gz, the Windows and macOS layouts), an explicit TUNEBENCH_SAMPLE_DIR before
// that, and the source tree last (running from a build directory).
#include "install_paths.h"
#include "test_support.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QtTest/QtTest>

class TestInstallPaths : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void executablePathIsThisProgram()
    {
        QCOMPARE(QFileInfo(QString::fromStdString(tb::executablePath())).canonicalFilePath(),
                 QFileInfo(QCoreApplication::applicationFilePath()).canonicalFilePath());
    }

    void candidatesFollowTheExecutable()
    {
        qunsetenv("TUNEBENCH_SAMPLE_DIR");
        const QDir exeDir = QFileInfo(QString::fromStdString(tb::executablePath())).dir();
        QStringList candidates;
        for (const std::string &c : tb::sampleDirectoryCandidates())
            candidates << QString::fromStdString(c);
        QCOMPARE(candidates.value(0), QDir::cleanPath(exeDir.filePath("../share/tunebench/sample")));
        QCOMPARE(candidates.value(1), QDir::cleanPath(exeDir.filePath("../Resources/sample")));
        // From the build tree only the source tree's sample exists.
        QCOMPARE(QDir(QString::fromStdString(tb::sampleDirectory())).canonicalPath(),
                 QDir(QStringLiteral(TB_SOURCE_DIR "/resources/sample")).canonicalPath());
    }

    void environmentOverrideWinsOnlyWhenItHoldsTheSample()
    {
        const QString dir = tbtest::tempDir() + "/my-sample";
        QVERIFY(QDir().mkpath(dir));
        qputenv("TUNEBENCH_SAMPLE_DIR", dir.toUtf8());
        // An empty folder is not a sample: the search goes on.
        QVERIFY(QString::fromStdString(tb::sampleDirectory()) != dir);
        for (const char *name : {"chat.toml", "intents.toml"}) {
            QFile f(dir + "/" + name);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("# test\n");
        }
        QCOMPARE(QString::fromStdString(tb::sampleDirectory()), dir);
        qunsetenv("TUNEBENCH_SAMPLE_DIR");
    }
};

TB_REGISTER_TEST(TestInstallPaths, "install_paths");
#include "tst_install_paths.moc"
