// tunebench: the desktop workbench.
#include "app_settings.h"
#include "data_page.h"
#include "install_paths.h"
#include "main_window.h"
#include "project.h"
#include "runtime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>

#include <cstdio>
#include <cstdlib>
#include <cstring>

// --self-test: the installed program opens its window, finds the bundled sample next to itself
// and reads it on the Data page's worker, then exits 0; any failure prints one line and exits 1.
// The package test runs it from the installed .deb (tests/package/).
static int runSelfTest(MainWindow &window)
{
    auto fail = [](const QString &message) {
        std::fprintf(stderr, "tunebench --self-test: FAILED: %s\n", qPrintable(message));
        return 1;
    };
    const QString sample = QString::fromStdString(tb::sampleDirectory());
    if (sample.isEmpty()) {
        QStringList looked;
        for (const std::string &dir : tb::sampleDirectoryCandidates())
            looked << QString::fromStdString(dir);
        return fail(QStringLiteral("the sample project was not found; looked in: %1").arg(looked.join(QStringLiteral(", "))));
    }
    std::printf("sample: %s\n", qPrintable(QDir::cleanPath(sample)));
    auto *tabs = window.findChild<QTabWidget *>();
    QStringList tabNames;
    for (int i = 0; tabs && i < tabs->count(); ++i)
        tabNames << tabs->tabText(i);
    std::printf("tabs: %s\n", qPrintable(tabNames.join(QStringLiteral(", "))));
    if (!window.isVisible() || tabNames.size() < 2)
        return fail(QStringLiteral("the main window did not open with its pages"));

    // What a first launch does: copy the sample somewhere writable and open it as a project
    // (its first dataset loads on the Data page's worker).
    QTemporaryDir home;
    QString error;
    const QString project = installSampleProject(home.filePath(QStringLiteral("sample")), &error);
    if (project.isEmpty())
        return fail(QStringLiteral("the sample project could not be copied: %1").arg(error));
    DataPage *data = window.dataPage();
    bool shown = false;
    QObject::connect(data, &DataPage::reportShown, &window, [&shown] {
        shown = true;
        QApplication::exit(0);
    });
    QTimer::singleShot(60000, &window, [] { QApplication::exit(2); });
    if (!window.openProject(project) || window.project().configs.size() < 2)
        return fail(QStringLiteral("the sample project did not open with its two training configs"));
    QApplication::exec();
    if (!shown)
        return fail(QStringLiteral("the sample's dialogues.jsonl was not read within 60 s"));
    if (data->previewRows() <= 0 || data->detectedFormat().isEmpty())
        return fail(QStringLiteral("the sample's dialogues.jsonl loaded with no rows (format '%1')").arg(data->detectedFormat()));
    std::printf("data: %s, %d rows, format %s\nself-test passed (Tunebench %s, Qt %s)\n",
                qPrintable(data->path()), data->previewRows(), qPrintable(data->detectedFormat()), TUNEBENCH_VERSION,
                qVersion());
    return 0;
}

int main(int argc, char **argv)
{
    // --version needs no display (QCommandLineParser would only run after QApplication).
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            std::printf("tunebench %s\n", TUNEBENCH_VERSION);
            return 0;
        }
    const bool hasDisplay = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY") || std::getenv("QT_QPA_PLATFORM");
    if (!hasDisplay) {
        std::fprintf(stderr, "tunebench: no display (DISPLAY/WAYLAND_DISPLAY unset); use tunebench-cli for the "
                             "command-line tools.\n");
        return 1;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Tunebench"));
    QApplication::setApplicationVersion(QStringLiteral(TUNEBENCH_VERSION));
    QApplication::setOrganizationName(QStringLiteral("Tunebench"));
    tb::configureThreads(AppSettings::threads());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Fine-tune and chat with Llama-family models"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption language(QStringLiteral("lang"), QApplication::translate("main", "UI language (en, zh_CN)"),
                                QStringLiteral("code"));
    parser.addOption(language);
    QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                  QApplication::translate("main", "Save a PNG of the window once the model is open, then quit"),
                                  QStringLiteral("file"));
    parser.addOption(screenshot);
    QCommandLineOption selfTest(QStringLiteral("self-test"),
                                QApplication::translate("main", "Open the window, load the bundled sample project and exit (0 when all works)"));
    parser.addOption(selfTest);
    parser.addPositionalArgument(QStringLiteral("path"),
                                 QApplication::translate("main", "A project (folder or tunebench.json) or a model to open"));
    parser.process(app);

    // --lang, else the Settings page's choice (applied here, at start), else the system's.
    const QString chosen = parser.isSet(language) ? parser.value(language) : AppSettings::language();
    const QLocale locale = chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
    QTranslator ours, qt;
    if (ours.load(locale, QStringLiteral("tunebench"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        app.installTranslator(&ours);
    if (qt.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(&qt);

    MainWindow window;
    window.show();
    if (parser.isSet(selfTest))
        return runSelfTest(window);
    if (parser.isSet(screenshot)) {
        // For documentation and for looking at both languages under Xvfb: wait for the
        // model (if any) to finish loading, then grab the window.
        auto grab = [&window, path = parser.value(screenshot)] {
            QTimer::singleShot(300, &window, [&window, path] {
                const bool ok = window.grab().save(path);
                QApplication::exit(ok ? 0 : 1);
            });
        };
        QObject::connect(&window, &MainWindow::modelLoaded, &window, grab);
        QObject::connect(&window, &MainWindow::modelLoadFailed, &window, grab);
        if (parser.positionalArguments().isEmpty())
            grab();
    }
    // A project or model named on the command line; else the last project; on the very
    // first launch, the bundled sample project.
    const QStringList args = parser.positionalArguments();
    window.openAtStart(args.isEmpty() ? QString() : args.first(), defaultSampleTarget());
    return app.exec();
}
