// The pieces the run folder's guarantees are built from (docs/RELIABILITY.md), one by one:
// unique temporaries, links replaced and refused, whole-line appends, the run lock, the
// checkpoint manifest, pruning by rename, the interrupt cleanup, staged folders, bounded
// options and a memory estimate that cannot overflow.
#include "error.h"
#include "file_lock.h"
#include "file_util.h"
#include "interrupt_cleanup.h"
#include "memory_estimate.h"
#include "run_directory.h"
#include "test_support.h"
#include "train_config.h"

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

std::string engineSafetyDir(const char *name)
{
    const fs::path dir = fs::path(tbtest::tempDir().toStdString()) / name;
    fs::create_directories(dir);
    return dir.string();
}

void engineSafetyWrite(const std::string &path, const std::string &text)
{
    std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> engineSafetyEntries(const std::string &dir)
{
    std::vector<std::string> names;
    for (const auto &e : fs::directory_iterator(dir))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// A folder that looks like a committed checkpoint of `step` with one weights file.
std::string engineSafetyCheckpoint(const tb::RunDirectory &run, int64_t step, const std::string &weights)
{
    const std::string staging = run.beginCheckpoint(step);
    engineSafetyWrite(staging + "/model.safetensors", weights);
    tb::TrainerState state;
    state.step = step;
    state.torchRng = {1, 2, 3};
    run.writeTrainerState(staging, state);
    return run.commitCheckpoint(step);
}

} // namespace

class TestRunSafety : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Two writers of one file never share a temporary: the file ends as one of them whole.
    void atomicWritersNeverMix()
    {
        const std::string path = engineSafetyDir("writers") + "/model.bin";
        tb::AtomicFileWriter first(path), second(path);
        QVERIFY(first.temporaryPath() != second.temporaryPath());
        first.write(std::string(1000, 'a'));
        second.write(std::string(600, 'b'));
        first.write(std::string(1000, 'a'));
        first.commit();
        second.write(std::string(600, 'b'));
        second.commit();
        QCOMPARE(tb::readTextFile(path), std::string(1200, 'b'));
        QCOMPARE(engineSafetyEntries(fs::path(path).parent_path().string()), std::vector<std::string>{"model.bin"});
    }

    // A link where a file is written is replaced, never written through; a failed write
    // leaves neither the temporary nor a changed file.
    void atomicWriterReplacesALink()
    {
        const std::string dir = engineSafetyDir("link-replace");
        engineSafetyWrite(dir + "/victim", "precious");
        fs::create_symlink(dir + "/victim", dir + "/config.json");
        tb::writeFileAtomically(dir + "/config.json", "{}");
        QCOMPARE(tb::readTextFile(dir + "/victim"), std::string("precious"));
        QVERIFY(!fs::is_symlink(dir + "/config.json"));
        {
            tb::AtomicFileWriter unfinished(dir + "/other.json");
            unfinished.write("half");
        }
        QCOMPARE(engineSafetyEntries(dir), (std::vector<std::string>{"config.json", "victim"}));
    }

    // Appends: a link is refused (not truncated through), a FIFO refused at once, and every
    // line arrives whole.
    void appendOnlyFileRefusesLinksAndFifos()
    {
        const std::string dir = engineSafetyDir("append");
        engineSafetyWrite(dir + "/victim", "precious");
        fs::create_symlink(dir + "/victim", dir + "/metrics.jsonl");
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::AppendOnlyFile(dir + "/metrics.jsonl", tb::AppendOnlyFile::Open::Truncate));
        QCOMPARE(tb::readTextFile(dir + "/victim"), std::string("precious"));
        QCOMPARE(::mkfifo((dir + "/train.log").c_str(), 0644), 0);
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::AppendOnlyFile(dir + "/train.log", tb::AppendOnlyFile::Open::Append));
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::readTextFile(dir + "/train.log"));
        tb::AppendOnlyFile log(dir + "/log.txt", tb::AppendOnlyFile::Open::Truncate);
        log.appendLine("one");
        log.appendLine("two");
        QCOMPARE(tb::readTextFile(dir + "/log.txt"), std::string("one\ntwo\n"));
    }

    // One writer per run: a second lock is refused naming the holder, until the first goes.
    void runLockAdmitsOneWriter()
    {
        const tb::RunDirectory run(engineSafetyDir("lock"));
        QCOMPARE(run.writer(), std::string());
        {
            const auto lock = run.lockForWriting();
            QCOMPARE(run.writer(), tb::FileLock::thisProcess());
            try {
                run.lockForWriting();
                QFAIL("a second writer was admitted");
            } catch (const tb::Error &e) {
                const std::string message = e.what();
                QVERIFY2(message.find("another process is writing this run (" + tb::FileLock::thisProcess()) != std::string::npos,
                         e.what());
            }
        }
        QCOMPARE(run.writer(), std::string());
        QVERIFY(run.lockForWriting() != nullptr);
    }

    // The lock refuses a run folder with a link among its entries, and clears what an
    // interrupted writer left: staging and pruned folders, temporaries.
    void lockRefusesLinksAndClearsLeftovers()
    {
        const std::string path = engineSafetyDir("leftovers");
        const tb::RunDirectory run(path);
        fs::create_directories(path + "/checkpoints/step-00000010.tmp");
        fs::create_directories(path + "/checkpoints/step-00000005.deleting");
        engineSafetyWrite(path + "/config.json.tmp.123.abcdef", "{");
        engineSafetyWrite(path + "/metrics.jsonl", "");
        const auto lock = run.lockForWriting();
        QCOMPARE(engineSafetyEntries(path), (std::vector<std::string>{"checkpoints", "metrics.jsonl", "run.lock"}));
        QCOMPARE(engineSafetyEntries(path + "/checkpoints"), std::vector<std::string>{});

        const std::string linked = engineSafetyDir("linked");
        engineSafetyWrite(linked + "/victim", "precious");
        fs::create_directories(linked + "/run");
        fs::create_symlink(linked + "/victim", linked + "/run/tokenizer-corpus.txt");
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::RunDirectory(linked + "/run").lockForWriting());
    }

    // A checkpoint lists its files with their sizes: one truncated or missing (a half
    // deletion) makes it incomplete, and the previous one is the latest.
    void manifestMakesDamageVisible()
    {
        const tb::RunDirectory run(engineSafetyDir("manifest"));
        engineSafetyCheckpoint(run, 4, "weights of step 4");
        const std::string newest = engineSafetyCheckpoint(run, 8, "weights of step 8");
        QCOMPARE(run.latestCheckpoint()->step, int64_t(8));
        QCOMPARE(run.readTrainerState(newest).files.at("model.safetensors"), uint64_t(17));
        fs::resize_file(newest + "/model.safetensors", 5);
        QCOMPARE(run.latestCheckpoint()->step, int64_t(4));
        QVERIFY(run.checkpointProblem(newest).find("truncated") != std::string::npos);
        fs::remove(newest + "/model.safetensors");
        QVERIFY(run.checkpointProblem(newest).find("missing") != std::string::npos);
        QCOMPARE(run.incompleteCheckpoints().size(), size_t(1));
    }

    // Pruning renames first: the checkpoint stops counting in one step.
    void pruningRenamesFirst()
    {
        const std::string path = engineSafetyDir("prune");
        const tb::RunDirectory run(path);
        const std::string old = engineSafetyCheckpoint(run, 4, "w4");
        engineSafetyCheckpoint(run, 8, "w8");
        run.removeCheckpoint(old);
        QCOMPARE(engineSafetyEntries(path + "/checkpoints"), std::vector<std::string>{"step-00000008"});
        QCOMPARE(run.checkpoints().size(), size_t(1));
    }

    // Ctrl+C removes the registered temporaries: files, and staging folders with their files.
    void interruptRemovesTemporaries()
    {
        const std::string dir = engineSafetyDir("interrupt");
        engineSafetyWrite(dir + "/out.gguf.tmp.1.a", "partial");
        fs::create_directories(dir + "/out.tmp.1.b");
        engineSafetyWrite(dir + "/out.tmp.1.b/model.safetensors", "partial");
        engineSafetyWrite(dir + "/keep", "kept");
        const tb::TemporaryRegistration file(dir + "/out.gguf.tmp.1.a", false), folder(dir + "/out.tmp.1.b", true);
        tb::removeRegisteredTemporaries();
        QCOMPARE(engineSafetyEntries(dir), std::vector<std::string>{"keep"});
    }

    // A folder export: refused into a folder that holds files, whole or nothing otherwise,
    // and --replace swaps the whole folder.
    void stagedFolderNeverMixes()
    {
        const std::string dir = engineSafetyDir("staged");
        fs::create_directories(dir + "/model");
        engineSafetyWrite(dir + "/model/model.safetensors.index.json", "{}");
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::StagedFolder(dir + "/model", false));
        {
            tb::StagedFolder staged(dir + "/model", true);
            engineSafetyWrite(staged.path() + "/model.safetensors", "new");
            staged.commit();
        }
        QCOMPARE(engineSafetyEntries(dir + "/model"), std::vector<std::string>{"model.safetensors"});
        {
            tb::StagedFolder abandoned(dir + "/fresh", false);
            engineSafetyWrite(abandoned.path() + "/model.safetensors", "half");
        }
        QCOMPARE(engineSafetyEntries(dir), std::vector<std::string>{"model"});
    }

    // Every number option has a range, and a value outside it is refused naming the option.
    void everyNumberOptionIsBounded()
    {
        for (const tb::TrainOptionInfo &o : tb::trainOptionInfo())
            if (o.kind == tb::TrainOptionKind::Int || o.kind == tb::TrainOptionKind::Real)
                QVERIFY2(o.minimum && o.maximum && *o.minimum <= *o.maximum, o.key.c_str());
        try {
            tb::trainConfigFromJson(R"({"data": "x.txt", "threads": 100000})", "test.json");
            QFAIL("threads = 100000 was accepted");
        } catch (const tb::Error &e) {
            QVERIFY2(std::string(e.what()).find("'threads'") != std::string::npos, e.what());
        }
        tb::TrainConfig c;
        c.data = "x.txt";
        c.adamEps = -1e-8;
        QVERIFY_THROWS_EXCEPTION(tb::Error, c.validate());
        // A seed above 2^53 stays exact.
        QCOMPARE(tb::trainConfigFromJson(R"({"data": "x.txt", "seed": 18446744073709551615})", "t").seed,
                 uint64_t(18446744073709551615ULL));
    }

    // The memory estimate of an absurd plan is huge and positive, and refused.
    void memoryEstimateCannotOverflow()
    {
        tb::MemoryPlan plan;
        plan.model.vocabSize = 32000;
        plan.model.hiddenSize = 4096;
        plan.model.numLayers = 32;
        plan.model.numHeads = 32;
        plan.model.numKvHeads = 32;
        plan.model.intermediateSize = 11008;
        plan.contextLength = 1000000000;
        plan.batchSize = 8;
        const tb::MemoryEstimate e = tb::estimateTrainingMemory(plan);
        QVERIFY(e.activations > 0 && e.total() > 0);
        QVERIFY_THROWS_EXCEPTION(tb::Error, tb::requireMemoryFits(plan, 64LL << 30));
    }
};

TB_REGISTER_TEST(TestRunSafety, "run_safety");
#include "tst_run_safety.moc"
