// Help → About lists the version and the five licences; the Settings tab offers the devices
// this LibTorch build has, keeps every choice in QSettings across restarts of the page, and the
// thread count it saves is what the model worker computes with. Set TB_SCREENSHOT_DIR to also
// save both as PNG (TB_LANG=zh_CN for the Chinese UI).
#include "ui_test_util.h"
#include "about_dialog.h"
#include "app_settings.h"
#include "main_window.h"
#include "runtime.h"
#include "settings_page.h"
#include "test_support.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QtTest/QtTest>

namespace {

} // namespace

class TestAboutSettings : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Settings go to this test's own folder, never the user's.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, tbtest::tempDir() + "/settings");
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, tbtest::tempDir() + "/settings");
        QVERIFY(tbtest::installTranslatorFromEnvironment(this));
    }

    void aboutListsVersionAndLicences()
    {
        AboutDialog dialog;
        auto *title = dialog.findChild<QLabel *>(QStringLiteral("aboutTitle"));
        QVERIFY(title);
        QVERIFY2(title->text().contains(QStringLiteral(TUNEBENCH_VERSION)), qPrintable(title->text()));
        auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("licences"));
        QVERIFY(table);
        QMap<QString, QPair<QString, QString>> rows; // name -> (version, licence)
        for (int i = 0; i < table->rowCount(); ++i)
            rows[table->item(i, 0)->text()] = {table->item(i, 1)->text(), table->item(i, 2)->text()};
        QCOMPARE(rows.size(), 5);
        QCOMPARE(rows.value("Tunebench"), qMakePair(QStringLiteral(TUNEBENCH_VERSION), QStringLiteral("GPL-3.0-only")));
        QCOMPARE(rows.value("Qt"), qMakePair(QString::fromLatin1(qVersion()), QStringLiteral("LGPL-3.0-only")));
        QCOMPARE(rows.value("LibTorch").second, QStringLiteral("BSD-3-Clause"));
        QVERIFY2(rows.value("LibTorch").first.contains(QRegularExpression("^\\d+\\.\\d+")), qPrintable(rows.value("LibTorch").first));
        QCOMPARE(rows.value("SentencePiece").second, QStringLiteral("Apache-2.0"));
        QVERIFY2(rows.value("SentencePiece").first.contains(QRegularExpression("^\\d+\\.\\d+")),
                 qPrintable(rows.value("SentencePiece").first));
        QCOMPARE(rows.value("QCustomPlot").second, QStringLiteral("GPL-3.0-only"));
        QVERIFY(rows.value("QCustomPlot").first.startsWith("2."));
        tbtest::screenshot(dialog, QStringLiteral("about_dialog"));
    }

    // Help → About in the main window's menu bar opens the dialog (modal; closed here).
    void helpMenuOpensAbout()
    {
        MainWindow window;
        window.show();
        QAction *about = window.findChild<QAction *>(QStringLiteral("actionAbout"));
        QVERIFY(about);
        bool sawDialog = false;
        QTimer::singleShot(200, &window, [&sawDialog] {
            auto *dialog = qobject_cast<AboutDialog *>(QApplication::activeModalWidget());
            sawDialog = dialog != nullptr;
            if (dialog)
                dialog->reject();
        });
        about->trigger();
        QVERIFY(sawDialog);
        bool inMenuBar = false;
        for (QAction *menu : window.menuBar()->actions())
            if (menu->menu() && menu->menu()->actions().contains(about))
                inMenuBar = true;
        QVERIFY(inMenuBar);
    }

    void settingsPersist()
    {
        QString cpuText;
        {
            SettingsPage page;
            auto *device = page.findChild<QComboBox *>(QStringLiteral("device"));
            auto *threads = page.findChild<QSpinBox *>(QStringLiteral("threads"));
            auto *language = page.findChild<QComboBox *>(QStringLiteral("language"));
            QVERIFY(device && threads && language);
            QCOMPARE(device->currentData().toString(), QStringLiteral("auto")); // the default
            const int cpu = device->findData(QStringLiteral("cpu"));
            QVERIFY(cpu > 0);
            QSignalSpy changed(&page, &SettingsPage::settingsChanged);
            device->setCurrentIndex(cpu);
            threads->setValue(3);
            language->setCurrentIndex(language->findData(QStringLiteral("zh_CN")));
            QCOMPARE(changed.count(), 3);
            tbtest::screenshot(page, QStringLiteral("settings_page"));
        }
        // Saved at once, under the keys the programs read.
        QSettings raw(QStringLiteral("Tunebench"), QStringLiteral("Tunebench"));
        QCOMPARE(raw.value("compute/device").toString(), QStringLiteral("cpu"));
        QCOMPARE(raw.value("compute/threads").toInt(), 3);
        QCOMPARE(raw.value("ui/language").toString(), QStringLiteral("zh_CN"));
        // A new page (the next start) shows them again.
        SettingsPage again;
        QCOMPARE(again.findChild<QComboBox *>(QStringLiteral("device"))->currentData().toString(), QStringLiteral("cpu"));
        QCOMPARE(again.findChild<QSpinBox *>(QStringLiteral("threads"))->value(), 3);
        QCOMPARE(again.findChild<QComboBox *>(QStringLiteral("language"))->currentData().toString(), QStringLiteral("zh_CN"));
        AppSettings::setLanguage(QString());
    }

    // The thread count saved on the Settings page is what the worker thread loads a model with.
    void workerUsesTheSavedThreads()
    {
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        const int wanted = tb::defaultThreadCount() == 1 ? 2 : 1;
        MainWindow window;
        QVERIFY(window.findChild<SettingsPage *>(QStringLiteral("settingsPage")));
        auto *tabs = window.findChild<QTabWidget *>();
        QVERIFY(tabs);
        QCOMPARE(tabs->tabText(tabs->indexOf(window.findChild<SettingsPage *>())), MainWindow::tr("Settings"));
        window.findChild<SettingsPage *>()->findChild<QSpinBox *>(QStringLiteral("threads"))->setValue(wanted);
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        window.openModel(model);
        QVERIFY(loaded.wait(30000));
        auto *card = window.findChild<QLabel *>(QStringLiteral("modelCard"));
        QVERIFY(card);
        QVERIFY2(card->text().contains(QStringLiteral("<td id='threads'>%1</td>").arg(wanted)), qPrintable(card->text()));
        AppSettings::setThreads(0);
    }
};

TB_REGISTER_TEST(TestAboutSettings, "about_settings");
#include "tst_about_settings.moc"
