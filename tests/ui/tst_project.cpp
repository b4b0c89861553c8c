// Projects: tunebench.json reads back what was saved and refuses bad files with their name
// and the reason; the first launch opens the bundled sample; the last project opens at the
// next start with its unsaved Train settings; the sample trains from the Project page and
// its chart fills while it runs.
#include "chat_page.h"
#include "chat_pane.h"
#include "main_window.h"
#include "metric_plot.h"
#include "project.h"
#include "project_page.h"
#include "test_support.h"
#include "train_page.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QtTest/QtTest>

namespace {
void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}
} // namespace

class TestProject : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        // Each case starts as a first launch; the test environment has its own settings.
        QSettings().remove(QStringLiteral("projects"));
        QSettings().remove(QStringLiteral("session"));
    }

    void savedProjectReadsBack()
    {
        Project p;
        p.dir = tbtest::tempDir() + "/roundtrip";
        p.name = QStringLiteral("客服 bot");
        p.datasets = {QStringLiteral("a.jsonl"), QStringLiteral("b.csv")};
        p.configs = {{QStringLiteral("chat.toml"), QStringLiteral("Chat")}};
        p.models = {QStringLiteral("/models/tiny")};
        p.runs = QStringLiteral("my-runs");
        QString error;
        QVERIFY2(saveProject(p, &error), qPrintable(error));
        Project back;
        QVERIFY2(loadProject(p.dir, &back, &error), qPrintable(error));
        QCOMPARE(back.name, p.name);
        QCOMPARE(back.datasets, p.datasets);
        QCOMPARE(back.configs.size(), 1);
        QCOMPARE(back.configs.first().file, QStringLiteral("chat.toml"));
        QCOMPARE(back.models, p.models);
        QCOMPARE(back.runsDir(), p.dir + "/my-runs");
        QCOMPARE(back.absolute(QStringLiteral("a.jsonl")), p.dir + "/a.jsonl");
    }

    void badProjectFilesAreRefusedWithTheirReason()
    {
        const QString dir = tbtest::tempDir() + "/bad";
        QDir().mkpath(dir);
        const QString file = dir + "/tunebench.json";
        Project kept;
        kept.name = QStringLiteral("kept");
        QString error;
        QVERIFY(!loadProject(dir + "/missing", &kept, &error));
        QVERIFY2(error.contains("missing"), qPrintable(error));
        const QList<QPair<QByteArray, QString>> cases = {
            {"{\"format\": \"tunebench-project\", ", "not valid JSON at byte"},
            {"[1, 2]", "expected a JSON object"},
            {"{\"format\": \"something\", \"version\": 1}", "not a Tunebench project"},
            {"{\"format\": \"tunebench-project\", \"version\": 2}", "version 2 is not supported"},
            {"{\"format\": \"tunebench-project\", \"version\": 1, \"configs\": [{\"title\": \"x\"}]}", "needs a \"file\""},
        };
        for (const auto &[bytes, expected] : cases) {
            writeFile(file, bytes);
            QVERIFY(!loadProject(file, &kept, &error));
            QVERIFY2(error.contains(expected) && error.contains(file), qPrintable(error));
            QCOMPARE(kept.name, QStringLiteral("kept")); // nothing half-read
        }
        // The window shows the reason and keeps what it had open.
        MainWindow window;
        QVERIFY(!window.openProject(file));
        QVERIFY(!window.project().isOpen());
    }

    void firstLaunchOpensTheSampleThenTheLastProject()
    {
        // A config file and a saved session fill the form with options it has (setOption warns otherwise).
        QTest::failOnWarning(QRegularExpression("TrainPage::"));
        QVERIFY(recentProjects().isEmpty());
        const QString target = tbtest::tempDir() + "/first-launch/sample";
        QString trainData;
        {
            MainWindow window;
            window.show();
            QSignalSpy opened(&window, &MainWindow::projectOpened);
            window.openAtStart(QString(), target);
            QCOMPARE(opened.size(), 1);
            QCOMPARE(window.project().dir, QDir(target).absolutePath());
            QVERIFY(QFile::exists(target + "/dialogues.jsonl"));
            QVERIFY(QFile::exists(target + "/checks.jsonl"));
            // One click away: a Train button for each of the sample's configs.
            QVERIFY(window.projectPage()->findChild<QPushButton *>("train:chat.toml"));
            QVERIFY(window.projectPage()->findChild<QPushButton *>("train:intents.toml"));
            // The Train page holds the first config, its paths inside the user's copy.
            trainData = window.trainPage()->option("data");
            QCOMPARE(trainData, QDir(target).absoluteFilePath("dialogues.jsonl"));
            QCOMPARE(window.trainPage()->option("preset"), QStringLiteral("micro"));
            QCOMPARE(window.trainPage()->option("chat_template"), QStringLiteral("chatml"));
            // Edits that were never saved anywhere.
            window.trainPage()->setOption("max_steps", "123");
            ChatSettings chat = window.chatPage()->settings();
            chat.temperature = 0.35;
            chat.systemPrompt = QStringLiteral("You are Maple & Moss's assistant.");
            window.chatPage()->setSettings(chat);
        }
        QCOMPARE(recentProjects(), QStringList{QDir(target).absolutePath()});
        // The next start opens the last project, with the edit, and copies nothing again.
        QFile::remove(target + "/intents_heldout.csv");
        MainWindow again;
        again.openAtStart(QString(), tbtest::tempDir() + "/elsewhere");
        QCOMPARE(again.project().dir, QDir(target).absolutePath());
        QCOMPARE(again.trainPage()->option("max_steps"), QStringLiteral("123"));
        QCOMPARE(again.chatPage()->settings().temperature, 0.35);
        QCOMPARE(again.chatPage()->settings().systemPrompt, QStringLiteral("You are Maple & Moss's assistant."));
        QVERIFY(!QFile::exists(target + "/intents_heldout.csv"));
        QVERIFY(!QDir(tbtest::tempDir() + "/elsewhere").exists());
    }

    void commandLinePathOpensThatProject()
    {
        Project p;
        p.dir = tbtest::tempDir() + "/cli-project";
        p.name = QStringLiteral("from the command line");
        QString error;
        QVERIFY(saveProject(p, &error));
        MainWindow window;
        window.openAtStart(p.dir + "/tunebench.json", tbtest::tempDir() + "/unused");
        QCOMPARE(window.project().name, p.name);
        QVERIFY(!QDir(tbtest::tempDir() + "/unused").exists());
    }

    // GUI test from the issue: open the sample, train 20 steps, see points on the chart, stop.
    void sampleTrainsFromTheProjectPageAndStops()
    {
        MainWindow window;
        window.show();
        window.openAtStart(QString(), tbtest::tempDir() + "/train-sample");
        auto *train = window.projectPage()->findChild<QPushButton *>("train:chat.toml");
        QVERIFY(train);
        QSignalSpy finished(window.trainPage(), &TrainPage::runFinished);
        QTest::mouseClick(train, Qt::LeftButton);
        QVERIFY(window.trainPage()->isRunning());
        QCOMPARE(window.findChild<QTabWidget *>()->currentWidget(), window.trainPage());
        MetricPlot *loss = window.trainPage()->lossPlot();
        QTRY_VERIFY_WITH_TIMEOUT(loss->pointCount(0) >= 20, 240000);
        window.trainPage()->stop();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toString(), QStringLiteral("stopped"));
        const QString runDir = finished.first().at(1).toString();
        QVERIFY2(runDir.startsWith(window.project().runsDir() + "/chat-"), qPrintable(runDir));
        // The chat's picker offers the project's run.
        auto *picker = window.chatPage()->pane(0)->findChild<QComboBox *>();
        QVERIFY(picker);
        QTRY_VERIFY_WITH_TIMEOUT(picker->findText(QFileInfo(runDir).fileName(), Qt::MatchContains) >= 0, 10000);
        // The loss went down over those steps (a real run, not a replay).
        QFile metrics(runDir + "/metrics.jsonl");
        QVERIFY(metrics.open(QIODevice::ReadOnly));
        QList<double> losses;
        for (const QByteArray &line : metrics.readAll().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.contains("loss"))
                losses << o.value("loss").toDouble();
        }
        QVERIFY(losses.size() >= 20);
        QVERIFY2(losses.last() < losses.first() - 0.5,
                 qPrintable(QStringLiteral("%1 -> %2").arg(losses.first()).arg(losses.last())));
    }
};

TB_REGISTER_TEST(TestProject, "project");
#include "tst_project.moc"
