// The Classify page loads a trained intent classifier (a run directory), ranks the intents
// of one utterance, and shows the confusion matrix of a labelled file.
#include "classify_page.h"
#include "test_support.h"
#include "train_config.h"
#include "trainer.h"

#include <QProgressBar>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest/QtTest>

class TestClassifyPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tbtest::installTranslatorFromEnvironment(this));
    }

    void ranksIntentsAndShowsTheConfusionMatrix()
    {
        const QString dir = tbtest::tempDir();
        for (const auto &[name, rows, offset] : {std::tuple{"train.csv", 40, 0}, std::tuple{"val.csv", 8, 5}}) {
            QFile f(dir + "/" + name);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(tbtest::intentsCsv(rows, offset));
        }
        tb::TrainConfig c;
        c.data = (dir + "/train.csv").toStdString();
        c.validationData = (dir + "/val.csv").toStdString();
        c.tokenizerType = tb::TokenizerType::Char;
        c.vocabSize = 100;
        c.preset = tb::ModelPreset::Nano;
        c.contextLength = 64;
        c.batchSize = 12;
        c.maxSteps = 60;
        c.learningRate = 3e-3;
        c.warmupSteps = 5;
        c.evalEvery = 20;
        c.threads = 2;
        c.runDir = (dir + "/run").toStdString();
        std::string status;
        tbtest::onWorkerThread([&] { status = tb::runTraining(c, {}).status; });
        QCOMPARE(status, std::string("finished"));

        ClassifyPage page;
        page.resize(1200, 700);
        page.show();
        QSignalSpy loaded(&page, &ClassifyPage::classifierLoaded);
        QSignalSpy text(&page, &ClassifyPage::textDone);
        QSignalSpy file(&page, &ClassifyPage::fileDone);
        page.loadClassifier(dir + "/run");
        QVERIFY(loaded.wait(30000));
        page.classifyText("where is my order 4242");
        QVERIFY(text.wait(30000));
        QTableWidget *intents = page.intentTable();
        QCOMPARE(intents->rowCount(), 3);
        QCOMPARE(intents->item(0, 0)->text(), QString("order_status"));
        double sum = 0;
        for (int i = 0; i < 3; ++i)
            sum += qobject_cast<QProgressBar *>(intents->cellWidget(i, 1))->format().toDouble();
        QVERIFY(std::abs(sum - 1.0) < 0.01);

        page.classifyFile(dir + "/val.csv");
        QVERIFY(file.wait(30000));
        QTableWidget *confusion = page.confusionTable();
        QCOMPARE(confusion->rowCount(), 3);
        int total = 0, diagonal = 0;
        for (int t = 0; t < 3; ++t)
            for (int p = 0; p < 3; ++p) {
                total += confusion->item(t, p)->text().toInt();
                diagonal += t == p ? confusion->item(t, p)->text().toInt() : 0;
            }
        QCOMPARE(total, 24);
        QVERIFY(diagonal >= 22);

        const QString shots = qEnvironmentVariable("TB_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            QVERIFY(page.grab().save(shots + "/classify_page" + (qEnvironmentVariableIsSet("TB_LANG") ? "_" + qEnvironmentVariable("TB_LANG") : QString()) + ".png"));
    }
};

TB_REGISTER_TEST(TestClassifyPage, "classify_page");
#include "tst_classify_page.moc"
