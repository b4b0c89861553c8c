// Engine work never runs on the GUI thread: the long entry points check which thread they
// are on (engine/thread_guard.h). Every other UI test runs with the GUI thread marked, so a
// page that calls the engine directly fails there; this test checks the guard itself.
#include "test_support.h"

#include "dataset.h"
#include "generator.h"
#include "model_loader.h"
#include "thread_guard.h"
#include "tokenizer.h"

#include <QtTest/QtTest>

#include <stdexcept>
#include <thread>

class TestEngineThreads : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void guiThreadIsMarked() { QVERIFY(tb::onInteractiveThread()); }

    void loadingOnTheGuiThreadThrows()
    {
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        try {
            tb::loadModel(model.toStdString());
            QFAIL("tb::loadModel ran on the GUI thread");
        } catch (const std::logic_error &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("tb::loadModel"), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains("GUI thread"), e.what());
        }
    }

    void workerThreadsRunTheSameCalls()
    {
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        std::string error;
        size_t generated = 0;
        std::thread worker([&] {
            try {
                tb::LoadedModel loaded = tb::loadModel(model.toStdString());
                tb::SamplingOptions options;
                options.maxNewTokens = 4;
                options.stopAtEos = false;
                generated = tb::generate(loaded.model, loaded.tokenizer.get(), {1, 2, 3}, options).ids.size();
            } catch (const std::exception &e) {
                error = e.what();
            }
        });
        worker.join();
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(generated, size_t(4));
    }

    void generationAndDatasetsAreGuardedToo()
    {
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        tb::LoadedModel loaded;
        std::thread([&] { loaded = tb::loadModel(model.toStdString()); }).join();
        QVERIFY_THROWS_EXCEPTION(std::logic_error, tb::generate(loaded.model, loaded.tokenizer.get(), {1, 2}, {}));
        tb::DatasetOptions options;
        QVERIFY_THROWS_EXCEPTION(std::logic_error,
                                 tb::loadDataset(tbtest::shakespeareSample(2000).toStdString(), *loaded.tokenizer, options));
    }
};

TB_REGISTER_TEST(TestEngineThreads, "engine_threads");
#include "tst_engine_threads.moc"
