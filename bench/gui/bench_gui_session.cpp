// The first launch, measured: a fresh user (empty settings, empty Documents) starts the
// workbench under a real X server (Xvfb), and the bench clicks what that user would click.
//   chat:    Project page "Train" (chat model from scratch) → "Chat with this run" → Send
//   intents: Project page "Train" (intent classifier) → Classify tab → Classify
// It prints the clicks, the times, the quality on held-out data (the sample's dialogue
// checks; macro-F1 on held-out utterances) and the GUI event loop's longest and p99 stall,
// recorded by a 5 ms timer probe for the whole session (training and streaming included).
// Run it through bench/gui/run.sh, which gives it a fresh HOME and an Xvfb display.
#include "classify_page.h"
#include "main_window.h"
#include "project.h"
#include "project_page.h"
#include "run_directory.h"
#include "train_page.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QTranslator>
#include <QtTest/QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

// Records how late a 5 ms timer fires: the event loop's stalls.
class StallProbe : public QObject {
public:
    StallProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_last > 0)
                m_stalls.push_back(double(now - m_last) / 1e6 - 5.0);
            m_last = now;
        });
        m_clock.start();
        m_timer.start();
    }
    double longest() const { return m_stalls.empty() ? 0 : *std::max_element(m_stalls.begin(), m_stalls.end()); }
    double percentile(double p) const
    {
        if (m_stalls.empty())
            return 0;
        std::vector<double> sorted = m_stalls;
        std::sort(sorted.begin(), sorted.end());
        return sorted[size_t(p * double(sorted.size() - 1))];
    }
    size_t samples() const { return m_stalls.size(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_stalls;
};

struct Clicks {
    int count = 0;
    void on(QWidget *w)
    {
        ++count;
        QTest::mouseClick(w, Qt::LeftButton);
    }
};

std::map<std::string, double> finalMetrics(const QString &runDir)
{
    const auto summary = tb::RunDirectory(runDir.toStdString()).readSummary();
    return summary ? summary->finalMetrics : std::map<std::string, double>();
}

bool waitFor(QSignalSpy &spy, int seconds)
{
    return !spy.isEmpty() || spy.wait(seconds * 1000);
}

int fail(const char *what)
{
    std::fprintf(stderr, "bench_gui_session: %s\n", what);
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Tunebench"));
    QApplication::setOrganizationName(QStringLiteral("Tunebench"));
    QTranslator translator;
    if (const QString language = qEnvironmentVariable("TB_LANG"); !language.isEmpty()) {
        if (!translator.load(QStringLiteral(":/i18n/tunebench_") + language))
            return fail("no translation for TB_LANG");
        QApplication::installTranslator(&translator);
    }
    const QString scenario = argc > 1 ? QString::fromUtf8(argv[1]) : QStringLiteral("chat");
    if (scenario != QLatin1String("chat") && scenario != QLatin1String("intents"))
        return fail("usage: bench_gui_session chat|intents");
    if (!recentProjects().isEmpty())
        return fail("not a first launch: the settings name recent projects (run through bench/gui/run.sh)");

    QElapsedTimer clock;
    clock.start();
    StallProbe probe;
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    window.openAtStart(QString(), defaultSampleTarget());
    if (!window.project().isOpen())
        return fail("the first launch did not open the sample project");
    const QString configFile = scenario == QLatin1String("chat") ? QStringLiteral("chat.toml") : QStringLiteral("intents.toml");
    auto *trainButton = window.projectPage()->findChild<QPushButton *>(QStringLiteral("train:") + configFile);
    if (!trainButton)
        return fail("no Train button for the sample config");
    QTest::qWait(500); // the window is on screen, as a user would see it

    Clicks clicks;
    QSignalSpy finished(window.trainPage(), &TrainPage::runFinished);
    const double startSeconds = double(clock.elapsed()) / 1000.0;
    clicks.on(trainButton); // 1
    if (!waitFor(finished, 600))
        return fail("the run did not finish within 10 minutes");
    const double trainedSeconds = double(clock.elapsed()) / 1000.0;
    const QString runDir = finished.first().at(1).toString();
    auto metrics = finalMetrics(runDir);
    QString quality;
    QString answer;
    if (scenario == QLatin1String("chat")) {
        quality = QStringLiteral("dialogue checks passed: %1").arg(metrics["check_pass_rate"], 0, 'f', 3);
        // 2: "Chat with this run" opens the run's weights in the chat.
        clicks.on(window.trainPage()->findChild<QPushButton *>(QStringLiteral("chatWithRun")));
        auto *send = window.findChild<QPushButton *>(QStringLiteral("sendButton"));
        QElapsedTimer loading;
        loading.start();
        while (!send->isEnabled() && loading.elapsed() < 120000)
            QTest::qWait(50);
        if (!send->isEnabled())
            return fail("the run's weights did not open in the chat");
        // A held-out customer question, typed; 3: Send.
        auto *input = window.findChild<QPlainTextEdit *>(QStringLiteral("chatInput"));
        if (!input)
            return fail("no chat input");
        QTest::keyClicks(input, QStringLiteral("Hi, my parcel still hasn't arrived. Where is my order?"));
        QSignalSpy replied(&window, &MainWindow::replyDone);
        clicks.on(send);
        if (!waitFor(replied, 120))
            return fail("no reply");
        answer = window.findChild<QTextBrowser *>(QStringLiteral("transcript"))->toPlainText().simplified();
    } else {
        quality = QStringLiteral("held-out macro-F1: %1").arg(metrics["macro_f1"], 0, 'f', 3);
        ClassifyPage *classify = window.classifyPage();
        QSignalSpy loaded(classify, &ClassifyPage::classifierLoaded);
        if (!waitFor(loaded, 60))
            return fail("the finished classifier was not loaded on the Classify page");
        // 2: the Classify tab, clicked where it is drawn.
        auto *tabs = window.findChild<QTabWidget *>();
        const int index = tabs->indexOf(classify);
        ++clicks.count;
        QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(index).center());
        if (tabs->currentWidget() != classify)
            return fail("clicking the Classify tab did not show the page");
        auto *input = classify->findChild<QLineEdit *>(QStringLiteral("utterance"));
        QTest::keyClicks(input, QStringLiteral("I was charged twice for my order, can I get the money back?"));
        QSignalSpy done(classify, &ClassifyPage::textDone);
        clicks.on(classify->findChild<QPushButton *>(QStringLiteral("classifyButton"))); // 3
        if (!waitFor(done, 60))
            return fail("classifying an utterance gave no answer");
        auto *table = classify->findChild<QTableWidget *>(QStringLiteral("intents"));
        auto *top = table->rowCount() > 0 ? qobject_cast<QProgressBar *>(table->cellWidget(0, 1)) : nullptr;
        answer = top ? table->item(0, 0)->text() + QStringLiteral(" ") + top->text() : QStringLiteral("(no intents)");
    }
    const double totalSeconds = double(clock.elapsed()) / 1000.0;
    // The stalls of the session itself; the screenshots below render whole windows.
    const double stallMax = probe.longest(), stallP99 = probe.percentile(0.99);
    const size_t samples = probe.samples();
    // For the README: every page as this session left it (TB_SCREENSHOT_DIR).
    if (const QString shots = qEnvironmentVariable("TB_SCREENSHOT_DIR"); !shots.isEmpty()) {
        QDir().mkpath(shots);
        auto *tabs = window.findChild<QTabWidget *>();
        const QString language = qEnvironmentVariable("TB_LANG", QStringLiteral("en"));
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            QTest::qWait(400);
            const QString name = QStringLiteral("%1/%2-%3-%4.png").arg(shots, scenario).arg(i).arg(language);
            window.grab().save(name);
        }
    }
    std::printf("| scenario | clicks | launch → trained (s) | launch → answer (s) | quality on held-out data | "
                "GUI stall max (ms) | p99 (ms) | probe samples |\n");
    std::printf("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    std::printf("| %s | %d | %.2f | %.2f | %s | %.1f | %.1f | %zu |\n", qPrintable(scenario), clicks.count,
                trainedSeconds, totalSeconds, qPrintable(quality), stallMax, stallP99, samples);
    std::printf("answer: %s\nrun: %s (training started %.1f s after launch)\n", qPrintable(answer), qPrintable(runDir),
                startSeconds);
    return 0;
}
