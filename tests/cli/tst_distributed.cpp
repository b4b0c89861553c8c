// Data-parallel training over c10d/Gloo on 127.0.0.1: two ranks match a one-process run of
// the same global batch on chat data with uneven masks, hold bitwise-equal replicas, resume
// exactly, and stop with an error when a rank dies or hangs.
// ctest-timeout: 300
#include "cli_runner.h"
#include "test_support.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// One folder for the whole test (tbtest::tempDir() makes a new one per call).
QString base()
{
    static const QString dir = tbtest::tempDir();
    return dir;
}

// Chat rows whose user and assistant turns vary in length (2..14 and 1..24 words): only the
// assistant's tokens train, so every row and every rank's share has a different count.
QString chatData()
{
    static QString path;
    if (!path.isEmpty())
        return path;
    const QStringList words = QString("the a cat dog sat on mat blue red green house tree river stone light dark "
                                      "quick slow")
                                  .split(' ');
    uint32_t state = 12345;
    auto next = [&](uint32_t n) {
        state = state * 1664525u + 1013904223u;
        return (state >> 8) % n;
    };
    auto sentence = [&](uint32_t minWords, uint32_t maxWords) {
        QStringList s;
        const uint32_t n = minWords + next(maxWords - minWords + 1);
        for (uint32_t i = 0; i < n; ++i)
            s << words[int(next(uint32_t(words.size())))];
        return s.join(' ');
    };
    QByteArray rows;
    for (int i = 0; i < 96; ++i) {
        QJsonArray messages{QJsonObject{{"role", "user"}, {"content", sentence(2, 14)}},
                            QJsonObject{{"role", "assistant"}, {"content", sentence(1, 24)}}};
        rows += QJsonDocument(QJsonObject{{"messages", messages}}).toJson(QJsonDocument::Compact) + "\n";
    }
    path = base() + "/chat.jsonl";
    tbtest::writeFile(path, rows);
    return path;
}

// A small from-scratch chat run; `batch` rows per rank per micro-batch, two micro-batches.
QString config(const QString &name, int batch, int steps, double timeoutS = 30)
{
    const QString path = base() + "/" + name + ".json";
    nlohmann::json j = {{"data", chatData().toStdString()},
                        {"chat_template", "chatml"},
                        {"tokenizer_type", "char"},
                        {"vocab_size", 40},
                        {"preset", "nano"},
                        {"context_length", 96},
                        {"batch_size", batch},
                        {"grad_accumulation", 2},
                        {"max_steps", steps},
                        {"warmup_steps", 3},
                        {"eval_every", 8},
                        {"eval_batches", 2},
                        {"learning_rate", 3e-3},
                        {"threads", 1},
                        {"seed", 5},
                        {"keep_last", 3},
                        {"dist_timeout_s", timeoutS},
                        {"run_dir", (base() + "/" + name).toStdString()}};
    tbtest::writeFile(path, QByteArray::fromStdString(j.dump(2)));
    return path;
}

std::map<int64_t, double> stepLosses(const QString &runDir)
{
    std::map<int64_t, double> losses;
    QFile f(runDir + "/metrics.jsonl");
    if (!f.open(QIODevice::ReadOnly))
        return losses;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        auto j = nlohmann::json::parse(line.toStdString());
        if (j.contains("loss")) {
            const int64_t step = j["step"].get<int64_t>();
            if (losses.count(step))
                losses[-1] = 1; // a step written twice (two ranks writing) shows as key -1
            losses[step] = j["loss"].get<double>();
        }
    }
    return losses;
}

nlohmann::json lastTrainerState(const QString &runDir)
{
    QStringList checkpoints = QDir(runDir + "/checkpoints").entryList({"step-*"}, QDir::Dirs, QDir::Name);
    checkpoints.removeIf([](const QString &n) { return n.endsWith(".tmp"); });
    if (checkpoints.isEmpty())
        return {};
    QFile f(runDir + "/checkpoints/" + checkpoints.last() + "/trainer_state.json");
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return nlohmann::json::parse(f.readAll().toStdString());
}

QString cliPath()
{
    return tbtest::buildDir() + "/app/tunebench-cli";
}

int freePort()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

// Waits until `p` printed a --json step event for step >= `step` (false when it ended first).
bool waitForStep(QProcess &p, int step, QByteArray &out, int timeoutMs = 120000)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        p.waitForReadyRead(100);
        out += p.readAllStandardOutput();
        for (const QByteArray &line : out.split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value("event").toString() == "step" && o.value("step").toInt() >= step)
                return true;
        }
        if (p.state() == QProcess::NotRunning)
            return false;
    }
    return false;
}

// The processes whose parent is `parent` (from /proc/*/stat).
QList<pid_t> childrenOf(pid_t parent)
{
    QList<pid_t> children;
    for (const QString &entry : QDir("/proc").entryList(QDir::Dirs)) {
        bool number = false;
        const pid_t pid = pid_t(entry.toInt(&number));
        if (!number)
            continue;
        QFile f("/proc/" + entry + "/stat");
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray stat = f.readAll();
        const int close = stat.lastIndexOf(')'); // the command name may hold spaces
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        if (fields.size() > 1 && fields[1].toInt() == parent)
            children << pid;
    }
    return children;
}

const int kSteps = 24;

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Two ranks with 4 rows each against one process with 8: the same loss at every step
    // (within 1e-5 relative) although the ranks' shares hold different numbers of trained
    // tokens; the replicas are bitwise equal at every checkpoint; only rank 0 writes.
    void twoRanksMatchOneProcess()
    {
        const tbtest::CliRun one = tbtest::runCli({"train", config("one", 8, kSteps), "--json"});
        QVERIFY2(one.exitCode == 0, qPrintable(one.err));
        const tbtest::CliRun two = tbtest::runCli({"train", config("two", 4, kSteps), "--nproc", "2", "--json"});
        QVERIFY2(two.exitCode == 0, qPrintable(two.err));
        QVERIFY(two.out.contains("data parallel: 2 ranks"));

        const auto reference = stepLosses(base() + "/one");
        const auto parallel = stepLosses(base() + "/two");
        QCOMPARE(reference.size(), size_t(kSteps));
        QCOMPARE(parallel.size(), size_t(kSteps)); // no step written twice
        for (const auto &[step, loss] : reference)
            QVERIFY2(std::abs(loss - parallel.at(step)) <= 1e-5 * std::abs(loss),
                     qPrintable(QStringLiteral("step %1: one process %2, two ranks %3")
                                    .arg(step)
                                    .arg(loss, 0, 'g', 10)
                                    .arg(parallel.at(step), 0, 'g', 10)));
        QVERIFY(reference.at(kSteps) < reference.at(1) - 0.3); // it learned something

        const nlohmann::json state = lastTrainerState(base() + "/two");
        QCOMPARE(state.value("step", 0), kSteps);
        QCOMPARE(state.value("world_size", 0), 2);
        QCOMPARE(state["replica_fingerprints"].size(), size_t(2));
        QCOMPARE(state["replica_fingerprints"][0].get<uint64_t>(), state["replica_fingerprints"][1].get<uint64_t>());
        // Each rank's own RNG state is kept for resume (rank 1 draws its own dropout).
        QCOMPARE(state["rank_torch_rng"].size(), size_t(2));
        QVERIFY(state["rank_torch_rng"][0] != state["rank_torch_rng"][1]);
    }

    // Ctrl+C stops both ranks at the same step; --resume with two ranks then gives the same
    // losses and the same final weights (fingerprint) as the uninterrupted run above.
    void resumeContinuesIdentically()
    {
        const QString straight = base() + "/two";
        if (stepLosses(straight).size() != size_t(kSteps))
            twoRanksMatchOneProcess();
        const QString dir = base() + "/stopped";
        QProcess p;
        p.start(cliPath(), {"train", config("stopped", 4, kSteps), "--nproc", "2", "--json"});
        QByteArray out;
        QVERIFY2(waitForStep(p, 3, out), qPrintable(QString::fromUtf8(p.readAllStandardError())));
        kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const nlohmann::json stoppedAt = lastTrainerState(dir);
        const int k = stoppedAt.value("step", 0);
        QVERIFY2(k >= 3 && k < kSteps, qPrintable(QStringLiteral("stopped at step %1").arg(k)));

        const tbtest::CliRun resumed = tbtest::runCli({"train", "--resume", dir, "--nproc", "2", "--json"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        const auto a = stepLosses(straight), b = stepLosses(dir);
        QCOMPARE(b.size(), size_t(kSteps));
        for (const auto &[step, loss] : a)
            QVERIFY2(loss == b.at(step), qPrintable(QStringLiteral("step %1 (stopped after %2): %3 vs %4")
                                                        .arg(step)
                                                        .arg(k)
                                                        .arg(loss, 0, 'g', 17)
                                                        .arg(b.at(step), 0, 'g', 17)));
        const nlohmann::json endA = lastTrainerState(straight), endB = lastTrainerState(dir);
        QCOMPARE(endB.value("step", 0), kSteps);
        QCOMPARE(endA["replica_fingerprints"][0].get<uint64_t>(), endB["replica_fingerprints"][0].get<uint64_t>());

        // Another number of ranks would shard the data differently: refused.
        const tbtest::CliRun other = tbtest::runCli({"train", "--resume", dir, "--set", "max_steps=50"});
        QVERIFY(other.exitCode != 0);
        QVERIFY2(other.err.contains("same number"), qPrintable(other.err));
    }

    // Ranks started as torchrun starts them (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT). When
    // rank 1 hangs (SIGSTOP) or dies (SIGKILL) mid-run, rank 0 exits with an error naming the
    // timeout, within dist_timeout_s (3 s) plus a margin, instead of waiting forever.
    void lostRankStopsTheOthers_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("hang") << int(SIGSTOP);
        QTest::newRow("crash") << int(SIGKILL);
    }

    void lostRankStopsTheOthers()
    {
        QFETCH(int, signal);
        const double timeoutS = 3.0;
        const QString name = QStringLiteral("lost-%1").arg(signal);
        const QString cfg = config(name, 4, 100000, timeoutS);
        const QString port = QString::number(freePort());
        QProcess ranks[2];
        for (int r = 0; r < 2; ++r) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("MASTER_ADDR", "127.0.0.1");
            env.insert("MASTER_PORT", port);
            env.insert("RANK", QString::number(r));
            env.insert("LOCAL_RANK", QString::number(r));
            env.insert("WORLD_SIZE", "2");
            env.insert("LOCAL_WORLD_SIZE", "2");
            ranks[r].setProcessEnvironment(env);
            ranks[r].start(cliPath(), {"train", cfg, "--json"});
        }
        QByteArray out;
        const bool running = waitForStep(ranks[0], 3, out);
        if (!running) {
            for (QProcess &p : ranks)
                p.kill();
            QFAIL(qPrintable("rank 0 did not reach step 3: " + QString::fromUtf8(ranks[0].readAllStandardError())));
        }
        QElapsedTimer timer;
        timer.start();
        kill(pid_t(ranks[1].processId()), signal);
        const bool ended = ranks[0].waitForFinished(int(timeoutS * 1000) + 30000);
        const qint64 waited = timer.elapsed();
        const QString err = QString::fromUtf8(ranks[0].readAllStandardError());
        for (QProcess &p : ranks) {
            if (p.state() != QProcess::NotRunning) {
                kill(pid_t(p.processId()), SIGKILL);
                p.waitForFinished(10000);
            }
        }
        QVERIFY2(ended, "rank 0 kept waiting for the lost rank");
        QVERIFY(ranks[0].exitStatus() == QProcess::NormalExit);
        QCOMPARE(ranks[0].exitCode(), 1);
        QVERIFY2(err.contains("distributed training: rank 0 of 2") && err.contains("dist_timeout_s"), qPrintable(err));
        QVERIFY2(waited < qint64(timeoutS * 1000) + 20000, qPrintable(QStringLiteral("took %1 ms").arg(waited)));
    }

    // torchrun's variables are checked before anything runs; a missing rank makes rank 0
    // fail at the rendezvous within dist_timeout_s instead of waiting forever.
    void badLaunchesFail_data()
    {
        QTest::addColumn<QStringList>("variables");
        QTest::addColumn<QString>("message");
        QTest::newRow("no rank") << QStringList{"WORLD_SIZE=2"} << "RANK is not set";
        QTest::newRow("rank too high") << QStringList{"WORLD_SIZE=2", "RANK=2"} << "is not below WORLD_SIZE=2";
        QTest::newRow("not a number") << QStringList{"WORLD_SIZE=two"} << "WORLD_SIZE=\"two\" is not a whole number";
        QTest::newRow("rank 1 never starts") << QStringList{"WORLD_SIZE=2", "RANK=0", "MASTER_ADDR=127.0.0.1"}
                                             << "distributed training: rank 0 of 2";
    }

    void badLaunchesFail()
    {
        QFETCH(QStringList, variables);
        QFETCH(QString, message);
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString &v : variables)
            env.insert(v.section('=', 0, 0), v.section('=', 1));
        env.insert("MASTER_PORT", QString::number(freePort()));
        p.setProcessEnvironment(env);
        QElapsedTimer timer;
        timer.start();
        p.start(cliPath(), {"train", config("bad", 4, 10, 2.0)});
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains(message), qPrintable(err));
        QVERIFY2(timer.elapsed() < 30000, qPrintable(QStringLiteral("took %1 ms").arg(timer.elapsed())));
    }

    // train --nproc: when one of its ranks dies, the launcher stops the other and fails with a
    // message naming the rank.
    void launcherFailsWhenARankFails()
    {
        QProcess p;
        p.start(cliPath(), {"train", config("launcher", 4, 100000), "--nproc", "2", "--json"});
        QByteArray out;
        QVERIFY2(waitForStep(p, 2, out), qPrintable(QString::fromUtf8(p.readAllStandardError())));
        const QList<pid_t> children = childrenOf(pid_t(p.processId()));
        QCOMPARE(children.size(), 2);
        pid_t rank1 = -1;
        for (pid_t child : children) {
            QFile environ(QStringLiteral("/proc/%1/environ").arg(child));
            QVERIFY(environ.open(QIODevice::ReadOnly));
            if (environ.readAll().split('\0').contains("RANK=1"))
                rank1 = child;
        }
        QVERIFY(rank1 > 0);
        kill(rank1, SIGKILL);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains("train --nproc 2: rank 1 failed (signal Killed)"), qPrintable(err));
        for (pid_t child : children)
            QVERIFY2(kill(child, 0) != 0, "a rank outlived the launcher");
    }
};

TB_REGISTER_TEST(TestDistributed, "distributed");
#include "tst_distributed.moc"
