// The window drives the engine from its worker thread: loading shows a model card, and
// the worker runs with the configured thread count (OpenMP keeps it per OS thread).
#include "main_window.h"
#include "runtime.h"
#include "test_support.h"

#include <QLabel>
#include <QSignalSpy>
#include <QtTest/QtTest>

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void loadsModelOffTheGuiThread()
    {
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        MainWindow window;
        window.show();
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        window.openModel(model);
        QVERIFY(window.isBusy());
        QVERIFY(loaded.wait(30000));
        QVERIFY(!window.isBusy());
        auto *card = window.findChild<QLabel *>(QStringLiteral("modelCard"));
        QVERIFY(card);
        QVERIFY2(card->text().contains(QLocale().toString(156480)), qPrintable(card->text()));
        // The worker thread computes with every core, not OpenMP's per-thread default of 1.
        const QString threads = QStringLiteral("<td id='threads'>%1</td>").arg(tb::defaultThreadCount());
        QVERIFY2(card->text().contains(threads), qPrintable(card->text()));
    }

    void badModelShowsTheError()
    {
        MainWindow window;
        QSignalSpy failed(&window, &MainWindow::modelLoadFailed);
        const QString path = tbtest::tempDir() + "/missing-model";
        window.openModel(path);
        QVERIFY(failed.wait(30000));
        QVERIFY(failed.first().first().toString().contains(path));
        QVERIFY(!window.isBusy());
    }
};

TB_REGISTER_TEST(TestMainWindow, "main_window");
#include "tst_main_window.moc"
