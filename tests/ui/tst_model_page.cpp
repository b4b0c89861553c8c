// The Model page: the size presets show the engine's own parameter count and estimates, and
// "Use for training" fills the Train page; importing fills the model card (special tokens,
// rendered template); Cancel in the middle of a load keeps the model loaded before; a
// tokenizer trained on the Data page's dataset loads in the engine with the requested size,
// and a bad request shows the engine's error. Set TB_SCREENSHOT_DIR to also save each tab
// as PNG (TB_LANG=zh_CN for the Chinese UI).
// ctest-timeout: 600
#include "ui_test_util.h"
#include "chat_template.h"
#include "llama_model.h"
#include "main_window.h"
#include "model_card.h"
#include "memory_estimate.h"
#include "model_page.h"
#include "chat_page.h"
#include "chat_pane.h"
#include "model_worker.h"
#include "step_time_estimate.h"
#include "test_support.h"
#include "tokenizer.h"
#include "train_page.h"

#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QtTest/QtTest>

#include <atomic>

namespace {

const QStringList kPresets = {"nano", "micro", "small", "base"};

void screenshotTab(QMainWindow *window, ModelPage *page, int tab, const QString &name)
{
    if (qEnvironmentVariable("TB_SCREENSHOT_DIR").isEmpty())
        return;
    if (auto *pages = qobject_cast<QTabWidget *>(window->centralWidget()))
        pages->setCurrentWidget(page);
    page->findChild<QTabWidget *>()->setCurrentIndex(tab);
    tbtest::screenshot(*window, name);
}

// The shared fixture with a tokenizer the engine trains (512 pieces, as the model's
// vocabulary) and a Zephyr chat template, written the way Hugging Face lays it out.
QString fixtureWithTokenizer(const QString &fixture)
{
    const QString dir = tbtest::tempDir() + "/tiny-llama-with-tokenizer";
    if (QFileInfo::exists(dir + "/tokenizer.model"))
        return dir;
    QDir().mkpath(dir);
    for (const char *f : {"config.json", "model.safetensors"})
        if (!QFile::copy(fixture + "/" + f, dir + "/" + QString::fromLatin1(f)))
            return {};
    const QString corpus = tbtest::shakespeareSample(200000);
    if (corpus.isEmpty())
        return {};
    tb::TokenizerTrainOptions t;
    t.corpusPath = corpus.toStdString();
    t.outputPrefix = (tbtest::tempDir() + "/fixture-tok").toStdString();
    t.vocabSize = 512;
    // The engine refuses the GUI thread, where the test runs.
    tbtest::onWorkerThread([&] {
        auto tok = tb::Tokenizer::train(t);
        tok->setChatTemplateSource(tb::chatTemplateJinja(tb::ChatTemplateKind::Zephyr));
        tok->writeHfFiles(dir.toStdString());
    });
    return dir;
}

QSpinBox *spinNamed(QWidget *page, const QString &name)
{
    for (auto *s : page->findChildren<QSpinBox *>())
        if (s->accessibleName() == name)
            return s;
    return nullptr;
}

int64_t numelOf(const tb::ModelConfig &config)
{
    tb::LlamaModel model(config);
    int64_t n = 0;
    for (const auto &p : model->parameters())
        n += p.numel();
    return n;
}

} // namespace

class TestModelPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tbtest::installTranslatorFromEnvironment(this));
    }

    void presetTableShowsTheEnginesCounts()
    {
        MainWindow window;
        ModelPage *page = window.modelPage();
        QSignalSpy measured(page, &ModelPage::throughputMeasured);
        window.resize(1150, 760);
        window.show();
        auto *table = page->findChild<QTableWidget *>(QStringLiteral("presetTable"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), int(kPresets.size()) + 1); // and "custom"
        QSpinBox *vocab = spinNamed(page, ModelPage::tr("Vocabulary size"));
        QVERIFY(vocab);
        vocab->setValue(3000);
        for (int row = 0; row < kPresets.size(); ++row) {
            QCOMPARE(table->item(row, 0)->text(), kPresets[row]);
            // The count the model the engine builds really has (tied embeddings counted once).
            const int64_t parameters = numelOf(tb::presetConfig(kPresets[row].toStdString(), 3000));
            QCOMPARE(table->item(row, 4)->text(), QLocale().toString(qlonglong(parameters)));
            // The trainer's memory estimate for this batch and context.
            tb::MemoryPlan plan;
            plan.model = tb::presetConfig(kPresets[row].toStdString(), 3000);
            plan.model.maxPositions = 256;
            plan.batchSize = 8;
            plan.contextLength = 256;
            const long long bytes = tb::estimateTrainingMemory(plan).total();
            QVERIFY2(table->item(row, 5)->text().contains(QLocale().toString(double(bytes) / (1024.0 * 1024.0), 'f', 0)),
                     qPrintable(table->item(row, 5)->text()));
        }
        // The time column waits for the probe, then divides the step's FLOPs by its rate.
        QVERIFY(measured.count() == 1 || measured.wait(20000));
        const double rate = page->measuredFlopsPerSecond();
        QVERIFY2(rate > 1e8, qPrintable(QString::number(rate)));
        const tb::StepFlops flops = tb::trainingStepFlops(tb::presetConfig("base", 3000), 8, 256);
        const QString tip = table->item(3, 6)->toolTip();
        QVERIFY2(tip.contains(QLocale().toString(flops.total() / 1e9, 'f', 1)), qPrintable(tip));
        QVERIFY2(tip.contains(QLocale().toString(rate / 1e9, 'f', 1)), qPrintable(tip));
        // A bigger model takes longer per step.
        QVERIFY(flops.total() > tb::trainingStepFlops(tb::presetConfig("nano", 3000), 8, 256).total());
        screenshotTab(&window, page, 1, "model_scratch");
    }

    void useForTrainingFillsTheTrainPage()
    {
        // Every key the Model page hands the Train page is an option (setOption warns otherwise).
        QTest::failOnWarning(QRegularExpression("TrainPage::"));
        MainWindow window;
        ModelPage *page = window.modelPage();
        window.trainPage()->setOption("model", "/somewhere/else");
        page->selectPreset("small");
        auto *use = page->findChild<QPushButton *>(QStringLiteral("useScratch"));
        QVERIFY(use && use->isEnabled());
        QTest::mouseClick(use, Qt::LeftButton);
        TrainPage *train = window.trainPage();
        QCOMPARE(train->option("model"), QString()); // from scratch
        QCOMPARE(train->option("preset"), QStringLiteral("small"));
        QCOMPARE(train->option("vocab_size"), QStringLiteral("2000"));
        QCOMPARE(train->option("hidden_size"), QStringLiteral("0")); // the preset's own
        QCOMPARE(train->option("tokenizer"), QString());              // trained from the data

        // Custom dims: every dimension goes to the Train page; invalid ones are refused.
        QSpinBox *hidden = spinNamed(page, ModelPage::tr("Hidden size"));
        QSpinBox *layers = spinNamed(page, ModelPage::tr("Layers"));
        QVERIFY(hidden && layers);
        hidden->setValue(96); // 96 / 4 heads = 24: valid
        layers->setValue(3);
        QCOMPARE(page->selectedConfig().hiddenSize, int64_t(96));
        QVERIFY(use->isEnabled());
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(train->option("hidden_size"), QStringLiteral("96"));
        QCOMPARE(train->option("num_layers"), QStringLiteral("3"));
        hidden->setValue(90); // 90 / 4 heads is no whole head size
        auto *error = page->findChild<QLabel *>(QStringLiteral("scratchError"));
        QVERIFY2(error->text().contains("not a multiple"), qPrintable(error->text()));
        QVERIFY(!use->isEnabled());
    }

    void importFillsTheCard()
    {
        TB_REQUIRE_SHARED(fixture, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(llama2c, "fixtures/tiny-llama-f32.llama2c.bin");
        const QString model = fixtureWithTokenizer(fixture);
        QVERIFY(!model.isEmpty());
        MainWindow window;
        window.resize(1150, 760);
        window.show();
        ModelPage *page = window.modelPage();
        QSignalSpy loaded(&window, &MainWindow::modelLoaded);
        window.openModel(model);
        QVERIFY(page->isLoading());
        QVERIFY(loaded.wait(30000));
        QVERIFY(!page->isLoading());
        const QString card = page->cardHtml();
        QVERIFY2(card.contains(QLocale().toString(156480)), qPrintable(card));
        QVERIFY2(card.contains("zephyr"), qPrintable(card));
        QVERIFY2(card.contains("<code>&lt;/s&gt;</code> = 2"), qPrintable(card)); // EOS with its id
        QVERIFY2(card.contains("<code>&lt;s&gt;</code> = 1"), qPrintable(card));  // BOS
        // The two-turn example, rendered with the template: both turns and the assistant tag.
        QVERIFY2(card.contains("&lt;|assistant|&gt;"), qPrintable(card));
        // Whole characters, also where the tokenizer spells them in byte pieces (zh_CN).
        QVERIFY2(card.contains(ModelCard::tr("What is 2 + 2?").toHtmlEscaped()), qPrintable(card));
        screenshotTab(&window, page, 0, "model_import");
        // The chat talks to this very model: handed over, not loaded a second time.
        ChatPane *chat = window.chatPage()->pane(0);
        QTRY_VERIFY_WITH_TIMEOUT(chat->hasModel(), 10000);
        QCOMPARE(chat->modelLabel(), QFileInfo(model).fileName());
        QSignalSpy replied(window.chatPage(), &ChatPage::replyDone);
        QVERIFY(window.chatPage()->sendMessage(QStringLiteral("Hello")));
        QVERIFY(replied.wait(30000));

        // A llama2.c file has no tokenizer: the override gives it one.
        auto *override = page->findChild<QLineEdit *>(QStringLiteral("tokenizerOverride"));
        override->setText(model + "/tokenizer.model");
        window.openModel(llama2c);
        QVERIFY(loaded.wait(30000));
        QVERIFY2(page->cardHtml().contains(ModelCard::tr("SentencePiece, %1 pieces").arg(512)), qPrintable(page->cardHtml()));
        QVERIFY2(page->cardHtml().contains(ModelCard::tr("llama2.c checkpoint")), qPrintable(page->cardHtml()));
    }

    void cancelKeepsThePreviousModel()
    {
        TB_REQUIRE_SHARED(fixture, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(llama2c, "fixtures/tiny-llama-f32.llama2c.bin");
        {
            ModelPage page;
            ModelWorker *worker = page.worker();
            QSignalSpy finished(&page, &ModelPage::loadFinished);
            page.openModel(fixture);
            QVERIFY(finished.wait(30000));
            QCOMPARE(finished.takeFirst().first().toBool(), true);
            const QString card = page.cardHtml();
            QVERIFY(card.contains(QLocale().toString(156480)));

            // Hold the worker inside its first progress report of the next load, press
            // Cancel, then let it go on: the load stops in the middle.
            std::atomic<bool> inside{false};
            QSemaphore resume;
            auto hold = connect(worker, &ModelWorker::loadProgress, worker, [&] {
                if (!inside.exchange(true))
                    resume.acquire();
            }, Qt::DirectConnection);
            page.openModel(llama2c);
            QVERIFY(page.isLoading());
            QTRY_VERIFY_WITH_TIMEOUT(inside.load(), 30000);
            auto *cancel = page.findChild<QPushButton *>(QStringLiteral("cancelLoad"));
            QVERIFY(cancel->isEnabled());
            QTest::mouseClick(cancel, Qt::LeftButton);
            resume.release();
            QVERIFY(finished.wait(30000));
            disconnect(hold);
            QCOMPARE(finished.takeFirst().first().toBool(), false);
            QVERIFY(!page.isLoading());
            QVERIFY(!cancel->isEnabled());
            QVERIFY2(page.loadStatus() == ModelPage::tr("Loading cancelled; the model loaded before (if any) is still in use."), qPrintable(page.loadStatus()));
            QCOMPARE(page.cardHtml(), card); // the HF folder's card, not the llama2.c file's

            // Cancel does not stick: the next load goes through.
            page.openModel(llama2c);
            QVERIFY(finished.wait(30000));
            QCOMPARE(finished.takeFirst().first().toBool(), true);
            QVERIFY(page.cardHtml().contains(ModelCard::tr("llama2.c checkpoint")));
        }
    }

    void trainsATokenizerOnTheDataset()
    {
        const QString corpus = tbtest::shakespeareSample(60000);
        if (corpus.isEmpty()) {
            TB_REQUIRE_SHARED(missing, "data/tinyshakespeare.txt");
        }
        MainWindow window;
        window.resize(1150, 760);
        window.show();
        ModelPage *page = window.modelPage();
        // The Data page's file is the page's dataset.
        window.openData(corpus);
        QTRY_COMPARE(page->datasetPath(), corpus);
        QSignalSpy trained(page, &ModelPage::tokenizerTrained);
        QSignalSpy failed(page, &ModelPage::tokenizerFailed);
        const QString out = tbtest::tempDir() + "/page-tokenizer.model";
        page->setTokenizerForm(600, "unigram", out);
        auto *train = page->findChild<QPushButton *>(QStringLiteral("trainTokenizer"));
        QTest::mouseClick(train, Qt::LeftButton);
        QVERIFY(!train->isEnabled()); // busy while the worker trains
        QVERIFY(trained.wait(120000));
        QCOMPARE(trained.first().first().toString(), out);
        QVERIFY(train->isEnabled());
        const auto tok = tb::Tokenizer::fromFile(out.toStdString());
        QCOMPARE(tok->vocabSize(), int64_t(600));
        auto *result = page->findChild<QLabel *>(QStringLiteral("tokenizerResult"));
        QVERIFY2(result->text().contains("600"), qPrintable(result->text()));
        screenshotTab(&window, page, 2, "model_tokenizer");

        // "Use for training": the Train page's tokenizer, and the presets follow its size.
        auto *use = page->findChild<QPushButton *>(QStringLiteral("useTokenizer"));
        QVERIFY(use->isEnabled());
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(window.trainPage()->option("tokenizer"), out);
        QCOMPARE(page->selectedConfig().vocabSize, int64_t(600));

        // Too many pieces for this corpus: the engine's error, with the size that fits.
        page->setTokenizerForm(60000, "bpe", tbtest::tempDir() + "/too-big.model");
        QTest::mouseClick(train, Qt::LeftButton);
        QVERIFY(failed.wait(120000));
        QVERIFY2(result->text().contains("Vocabulary size"), qPrintable(result->text()));
        QVERIFY(!use->isEnabled());
        QVERIFY(!QFileInfo::exists(tbtest::tempDir() + "/too-big.model"));
        screenshotTab(&window, page, 2, "model_tokenizer_error");

        // A dataset with no text at all.
        const QString empty = tbtest::tempDir() + "/empty.jsonl";
        QFile f(empty);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"messages\": []}\n");
        f.close();
        page->setDatasetPath(empty);
        QTest::mouseClick(train, Qt::LeftButton);
        QVERIFY(failed.wait(30000));
        QVERIFY2(result->text().contains("no text"), qPrintable(result->text()));
    }

    void trainsOnAChatJsonl()
    {
        // A chat JSONL: the tokenizer learns from the message contents.
        const QString data = tbtest::tempDir() + "/chat.jsonl";
        QFile f(data);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 200; ++i)
            f.write(QStringLiteral("{\"messages\": [{\"role\": \"user\", \"content\": \"Please tell me what %1 plus %2 is.\"}, "
                                   "{\"role\": \"assistant\", \"content\": \"%1 plus %2 makes %3.\"}]}\n")
                        .arg(i)
                        .arg(i * 7 % 13)
                        .arg(i + i * 7 % 13)
                        .toUtf8());
        f.close();
        MainWindow window;
        ModelPage *page = window.modelPage();
        page->setDatasetPath(data);
        QSignalSpy trained(page, &ModelPage::tokenizerTrained);
        const QString out = tbtest::tempDir() + "/chat-tokenizer.model";
        page->setTokenizerForm(300, "bpe", out);
        page->trainTokenizer();
        QVERIFY(trained.wait(60000));
        const auto tok = tb::Tokenizer::fromFile(out.toStdString());
        QCOMPARE(tok->vocabSize(), int64_t(300));
        // The sample line is a message's content, not a JSON row.
        auto *result = page->findChild<QLabel *>(QStringLiteral("tokenizerResult"));
        QVERIFY2(result->text().contains("Please tell me what 0 plus 0 is."), qPrintable(result->text()));
    }
};

TB_REGISTER_TEST(TestModelPage, "model_page");
#include "tst_model_page.moc"
