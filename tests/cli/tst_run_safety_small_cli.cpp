// Runs and files that never lie (issue 12), the smaller defects of point 9, each through
// tunebench-cli: damaged trainer states and optimizer states, an edited model size, a
// truncated or half-pruned newest checkpoint, a resume with nothing to resume or from
// another directory, bounds on every option, a huge row, UTF-16 files, FIFOs and devices,
// Ctrl+C during an export, and tokenizer training that says why it failed.
// ctest-labels: slow
// ctest-timeout: 900
#include "run_safety_support.h"
#include "test_support.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QtTest/QtTest>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// A finished from-scratch run of 8 steps (checkpoints at 4 and 8; constant rate, so that a
// longer run repeats its first steps) in `dir`/run, on a text corpus; empty when it failed.
QString smallFinishedRun(const QString &dir, const QString &extra = {})
{
    QDir().mkpath(dir);
    if (!tbtest::safetyCorpus(dir + "/corpus.txt", 20000))
        return {};
    tbtest::safetyWrite(dir + "/run.json", QString(R"({"data": "corpus.txt", "tokenizer_type": "char", "vocab_size": 100,
        "preset": "nano", "context_length": 32, "batch_size": 4, "threads": 1, "max_steps": 8, "eval_every": 4,
        "keep_last": 2, "warmup_steps": 0, "schedule": "constant", "learning_rate": 0.005 %1})")
                                                 .arg(extra)
                                                 .toUtf8());
    const auto r = tbtest::safetyCli({"train", dir + "/run.json", "--set", "run_dir=" + dir + "/run"});
    return r.exitCode == 0 ? dir + "/run" : QString();
}

// Sets `key` of a JSON file to `value` (a JSON text).
void smallEditJson(const QString &path, const QString &key, const QByteArray &value)
{
    QJsonObject o = tbtest::safetyJson(path);
    o[key] = QJsonDocument::fromJson("[" + value + "]").array().at(0);
    tbtest::safetyWrite(path, QJsonDocument(o).toJson());
}

// Records `file`'s present size in its checkpoint's trainer_state.json, as if the damage
// had kept the size (a corrupt file the size check cannot see).
void smallKeepManifest(const QString &checkpoint, const QString &file)
{
    QJsonObject state = tbtest::safetyJson(checkpoint + "/trainer_state.json");
    QJsonObject files = state.value("files").toObject();
    files[file] = double(QFileInfo(checkpoint + "/" + file).size());
    state["files"] = files;
    tbtest::safetyWrite(checkpoint + "/trainer_state.json", QJsonDocument(state).toJson(QJsonDocument::Compact));
}

void smallTruncate(const QString &path, qint64 size)
{
    QFile f(path);
    if (f.open(QIODevice::ReadWrite))
        f.resize(size);
}

} // namespace

class TestRunSafetySmallCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A trainer_state.json with a negative step, a wrong type or the step of another folder
    // is refused, naming the file, and nothing of the run (its metrics) is touched.
    void damagedTrainerStateIsRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("negative step") << "step" << QByteArray("-50") << "must be 0 or more";
        QTest::newRow("wrong type") << "step" << QByteArray("\"eight\"") << "wrong type";
        QTest::newRow("another folder's step") << "step" << QByteArray("4") << "says step 4 but its folder is";
        QTest::newRow("negative data position") << "batch_index" << QByteArray("-1") << "must be 0 or more";
    }
    void damagedTrainerStateIsRefused()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, value);
        QFETCH(QString, expected);
        const QString run = smallFinishedRun(tbtest::tempDir() + "/state");
        QVERIFY(!run.isEmpty());
        const QString state = run + "/checkpoints/step-00000008/trainer_state.json";
        smallEditJson(state, key, value);
        const QByteArray metrics = tbtest::safetyRead(run + "/metrics.jsonl");
        const auto r = tbtest::safetyCli({"train", "--resume", run, "--set", "max_steps=12"});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(state) && r.err.contains(expected) && !r.err.contains("[json.exception"),
                 qPrintable(r.err));
        QCOMPARE(tbtest::safetyRead(run + "/metrics.jsonl"), metrics);
    }

    // A run whose config.json was edited to another model size (or resumed with --set
    // num_layers) is refused: a resumed run keeps its model's size.
    void editedModelSizeIsRefused()
    {
        const QString run = smallFinishedRun(tbtest::tempDir() + "/size");
        QVERIFY(!run.isEmpty());
        const int hidden = tbtest::safetyJson(run + "/checkpoints/step-00000008/config.json").value("hidden_size").toInt();
        QVERIFY(hidden > 0);
        smallEditJson(run + "/config.json", "hidden_size", QByteArray::number(hidden * 2));
        const auto edited = tbtest::safetyCli({"train", "--resume", run, "--set", "max_steps=12"});
        QCOMPARE(edited.exitCode, 1);
        QVERIFY2(edited.err.contains("hidden_size") && edited.err.contains("keeps its model's size"), qPrintable(edited.err));
        smallEditJson(run + "/config.json", "hidden_size", "0");
        const auto layers = tbtest::safetyCli({"train", "--resume", run, "--set", "max_steps=12", "--set", "num_layers=5"});
        QCOMPARE(layers.exitCode, 1);
        QVERIFY2(layers.err.contains("num_layers") && layers.err.contains("keeps its model's size"), qPrintable(layers.err));
        QVERIFY(!QFile::exists(run + "/checkpoints/step-00000012"));
    }

    // A truncated optimizer.pt, or the optimizer state of a model of another size: the
    // error names the file.
    void damagedOptimizerStateNamesTheFile()
    {
        const QString run = smallFinishedRun(tbtest::tempDir() + "/optimizer");
        QVERIFY(!run.isEmpty());
        const QString checkpoint = run + "/checkpoints/step-00000008";
        const QString file = checkpoint + "/optimizer.pt";
        const QByteArray good = tbtest::safetyRead(file);
        smallTruncate(file, good.size() / 2);
        smallKeepManifest(checkpoint, "optimizer.pt");
        const auto truncated = tbtest::safetyCli({"train", "--resume", run, "--set", "max_steps=12"});
        QCOMPARE(truncated.exitCode, 1);
        // The run's log lines, then one error line.
        QVERIFY2(truncated.errLines().last().startsWith("error: " + file) && truncated.err.count("error") == 1
                     && truncated.err.contains("truncated"),
                 qPrintable(truncated.err));

        const QString wider = smallFinishedRun(tbtest::tempDir() + "/optimizer-wider", R"(, "hidden_size": 96, "num_heads": 4)");
        QVERIFY(!wider.isEmpty());
        QVERIFY(QFile::remove(file));
        QVERIFY(QFile::copy(wider + "/checkpoints/step-00000008/optimizer.pt", file));
        smallKeepManifest(checkpoint, "optimizer.pt");
        const auto foreign = tbtest::safetyCli({"train", "--resume", run, "--set", "max_steps=12"});
        QCOMPARE(foreign.exitCode, 1);
        QVERIFY2(foreign.errLines().last().startsWith("error: " + file) && foreign.err.count("error") == 1
                     && foreign.err.contains("another size"),
                 qPrintable(foreign.err));
    }

    // A truncated newest checkpoint (or one a kill left half deleted) is not complete: resume
    // and export pass over it to the previous complete one, and the resumed run trains
    // exactly as the one that never stopped.
    void incompleteNewestCheckpointIsSkipped_data()
    {
        QTest::addColumn<bool>("halfDeleted");
        QTest::newRow("weights truncated") << false;
        QTest::newRow("weights deleted, state kept") << true;
    }
    void incompleteNewestCheckpointIsSkipped()
    {
        QFETCH(bool, halfDeleted);
        const QString dir = tbtest::tempDir() + "/incomplete";
        const QString run = smallFinishedRun(dir);
        QVERIFY(!run.isEmpty());
        const QString weights = run + "/checkpoints/step-00000008/model.safetensors";
        if (halfDeleted)
            QVERIFY(QFile::remove(weights));
        else
            smallTruncate(weights, QFileInfo(weights).size() - 1000);

        const auto exported = tbtest::safetyCli({"export", run, dir + "/exported"});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
        QVERIFY2(exported.err.contains("step-00000004"), qPrintable(exported.err));

        const auto resumed = tbtest::safetyCli({"train", "--resume", run, "--set", "max_steps=12"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains("skipped an incomplete checkpoint") && resumed.err.contains("resumed from")
                     && resumed.err.contains("step-00000004 at step 4"),
                 qPrintable(resumed.err));
        // The same run trained to 12 without a stop.
        tbtest::safetyWrite(dir + "/whole.json", tbtest::safetyRead(dir + "/run.json"));
        const auto whole = tbtest::safetyCli({"train", dir + "/whole.json", "--set", "run_dir=" + dir + "/whole",
                                              "--set", "max_steps=12"});
        QVERIFY2(whole.exitCode == 0, qPrintable(whole.err));
        QMap<int, double> got, expected;
        for (const QJsonObject &e : tbtest::safetyMetrics(run + "/metrics.jsonl"))
            if (e.contains("loss"))
                got[e.value("step").toInt()] = e.value("loss").toDouble();
        for (const QJsonObject &e : tbtest::safetyMetrics(dir + "/whole/metrics.jsonl"))
            if (e.contains("loss"))
                expected[e.value("step").toInt()] = e.value("loss").toDouble();
        QCOMPARE(got, expected);
    }

    // A kill during pruning leaves a .deleting folder, never a half-deleted checkpoint that
    // counts as complete; the next writer removes it.
    void killDuringPruningLeavesNoFalseCheckpoint()
    {
        const QString dir = tbtest::tempDir() + "/pruning";
        QDir().mkpath(dir);
        QVERIFY(tbtest::safetyCorpus(dir + "/corpus.txt", 20000));
        tbtest::safetyWrite(dir + "/run.json", R"({"data": "corpus.txt", "tokenizer_type": "char", "vocab_size": 100,
            "preset": "nano", "context_length": 32, "batch_size": 4, "threads": 1, "max_steps": 30, "eval_every": 5,
            "keep_last": 1, "keep_best": false})");
        const QString run = dir + "/run";
        const auto killed = tbtest::safetyCli({"train", dir + "/run.json", "--set", "run_dir=" + run},
                                              {{"TUNEBENCH_CRASH_AT", "pruning-partial:2"}});
        QVERIFY2(killed.killed, qPrintable("the crash point was not reached: " + killed.err));
        const QStringList deleting = tbtest::safetyFilesNamed(run + "/checkpoints", ".deleting");
        QCOMPARE(deleting.size(), 1);
        QStringList names = QDir(run + "/checkpoints").entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        names.sort();
        QCOMPARE(names, (QStringList{"step-00000005.deleting", "step-00000010"}));
        const auto exported = tbtest::safetyCli({"export", run, dir + "/exported"});
        QVERIFY2(exported.exitCode == 0 && exported.err.contains("step-00000010"), qPrintable(exported.err));
        const auto resumed = tbtest::safetyCli({"train", "--resume", run});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QCOMPARE(tbtest::safetyFilesNamed(run, ".deleting"), QStringList());
    }

    // Killed after its final checkpoint, before run.json: the resume evaluates again and
    // records the same final line (the best flag included) and run.json as the run that was
    // not killed. (The kill soak found the flag missing: the restored early stopping already
    // held the final evaluation.)
    void killBeforeRunJsonEndsTheSame()
    {
        const QString dir = tbtest::tempDir() + "/before-summary";
        const QString whole = smallFinishedRun(dir);
        QVERIFY(!whole.isEmpty());
        const auto killed = tbtest::safetyCli({"train", dir + "/run.json", "--set", "run_dir=" + dir + "/killed"},
                                              {{"TUNEBENCH_CRASH_AT", "before-summary"}});
        QVERIFY2(killed.killed, qPrintable("the crash point was not reached: " + killed.err));
        QVERIFY(!QFile::exists(dir + "/killed/run.json"));
        const auto resumed = tbtest::safetyCli({"train", "--resume", dir + "/killed"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        auto finalLine = [](const QString &run) {
            QJsonObject last;
            int finals = 0;
            for (QJsonObject e : tbtest::safetyMetrics(run + "/metrics.jsonl"))
                if (e.value("final").toBool()) {
                    for (const char *timing : {"elapsed_s", "eval_s"})
                        e.remove(timing);
                    last = e;
                    ++finals;
                }
            return finals == 1 ? last : QJsonObject();
        };
        QVERIFY(!finalLine(whole).isEmpty());
        QCOMPARE(finalLine(dir + "/killed"), finalLine(whole));
        QJsonObject got = tbtest::safetyJson(dir + "/killed/run.json"), expected = tbtest::safetyJson(whole + "/run.json");
        for (QJsonObject *summary : {&got, &expected}) {
            QJsonObject metrics = summary->value("final_metrics").toObject();
            metrics.remove("eval_s"); // a time
            (*summary)["final_metrics"] = metrics;
        }
        for (const char *key : {"status", "steps", "best_step", "best_value", "final_metrics"})
            QCOMPARE(got.value(key), expected.value(key));
    }

    // --resume with nothing to resume says so: killed while its first checkpoint was being
    // written, or while the run was being set up.
    void nothingToResumeSaysSo()
    {
        const QString dir = tbtest::tempDir() + "/nothing";
        QDir().mkpath(dir);
        QVERIFY(tbtest::safetyCorpus(dir + "/corpus.txt", 20000));
        tbtest::safetyWrite(dir + "/run.json", R"({"data": "corpus.txt", "tokenizer_type": "char", "vocab_size": 100,
            "preset": "nano", "context_length": 32, "batch_size": 4, "threads": 1, "max_steps": 30, "eval_every": 5})");
        // By hand first (a build without crash points meets it too): what a kill during the
        // first checkpoint leaves, a run's config and journal and a staging folder.
        const QString made = dir + "/made";
        const auto short_ = tbtest::safetyCli({"train", dir + "/run.json", "--set", "run_dir=" + made, "--set",
                                               "max_steps=1", "--set", "eval_every=0"});
        QVERIFY2(short_.exitCode == 0, qPrintable(short_.err));
        QVERIFY(QDir(made + "/checkpoints").removeRecursively() && QFile::remove(made + "/run.json"));
        QDir().mkpath(made + "/checkpoints/step-00000005.tmp");
        tbtest::safetyWrite(made + "/checkpoints/step-00000005.tmp/model.safetensors", "partial");
        const auto byHand = tbtest::safetyCli({"train", "--resume", made});
        QCOMPARE(byHand.exitCode, 1);
        QVERIFY2(byHand.err.contains("nothing to resume") && byHand.err.contains(made + "/config.json"),
                 qPrintable(byHand.err));

        // A real kill there.
        const auto killed = tbtest::safetyCli({"train", dir + "/run.json", "--set", "run_dir=" + dir + "/run"},
                                              {{"TUNEBENCH_CRASH_AT", "checkpoint-weights-written"}});
        QVERIFY2(killed.killed, qPrintable("the crash point was not reached: " + killed.err));
        const auto resume = tbtest::safetyCli({"train", "--resume", dir + "/run"});
        QCOMPARE(resume.exitCode, 1);
        QCOMPARE(resume.errLines().size(), 1);
        QVERIFY2(resume.err.contains("nothing to resume") && resume.err.contains(dir + "/run/config.json"),
                 qPrintable(resume.err));
        // What it names restarts the run.
        const auto again = tbtest::safetyCli({"train", dir + "/run/config.json"});
        QVERIFY2(again.exitCode == 0, qPrintable(again.err));

        // Killed during its set-up: a log and no config.json.
        QDir().mkpath(dir + "/early");
        tbtest::safetyWrite(dir + "/early/train.log", "trained a char tokenizer\n");
        tbtest::safetyWrite(dir + "/early/metrics.jsonl", "");
        const auto early = tbtest::safetyCli({"train", "--resume", dir + "/early"});
        QCOMPARE(early.exitCode, 1);
        QVERIFY2(early.err.contains("nothing to resume") && !early.err.contains("cannot open"), qPrintable(early.err));
    }

    // A run started with relative paths resumes from any working directory, and after its
    // project folder moved (each resume here extends it: max_steps 10, then 15, then 20).
    void resumeFromAnywhereAndAfterAMove()
    {
        const QString base = tbtest::tempDir();
        const QString project = base + "/project";
        QDir().mkpath(project + "/data");
        QVERIFY(tbtest::safetyCorpus(project + "/data/corpus.txt", 20000));
        tbtest::safetyWrite(project + "/run.json", R"({"data": "data/corpus.txt", "tokenizer_type": "char",
            "vocab_size": 100, "preset": "nano", "context_length": 32, "batch_size": 4, "threads": 1, "max_steps": 10,
            "eval_every": 5})");
        const auto first = tbtest::safetyCli({"train", "run.json", "--set", "run_dir=runs/first"}, {}, 300000, project);
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const auto elsewhere = tbtest::safetyCli({"train", "--resume", project + "/runs/first", "--set", "max_steps=15"},
                                                 {}, 300000, "/");
        QVERIFY2(elsewhere.exitCode == 0, qPrintable("the resume from / failed: " + elsewhere.err));
        QVERIFY(QDir().rename(project, base + "/moved"));
        const auto moved = tbtest::safetyCli({"train", "--resume", "moved/runs/first", "--set", "max_steps=20"}, {},
                                             300000, base);
        QVERIFY2(moved.exitCode == 0, qPrintable(moved.err));
        QVERIFY(!QFile::exists(project + "/data/corpus.txt")); // found where the project is now
        QCOMPARE(tbtest::safetyJson(base + "/moved/runs/first/run.json").value("steps").toInt(), 20);
    }

    // Every option is bounded: out-of-range values are refused when the config is read,
    // naming the option, before any thread starts or any file is written.
    void optionsAreBounded_data()
    {
        QTest::addColumn<QString>("setting");
        QTest::newRow("threads 100000") << "threads=100000";
        QTest::newRow("negative threads") << "threads=-1";
        QTest::newRow("negative adam_eps") << "adam_eps=-1e-8";
        QTest::newRow("negative seed") << "seed=-5";
        QTest::newRow("negative vocab_size") << "vocab_size=-5";
        QTest::newRow("context_length 1e9") << "context_length=1000000000";
        QTest::newRow("batch_size 0") << "batch_size=0";
        QTest::newRow("learning_rate 1e6") << "learning_rate=1e6";
        QTest::newRow("dropout 1.5") << "lora_dropout=1.5";
    }
    void optionsAreBounded()
    {
        QFETCH(QString, setting);
        const QString dir = tbtest::tempDir() + "/bounds";
        QDir().mkpath(dir);
        QVERIFY(tbtest::safetyCorpus(dir + "/corpus.txt", 20000));
        tbtest::safetyWrite(dir + "/run.json", R"({"data": "corpus.txt", "preset": "nano", "context_length": 32,
            "batch_size": 4, "max_steps": 2, "eval_every": 0})");
        const QString key = setting.section('=', 0, 0);
        const auto r = tbtest::safetyCli({"train", dir + "/run.json", "--set", "run_dir=" + dir + "/run-" + key, "--set", setting},
                                         {}, 60000);
        QVERIFY2(!r.timedOut, "still running after a minute");
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains("'" + key + "'") && r.err.contains("out of range"), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir + "/run-" + key));
    }

    // A run whose estimate is huge (a long context) is refused by memory_limit_mb: the
    // estimate is a positive number, never one that overflowed.
    void hugeEstimateIsEnforced()
    {
        const QString dir = tbtest::tempDir() + "/estimate";
        QDir().mkpath(dir);
        QVERIFY(tbtest::safetyCorpus(dir + "/corpus.txt", 20000));
        tbtest::safetyWrite(dir + "/run.json", R"({"data": "corpus.txt", "tokenizer_type": "char", "vocab_size": 100,
            "preset": "nano", "context_length": 1048576, "batch_size": 64, "max_steps": 2, "eval_every": 0,
            "memory_limit_mb": 4096})");
        const auto r = tbtest::safetyCli({"train", dir + "/run.json", "--set", "run_dir=" + dir + "/run"}, {}, 120000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("this run needs about") && r.err.contains("4096 MiB is available") && !r.err.contains("about -"),
                 qPrintable(r.err));
    }

    // A 12 MB single-line row is reported with its line and left out, in seconds, not
    // tokenised for minutes (the cost grew with the line).
    void hugeRowIsReportedNotTokenised()
    {
        TB_REQUIRE_SHARED(tokenizer, "models/llama2-tokenizer.model");
        const QString dir = tbtest::tempDir() + "/huge-row";
        QDir().mkpath(dir);
        QByteArray data = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + QByteArray(12 << 20, 'a')
            + "\"}, {\"role\": \"assistant\", \"content\": \"ok\"}]}\n";
        data += tbtest::safetyChatJsonl(20);
        tbtest::safetyWrite(dir + "/chat.jsonl", data);
        QElapsedTimer clock;
        clock.start();
        const auto r = tbtest::safetyCli({"dataset", "inspect", dir + "/chat.jsonl", "--model", tokenizer}, {}, 60000);
        QVERIFY2(!r.timedOut, "still tokenising after a minute");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("chat.jsonl:1: ") && r.out.contains("at most 1 MiB"), qPrintable(r.out.left(2000)));
        QVERIFY2(r.out.contains("used: 20"), qPrintable(r.out.left(2000)));
        QVERIFY2(clock.elapsed() < 30000, qPrintable(QString::number(clock.elapsed())));
    }

    // UTF-16 files are named as what they are, not shown as raw bytes.
    void utf16IsNamed()
    {
        TB_REQUIRE_SHARED(tokenizer, "models/llama2-tokenizer.model");
        const QString dir = tbtest::tempDir() + "/utf16";
        QDir().mkpath(dir);
        const QString text = QString::fromUtf8(tbtest::safetyChatJsonl(5));
        QByteArray utf16("\xFF\xFE", 2);
        utf16.append(reinterpret_cast<const char *>(text.utf16()), text.size() * 2);
        tbtest::safetyWrite(dir + "/chat.jsonl", utf16);
        const auto inspect = tbtest::safetyCli({"dataset", "inspect", dir + "/chat.jsonl", "--model", tokenizer});
        QCOMPARE(inspect.exitCode, 1);
        QVERIFY2(inspect.err.contains("UTF-16") && inspect.err.contains("save it as UTF-8"), qPrintable(inspect.err));
        const QString toml = "data = \"chat.jsonl\"\nmax_steps = 2\n";
        QByteArray tomlUtf16("\xFF\xFE", 2);
        tomlUtf16.append(reinterpret_cast<const char *>(toml.utf16()), toml.size() * 2);
        tbtest::safetyWrite(dir + "/run.toml", tomlUtf16);
        const auto train = tbtest::safetyCli({"train", dir + "/run.toml"});
        QCOMPARE(train.exitCode, 1);
        QVERIFY2(train.err.contains("run.toml") && train.err.contains("UTF-16"), qPrintable(train.err));
    }

    // A FIFO as data, config, weights or tokenizer, and a device as tokenizer, are refused
    // at once; nothing blocks or reads without end.
    void fifosAndDevicesAreRefused()
    {
        TB_REQUIRE_SHARED(tokenizer, "models/llama2-tokenizer.model");
        const QString dir = tbtest::tempDir() + "/fifo";
        QDir().mkpath(dir);
        for (const char *name : {"data.jsonl", "run.toml", "model.gguf", "tok.model"})
            QCOMPARE(::mkfifo((dir + "/" + name).toLocal8Bit().constData(), 0644), 0);
        tbtest::safetyWrite(dir + "/run.json", R"({"data": "data.jsonl", "max_steps": 2})");
        const QList<QStringList> commands = {
            {"dataset", "inspect", dir + "/data.jsonl", "--model", tokenizer},
            {"train", dir + "/run.toml"},
            {"train", dir + "/run.json", "--set", "run_dir=" + dir + "/run"},
            {"info", dir + "/model.gguf"},
            {"--tokenizer", "/dev/zero", "tokenize", tokenizer, "hello"},
            {"tokenize", "/dev/zero", "hello"},
            {"tokenize", dir + "/tok.model", "hello"},
        };
        for (const QStringList &command : commands) {
            const auto r = tbtest::safetyCli(command, {}, 20000);
            QVERIFY2(!r.timedOut, qPrintable("blocked: " + command.join(' ')));
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("FIFO") || r.err.contains("a device"), qPrintable(command.join(' ') + ": " + r.err));
        }
    }

    // Ctrl+C during an export removes what was being written: no OUT.tmp, no staging folder.
    void ctrlCDuringExportLeavesNothing_data()
    {
        QTest::addColumn<QString>("to");
        QTest::newRow("gguf") << "gguf";
        QTest::newRow("hf") << "hf";
    }
    void ctrlCDuringExportLeavesNothing()
    {
        QFETCH(QString, to);
        const QString dir = tbtest::tempDir() + "/ctrl-c";
        if (!QFile::exists(dir + "/model/model.safetensors"))
            tbtest::safetyModelFolder(dir + "/model", 768, 4, '\x3c');
        const QString out = dir + "/out-" + to + (to == "gguf" ? ".gguf" : "");
        bool interrupted = false;
        for (int round = 0; round < 8 && !interrupted; ++round) {
            QProcess convert;
            convert.start(tbtest::buildDir() + "/app/tunebench-cli", {"convert", dir + "/model", out, "--to", to});
            QVERIFY(convert.waitForStarted());
            QElapsedTimer clock;
            clock.start();
            while (!interrupted && convert.state() == QProcess::Running && clock.elapsed() < 60000) {
                // Its temporary exists and is being filled: interrupt it now.
                for (const QString &f : tbtest::safetyFilesNamed(dir, ".tmp"))
                    if (QFileInfo(f).isFile() && QFileInfo(f).size() > (4 << 20)) {
                        ::kill(pid_t(convert.processId()), SIGINT);
                        interrupted = true;
                        break;
                    }
                if (!interrupted)
                    ::usleep(200);
            }
            QVERIFY(convert.waitForFinished(60000));
            if (!interrupted) {
                QFile::remove(out);
                QDir(out).removeRecursively();
            }
        }
        if (!interrupted)
            QSKIP("the export always finished before it could be interrupted");
        QCOMPARE(tbtest::safetyFilesNamed(dir, ".tmp"), QStringList());
        QVERIFY(!QFileInfo::exists(out));
    }

    // Tokenizer training that fails says why: an impossible vocabulary size is refused as an
    // option, and a full disk (SentencePiece writes a truncated model and reports success)
    // is named as one.
    void tokenizerTrainingSaysWhy()
    {
        tbtest::SafetyTmpfs disk(1 << 20);
        if (!disk.mounted()) {
            // CI runs as root, so a skip there would hide the test (a missing fixture fails).
            if (tbtest::inCi())
                QFAIL(qPrintable("no real full disk to test with: " + disk.why()));
            QSKIP(qPrintable("no real full disk to test with: " + disk.why()));
        }
        const QString dir = tbtest::tempDir() + "/tokenizer";
        QDir().mkpath(dir);
        QVERIFY(tbtest::safetyCorpus(dir + "/corpus.txt", 20000));
        tbtest::safetyWrite(dir + "/run.json", R"({"data": "corpus.txt", "vocab_size": 400, "preset": "nano",
            "context_length": 32, "batch_size": 4, "max_steps": 2, "eval_every": 0})");
        disk.fillLeaving(8 * 1024, disk.path() + "/filler");
        const auto r = tbtest::safetyCli({"train", dir + "/run.json", "--set", "run_dir=" + disk.path() + "/run"});
        QCOMPARE(r.exitCode, 1);
        const QString line = r.errLines().last();
        const int at = line.indexOf("tokenizer training failed: ");
        QVERIFY2(at >= 0, qPrintable(line));
        QVERIFY2(line.mid(at + 27).trimmed().size() > 20 && line.contains("disk"), qPrintable(line));
    }
};

TB_REGISTER_TEST(TestRunSafetySmallCli, "run_safety_small_cli");
#include "tst_run_safety_small_cli.moc"
