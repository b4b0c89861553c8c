// tunebench: the desktop workbench.
#include "main_window.h"
#include "project.h"
#include "runtime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTimer>
#include <QTranslator>

#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv)
{
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
    tb::configureThreads(0);

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
    parser.addPositionalArgument(QStringLiteral("path"),
                                 QApplication::translate("main", "A project (folder or tunebench.json) or a model to open"));
    parser.process(app);

    const QLocale locale = parser.isSet(language) ? QLocale(parser.value(language)) : QLocale::system();
    QTranslator ours, qt;
    if (ours.load(locale, QStringLiteral("tunebench"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        app.installTranslator(&ours);
    if (qt.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        app.installTranslator(&qt);

    MainWindow window;
    window.show();
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
