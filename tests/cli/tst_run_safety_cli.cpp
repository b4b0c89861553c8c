// Runs and files that never lie (issue 12), defects 1-8, each attacked through tunebench-cli
// as a user (or an adversary) would: a LoRA run resumed, a kill in the window after a new
// best checkpoint is committed, two writers on one run, two exports to one file, a full
// disk (a real tmpfs) under metrics.jsonl and under optimizer.pt, symbolic links in a run
// folder and at an export's temporary, and an export into a folder that holds a model.
// ctest-labels: slow
// ctest-timeout: 900
#include "run_safety_support.h"
#include "test_support.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QtTest/QtTest>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

namespace {

// A from-scratch character-level run on a text corpus, with options on top.
QString rsScratchConfig(const QString &dir, const QString &extra)
{
    const QString path = dir + "/scratch.json";
    tbtest::safetyWrite(path, QString(R"({"data": "corpus.txt", "tokenizer_type": "char", "vocab_size": 100,
        "preset": "nano", "context_length": 32, "batch_size": 4, "threads": 1, "seed": 3, %1})")
                                  .arg(extra)
                                  .toUtf8());
    return path;
}

// The Step events' losses of a run, by step.
QMap<int, double> rsLosses(const QString &run)
{
    QMap<int, double> losses;
    for (const QJsonObject &e : tbtest::safetyMetrics(run + "/metrics.jsonl"))
        if (e.contains("loss"))
            losses[e.value("step").toInt()] = e.value("loss").toDouble();
    return losses;
}

double rsFinalValLoss(const QString &run)
{
    double value = -1;
    for (const QJsonObject &e : tbtest::safetyMetrics(run + "/metrics.jsonl"))
        if (e.value("final").toBool())
            value = e.value("val_loss").toDouble();
    return value;
}

} // namespace

class TestRunSafetyCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // 1. A LoRA run over a ChatML base, with no chat_template in its config, resumed after a
    // clean stop, trains exactly as the run that never stopped: the resume imports the base's
    // tokenizer (with its tokenizer_config.json) as the start did, and the template the start
    // derived is stored with the run.
    void loraResumeIsExact()
    {
        const QString dir = tbtest::tempDir() + "/lora-resume";
        QDir().mkpath(dir);
        tbtest::safetyWrite(dir + "/chat.jsonl", tbtest::safetyChatJsonl(80));
        tbtest::safetyWrite(dir + "/base.json", R"({"data": "chat.jsonl", "chat_template": "chatml",
            "tokenizer_type": "char", "vocab_size": 120, "preset": "nano", "context_length": 96, "batch_size": 4,
            "max_steps": 6, "eval_every": 0, "threads": 1})");
        const auto base = tbtest::safetyCli({"train", dir + "/base.json", "--set", "run_dir=" + dir + "/base"});
        QVERIFY2(base.exitCode == 0, qPrintable(base.err));
        tbtest::safetyWrite(dir + "/lora.json", R"({"data": "chat.jsonl", "model": "base/checkpoints/step-00000006",
            "lora_rank": 4, "lora_targets": "q_proj,v_proj", "context_length": 96, "batch_size": 4,
            "learning_rate": 0.02, "warmup_steps": 0, "schedule": "constant", "eval_every": 4, "eval_batches": 2,
            "threads": 1, "max_steps": 8})");
        const auto whole = tbtest::safetyCli({"train", dir + "/lora.json", "--set", "run_dir=" + dir + "/whole"});
        QVERIFY2(whole.exitCode == 0, qPrintable(whole.err));
        const auto first = tbtest::safetyCli(
            {"train", dir + "/lora.json", "--set", "run_dir=" + dir + "/split", "--set", "max_steps=4"});
        QVERIFY2(first.exitCode == 0, qPrintable(first.err));
        const auto resumed = tbtest::safetyCli({"train", "--resume", dir + "/split", "--set", "max_steps=8"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));

        const QMap<int, double> expected = rsLosses(dir + "/whole"), got = rsLosses(dir + "/split");
        QCOMPARE(got.keys(), expected.keys());
        for (int step = 5; step <= 8; ++step)
            QVERIFY2(got.value(step) == expected.value(step),
                     qPrintable(QString("step %1: loss %2 after the resume, %3 without a stop")
                                    .arg(step)
                                    .arg(got.value(step), 0, 'g', 17)
                                    .arg(expected.value(step), 0, 'g', 17)));
        QCOMPARE(rsFinalValLoss(dir + "/split"), rsFinalValLoss(dir + "/whole"));
    }

    // 2. Killed right after a new best checkpoint is committed (the window in which the old
    // trainer had not yet rewritten its trainer_state.json), the checkpoint already names
    // itself as the best; the resumed run's run.json, its best checkpoint and `export` agree.
    void killAfterANewBestKeepsTheBest()
    {
        const QString dir = tbtest::tempDir() + "/best-window";
        QDir().mkpath(dir);
        QVERIFY(tbtest::safetyCorpus(dir + "/corpus.txt", 20000));
        const QString config = rsScratchConfig(dir, R"("max_steps": 40, "eval_every": 5, "keep_last": 1,
            "learning_rate": 0.01, "warmup_steps": 0, "schedule": "constant")");
        const QString run = dir + "/run";
        const auto killed = tbtest::safetyCli({"train", config, "--set", "run_dir=" + run},
                                              {{"TUNEBENCH_CRASH_AT", "checkpoint-committed:3"}});
        QVERIFY2(killed.killed, qPrintable("the crash point was not reached: " + killed.err));
        const QJsonObject state = tbtest::safetyJson(run + "/checkpoints/step-00000015/trainer_state.json");
        QVERIFY2(!state.isEmpty(), "step 15 was not committed");
        // The precondition: step 15 is a new best (the loss falls steadily here).
        QCOMPARE(state.value("early_stopping").toObject().value("best_step").toInt(), 15);
        QCOMPARE(state.value("best_checkpoint").toString(), QString("step-00000015"));

        const auto resumed = tbtest::safetyCli({"train", "--resume", run});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        const QJsonObject summary = tbtest::safetyJson(run + "/run.json");
        const QString best = QFileInfo(summary.value("best_checkpoint").toString()).fileName();
        QCOMPARE(best, QString("step-%1").arg(summary.value("best_step").toInt(), 8, 10, QChar('0')));
        QVERIFY2(QFile::exists(run + "/checkpoints/" + best + "/trainer_state.json"), qPrintable(best));
        const auto exported = tbtest::safetyCli({"export", run, dir + "/exported"});
        QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
        QVERIFY2(exported.err.contains("/checkpoints/" + best + " "), qPrintable(exported.err));
    }

    // 3. One writer per run: a `train --resume` or a `train` on a run another process trains
    // is refused in one line that names the holder (run.lock: pid and host), and the run
    // goes on undisturbed; of two `train` started together on one run_dir, one trains.
    void secondWriterIsRefused()
    {
        const QString dir = tbtest::tempDir() + "/lock";
        QDir().mkpath(dir);
        QVERIFY(tbtest::safetyCorpus(dir + "/corpus.txt", 20000));
        const QString config = rsScratchConfig(dir, R"("max_steps": 1000000, "eval_every": 0, "checkpoint_every": 20)");
        const QString run = dir + "/run";
        QProcess first;
        first.start(tbtest::buildDir() + "/app/tunebench-cli", {"train", config, "--set", "run_dir=" + run});
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(run + "/checkpoints/step-00000020/trainer_state.json"), 120000);

        const QString holder = QString("pid %1").arg(first.processId());
        const auto resume = tbtest::safetyCli({"train", "--resume", run}, {}, 60000);
        QCOMPARE(resume.exitCode, 1);
        QCOMPARE(resume.errLines().size(), 1);
        QVERIFY2(resume.err.contains("another process is writing this run") && resume.err.contains(holder)
                     && resume.err.contains("run.lock"),
                 qPrintable(resume.err));
        const auto again = tbtest::safetyCli({"train", config, "--set", "run_dir=" + run}, {}, 60000);
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains("another process is writing this run") && again.err.contains(holder),
                 qPrintable(again.err));

        QCOMPARE(first.state(), QProcess::Running);
        ::kill(pid_t(first.processId()), SIGINT); // Ctrl+C: stops at the next step with a checkpoint
        QVERIFY(first.waitForFinished(120000));
        QVERIFY2(first.exitCode() == 0, first.readAllStandardError().constData());
        int torn = 0;
        int previous = 0;
        for (const QJsonObject &e : tbtest::safetyMetrics(run + "/metrics.jsonl", &torn)) {
            QCOMPARE(e.value("step").toInt(), previous + 1); // every step once, in order
            previous = e.value("step").toInt();
        }
        QCOMPARE(torn, 0);
        QVERIFY(previous >= 20);
        QCOMPARE(tbtest::safetyFilesNamed(run, ".tmp"), QStringList());

        // Two started together: one trains, the other is refused.
        const QString shared = dir + "/together";
        QProcess a, b;
        for (QProcess *p : {&a, &b})
            p->start(tbtest::buildDir() + "/app/tunebench-cli",
                     {"train", config, "--set", "run_dir=" + shared, "--set", "max_steps=2000"});
        QVERIFY(a.waitForStarted() && b.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(a.state() == QProcess::NotRunning || b.state() == QProcess::NotRunning, 120000);
        QProcess &loser = a.state() == QProcess::NotRunning ? a : b;
        QProcess &winner = &loser == &a ? b : a;
        QCOMPARE(loser.exitCode(), 1);
        QVERIFY2(QString::fromUtf8(loser.readAllStandardError()).contains("another process is writing this run"),
                 "the second train was not refused");
        ::kill(pid_t(winner.processId()), SIGINT);
        QVERIFY(winner.waitForFinished(120000));
        QCOMPARE(winner.exitCode(), 0);
        tbtest::safetyMetrics(shared + "/metrics.jsonl", &torn);
        QCOMPARE(torn, 0);
    }

    // 4. Two converts to one file at once: the file is one of the two models whole, never a
    // mix (each writes its own temporary OUT.tmp.<pid>.<random>, created with O_EXCL). The
    // first is paused half-way through its write (SIGSTOP) while the second converts from
    // start to end, then goes on: the interleaving that mixed the files, made certain.
    void concurrentConvertsNeverMix()
    {
        const QString dir = tbtest::tempDir() + "/two-converts";
        tbtest::safetyModelFolder(dir + "/zeros", 768, 4, '\0');
        tbtest::safetyModelFolder(dir + "/ones", 768, 4, '\x3c');
        for (const QString &model : {QString("zeros"), QString("ones")}) {
            // Named as the shared file will be: GGUF's general.name is the file's name.
            QDir().mkpath(dir + "/alone-" + model);
            const auto r = tbtest::safetyCli({"convert", dir + "/" + model, dir + "/alone-" + model + "/same.gguf", "--to", "gguf"});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        }
        const QByteArray zeros = tbtest::safetyRead(dir + "/alone-zeros/same.gguf");
        const QByteArray ones = tbtest::safetyRead(dir + "/alone-ones/same.gguf");
        QVERIFY(zeros.size() > 100 * 1000 * 1000 && zeros != ones);
        const qint64 size = zeros.size();
        bool paused = false;
        for (int round = 0; round < 8 && !paused; ++round) {
            QFile::remove(dir + "/same.gguf");
            QProcess first;
            first.start(tbtest::buildDir() + "/app/tunebench-cli", {"convert", dir + "/zeros", dir + "/same.gguf", "--to", "gguf"});
            QVERIFY(first.waitForStarted());
            // Pause it once its temporary holds a part of the model.
            QElapsedTimer clock;
            clock.start();
            while (!paused && first.state() == QProcess::Running && clock.elapsed() < 60000) {
                for (const QFileInfo &f : QDir(dir).entryInfoList({"same.gguf.tmp*"}, QDir::Files | QDir::Hidden))
                    if (f.size() > (4 << 20) && f.size() < size - (16 << 20)) {
                        ::kill(pid_t(first.processId()), SIGSTOP);
                        paused = true;
                    }
                if (!paused)
                    ::usleep(200);
            }
            if (!paused) {
                first.waitForFinished(60000);
                continue;
            }
            const auto second = tbtest::safetyCli({"convert", dir + "/ones", dir + "/same.gguf", "--to", "gguf"});
            ::kill(pid_t(first.processId()), SIGCONT);
            QVERIFY(first.waitForFinished(120000));
            QVERIFY2(second.exitCode == 0 || first.exitCode() == 0, "both converts failed");
            const QByteArray same = tbtest::safetyRead(dir + "/same.gguf");
            QVERIFY2(same == zeros || same == ones,
                     qPrintable(QString("the file is a mix of the two models (%1 bytes; the first %2 bytes are "
                                        "the second model's)")
                                    .arg(same.size())
                                    .arg([&] {
                                        qint64 n = 0;
                                        while (n < same.size() && n < ones.size() && same[n] == ones[n])
                                            ++n;
                                        return n;
                                    }())));
            QCOMPARE(tbtest::safetyFilesNamed(dir, ".tmp"), QStringList());
        }
        if (!paused)
            QSKIP("the first convert always finished before it could be paused half-way");
    }

    // 5. A disk that fills in the middle of a run: the next line of the journal cannot be
    // written, and the run stops with the reason, naming the file, instead of going on (and,
    // once the disk has room again, finishing with a metrics.jsonl that misses lines); no
    // line is torn.
    void shortFullDiskStopsTheRun()
    {
        tbtest::SafetyTmpfs disk(16 << 20);
        if (!disk.mounted()) {
            // CI runs as root, so a skip there would hide the test (a missing fixture fails).
            if (tbtest::inCi())
                QFAIL(qPrintable("no real full disk to test with: " + disk.why()));
            QSKIP(qPrintable("no real full disk to test with: " + disk.why()));
        }
        const QString dir = tbtest::tempDir() + "/full-journal";
        QDir().mkpath(dir);
        QVERIFY(tbtest::safetyCorpus(dir + "/corpus.txt", 20000));
        const QString config = rsScratchConfig(dir, R"("max_steps": 1000000, "eval_every": 0)");
        const QString run = disk.path() + "/run";
        QProcess train;
        train.start(tbtest::buildDir() + "/app/tunebench-cli", {"train", config, "--set", "run_dir=" + run});
        QVERIFY(train.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(tbtest::safetyMetrics(run + "/metrics.jsonl").size() >= 5, 120000);
        // The disk stays full until the run stops (a line needs a new page of the tmpfs
        // within a few steps), at most a minute; then it has room again.
        disk.fillLeaving(0, disk.path() + "/filler");
        const bool stopped = train.waitForFinished(60000);
        QFile::remove(disk.path() + "/filler");
        if (!stopped) {
            train.kill();
            train.waitForFinished();
            QFAIL("the run went on for a minute after its metrics could not be written");
        }
        const QString err = QString::fromUtf8(train.readAllStandardError());
        QCOMPARE(train.exitCode(), 1);
        const QString last = err.split('\n', Qt::SkipEmptyParts).last();
        QVERIFY2(last.startsWith("error: ") && (last.contains("metrics.jsonl") || last.contains("train.log"))
                     && last.contains("No space left on device") && last.contains("training stopped at step"),
                 qPrintable(last));
        int torn = 0;
        tbtest::safetyMetrics(run + "/metrics.jsonl", &torn);
        QCOMPARE(torn, 0);
        QVERIFY(!QFile::exists(run + "/run.json")); // not "finished"
    }

    // 8. A full disk while optimizer.pt is written: the same one-line error as for the
    // weights, and the staging folder is removed (it would keep the disk full).
    void fullDiskAtTheOptimizerStateIsOneLine()
    {
        tbtest::SafetyTmpfs disk(32 << 20);
        if (!disk.mounted()) {
            // CI runs as root, so a skip there would hide the test (a missing fixture fails).
            if (tbtest::inCi())
                QFAIL(qPrintable("no real full disk to test with: " + disk.why()));
            QSKIP(qPrintable("no real full disk to test with: " + disk.why()));
        }
        const QString dir = tbtest::tempDir() + "/full-optimizer";
        QDir().mkpath(dir);
        QVERIFY(tbtest::safetyCorpus(dir + "/corpus.txt", 20000));
        // A wider model, so that its optimizer state (twice the weights) is what does not fit.
        const QString config = rsScratchConfig(dir, R"("max_steps": 3, "eval_every": 0, "hidden_size": 256,
            "intermediate_size": 512, "num_layers": 2, "num_heads": 4)");
        const auto reference = tbtest::safetyCli({"train", config, "--set", "run_dir=" + dir + "/reference"});
        QVERIFY2(reference.exitCode == 0, qPrintable(reference.err));
        const QString saved = dir + "/reference/checkpoints/step-00000003";
        const qint64 weights = QFileInfo(saved + "/model.safetensors").size();
        const qint64 optimizer = QFileInfo(saved + "/optimizer.pt").size();
        QVERIFY(optimizer > weights);
        qint64 small = 0; // the run's other files, rounded up to tmpfs pages
        for (const QString &f : {QString("/train.log"), QString("/metrics.jsonl"), QString("/config.json"),
                                 QString("/tokenizer.model"), QString("/tokenizer.vocab"), QString("/tokenizer-corpus.txt")})
            small += (QFileInfo(dir + "/reference" + f).size() / 4096 + 2) * 4096;
        for (const QString &f : QDir(saved).entryList(QDir::Files))
            if (f != "optimizer.pt" && f != "model.safetensors")
                small += (QFileInfo(saved + "/" + f).size() / 4096 + 2) * 4096;
        disk.fillLeaving(small + weights + 64 * 1024 + optimizer / 2, disk.path() + "/filler");
        const qint64 freeBefore = disk.freeBytes();
        QVERIFY(freeBefore < small + weights + optimizer);

        const QString run = disk.path() + "/run";
        const auto full = tbtest::safetyCli({"train", config, "--set", "run_dir=" + run});
        QCOMPARE(full.exitCode, 1);
        QVERIFY2(!full.err.contains("terminate called") && !full.err.contains("c10::Error"), qPrintable(full.err));
        const QString last = full.errLines().last();
        QVERIFY2(last.startsWith("error: ") && last.contains("optimizer.pt") && last.contains("No space left on device"),
                 qPrintable(full.err));
        QCOMPARE(tbtest::safetyFilesNamed(run, ".tmp"), QStringList());
        // What the checkpoint took is free again: only the run's small files stay.
        QVERIFY2(disk.freeBytes() >= freeBefore - small,
                 qPrintable(QString("%1 bytes free before, %2 after").arg(freeBefore).arg(disk.freeBytes())));
    }

    // 6. Links in a run folder are refused, not followed: training never writes through a
    // tokenizer-corpus.txt, metrics.jsonl or train.log link, and an export never writes
    // through a link planted at its temporary.
    void linksAreNotFollowed()
    {
        const QString dir = tbtest::tempDir() + "/links";
        QDir().mkpath(dir);
        tbtest::safetyWrite(dir + "/chat.jsonl", tbtest::safetyChatJsonl(40));
        tbtest::safetyWrite(dir + "/train.json", R"({"data": "chat.jsonl", "tokenizer_type": "char", "vocab_size": 120,
            "preset": "nano", "context_length": 64, "batch_size": 4, "max_steps": 2, "eval_every": 0, "threads": 1})");
        const QByteArray precious = "precious: nothing may overwrite this\n";
        for (const QString &name : {QString("tokenizer-corpus.txt"), QString("metrics.jsonl"), QString("train.log")}) {
            const QString run = dir + "/run-" + name;
            QDir().mkpath(run);
            const QString victim = dir + "/victim-" + name;
            tbtest::safetyWrite(victim, precious);
            QVERIFY(QFile::link(victim, run + "/" + name));
            const auto r = tbtest::safetyCli({"train", dir + "/train.json", "--set", "run_dir=" + run});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(name) && r.err.contains("symbolic link"), qPrintable(r.err));
            QCOMPARE(tbtest::safetyRead(victim), precious);
        }

        // An export's temporary: a link planted where an older version wrote OUT.tmp.
        const QString victim = dir + "/victim-export";
        tbtest::safetyWrite(victim, precious);
        QVERIFY(QFile::link(victim, dir + "/out.gguf.tmp"));
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        const auto convert = tbtest::safetyCli({"convert", model, dir + "/out.gguf", "--to", "gguf"});
        QVERIFY2(convert.exitCode == 0, qPrintable(convert.err));
        QCOMPARE(tbtest::safetyRead(victim), precious);
        QVERIFY(!QFileInfo(dir + "/out.gguf").isSymLink());
        // and one inside an existing folder: the folder is not empty, so nothing is written.
        QDir().mkpath(dir + "/hf");
        QVERIFY(QFile::link(victim, dir + "/hf/config.json.tmp"));
        const auto hf = tbtest::safetyCli({"convert", model, dir + "/hf", "--to", "hf"});
        QCOMPARE(hf.exitCode, 1);
        QCOMPARE(tbtest::safetyRead(victim), precious);
    }

    // 7. An export into a folder that holds a model is refused (so an old
    // model.safetensors.index.json cannot win over the new weights); --replace replaces the
    // whole folder, leaving none of the old files.
    void exportIntoAModelFolder()
    {
        TB_REQUIRE_SHARED(sharded, "fixtures/tiny-llama-bf16-sharded");
        TB_REQUIRE_SHARED(single, "fixtures/tiny-llama-f32");
        const QString dir = tbtest::tempDir() + "/export-into";
        const QString out = dir + "/model";
        QDir().mkpath(out);
        for (const QString &f : QDir(sharded).entryList(QDir::Files))
            QVERIFY(QFile::copy(sharded + "/" + f, out + "/" + f));
        const auto refused = tbtest::safetyCli({"convert", single, out, "--to", "hf"});
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(refused.errLines().size(), 1);
        QVERIFY2(refused.err.contains("not empty") && refused.err.contains("--replace"), qPrintable(refused.err));
        QVERIFY(QFile::exists(out + "/model.safetensors.index.json")); // untouched

        const auto replaced = tbtest::safetyCli({"convert", single, out, "--to", "hf", "--replace"});
        QVERIFY2(replaced.exitCode == 0, qPrintable(replaced.err));
        QStringList files = QDir(out).entryList(QDir::Files);
        files.sort();
        QCOMPARE(files, (QStringList{"config.json", "generation_config.json", "model.safetensors"}));
        QCOMPARE(tbtest::safetyFilesNamed(dir, ".tmp"), QStringList());
        // What loads is the new model: the f32 weights, byte for byte.
        const auto back = tbtest::safetyCli({"convert", out, dir + "/again", "--to", "hf"});
        QVERIFY2(back.exitCode == 0, qPrintable(back.err));
        QCOMPARE(tbtest::safetyRead(dir + "/again/model.safetensors"), tbtest::safetyRead(out + "/model.safetensors"));
    }
};

TB_REGISTER_TEST(TestRunSafetyCli, "run_safety_cli");
#include "tst_run_safety_cli.moc"
