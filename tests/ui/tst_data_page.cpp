// The Data page reads a real dataset on its worker thread: the detected format, the
// preview rows, every problem leading to its row, the length histogram and the loss-mask
// view with trained and special tokens marked; a file dropped on the window opens there;
// 100k rows stay a model/view.
#include "data_page.h"
#include "main_window.h"
#include "test_support.h"
#include "train_page.h"

#include <QListWidget>
#include <QMimeData>
#include <QSignalSpy>
#include <QtTest/QtTest>

namespace {

QString dataFile(const char *name)
{
    return QDir(tbtest::sourceDir()).absoluteFilePath(QStringLiteral("tests/data/datasets/") + name);
}

} // namespace

class TestDataPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tbtest::installTranslatorFromEnvironment(this));
    }

    void reportProblemsAndLossMask()
    {
        TB_REQUIRE_SHARED(tokenizer, "models/llama2-tokenizer.model");
        DataPage page;
        page.resize(1300, 800);
        page.show();
        QSignalSpy shown(&page, &DataPage::reportShown);
        page.setTokenizer(tokenizer);
        page.openFile(dataFile("chat_errors.jsonl"));
        QVERIFY(shown.wait(60000));
        QCOMPARE(page.detectedFormat(), QString("chat"));
        QFile f(dataFile("chat_errors.jsonl"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(page.previewRows(), int(f.readAll().count('\n')));
        // The file's problems: bad JSON on line 2, a missing field, empty content, an
        // unknown role, a conversation not ending with the assistant, ...
        QVERIFY2(page.problemCount() >= 5, qPrintable(QString::number(page.problemCount())));
        auto *problems = page.findChild<QListWidget *>();
        QCOMPARE(problems->item(0)->data(Qt::UserRole).toInt(), 2); // bad JSON on line 2
        // Clicking a problem selects its row in the preview.
        page.showProblem(0);
        QCOMPARE(page.selectedPreviewRow(), 1);
        QVERIFY(page.histogramBins() > 0);
        // The first training example: the assistant's reply trained (green), BOS as a special badge.
        QTRY_VERIFY_WITH_TIMEOUT(page.exampleHtml().contains("#bfe8bf"), 10000);
        const QString html = page.exampleHtml();
        QVERIFY2(html.contains("background-color:#bfe8bf") && html.contains("&lt;s&gt;"), qPrintable(html.left(2000)));

        const QString shots = qEnvironmentVariable("TB_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            QTest::qWait(300);
            QVERIFY(page.grab().save(shots + "/data_page" + (qEnvironmentVariableIsSet("TB_LANG") ? "_" + qEnvironmentVariable("TB_LANG") : QString()) + ".png"));
        }
    }

    void hundredThousandRowsStayAModelView()
    {
        const QString path = tbtest::tempDir() + "/big.jsonl";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray row = R"({"messages": [{"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "Please send the order number."}]})"
                               "\n";
        for (int i = 0; i < 100000; ++i)
            f.write(row);
        f.close();
        DataPage page;
        page.show();
        QSignalSpy shown(&page, &DataPage::reportShown);
        page.openFile(path);
        QVERIFY(shown.wait(60000));
        QCOMPARE(page.previewRows(), 100000);
        QCOMPARE(page.detectedFormat(), QString("chat")); // without a tokenizer: the format only
    }

    // A file dropped on the window opens on the Data page and becomes the Train page's data.
    void droppedFileOpensAndFeedsTheTrainPage()
    {
        // The keys the window writes for the Data page's choice are options (setOption warns otherwise).
        QTest::failOnWarning(QRegularExpression("TrainPage::"));
        MainWindow window;
        window.show();
        QSignalSpy shown(window.dataPage(), &DataPage::reportShown);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dataFile("classify.csv"))});
        QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        // Straight to the window's event handler: QApplication only routes drops during a
        // real drag, which a test cannot start.
        static_cast<QObject &>(window).event(&drop);
        QCOMPARE(window.dataPage()->path(), dataFile("classify.csv"));
        QVERIFY(shown.count() > 0 || shown.wait(30000));
        QCOMPARE(window.dataPage()->path(), dataFile("classify.csv"));
        QCOMPARE(window.dataPage()->detectedFormat(), QString("classification"));
        QCOMPARE(window.trainPage()->option("data"), dataFile("classify.csv"));
    }
};

TB_REGISTER_TEST(TestDataPage, "data_page");
#include "tst_data_page.moc"
