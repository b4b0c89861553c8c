// ctest-labels: slow
// ctest-timeout: 900
// Loading never holds two full copies of the weights: a TinyLlama-shaped random bf16 HF
// folder (~2.2 GB) loads for bf16 and for float32 compute with peak RSS at most 1.2x the
// weights in the compute dtype. Each step runs bench_load_rss in a fresh process, since
// VmHWM only grows: this test process (or building the model to write it) would set the peak.
#include "test_support.h"

#include <QtTest/QtTest>

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>

namespace {

constexpr double kGoalRatio = 1.2;

QString benchBinary()
{
    return QDir(tbtest::buildDir()).filePath(QStringLiteral("bench/bench_load_rss"));
}

// Runs bench_load_rss with `args`; returns stdout, or fails the test with its output.
bool runBench(const QStringList &args, QString *out)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(benchBinary(), args);
    if (!p.waitForStarted(30000)) {
        *out = p.errorString();
        return false;
    }
    p.waitForFinished(-1); // the CTest timeout bounds the whole test
    *out = QString::fromLocal8Bit(p.readAllStandardOutput());
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *out += QString::fromLocal8Bit(p.readAllStandardError());
        return false;
    }
    return true;
}

double field(const QString &line, const QString &key)
{
    const auto m = QRegularExpression(QStringLiteral(" %1=([0-9.]+)").arg(key)).match(line);
    return m.hasMatch() ? m.captured(1).toDouble() : -1.0;
}

} // namespace

class TestLoadRss : public QObject {
    Q_OBJECT

private:
    QString m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        if (!QFileInfo(benchBinary()).isExecutable()) {
            const QString why = QStringLiteral("no %1; build the bench_load_rss target (TUNEBENCH_BUILD_BENCH=ON)")
                                    .arg(benchBinary());
            if (tbtest::inCi())
                QFAIL(qPrintable(why));
            QSKIP(qPrintable(why));
        }
        m_dir = tbtest::tempDir() + QStringLiteral("/tinyllama-bf16");
        QString out;
        QVERIFY2(runBench({QStringLiteral("--write"), m_dir}, &out), qPrintable(out));
        QVERIFY(QFileInfo::exists(m_dir + QStringLiteral("/model.safetensors")));
    }

    void peakRssWithinGoal_data()
    {
        QTest::addColumn<QString>("dtype");
        QTest::newRow("bf16") << QStringLiteral("bf16");
        QTest::newRow("f32") << QStringLiteral("f32");
    }

    void peakRssWithinGoal()
    {
        QFETCH(QString, dtype);
        QString out;
        QVERIFY2(runBench({QStringLiteral("--load"), m_dir, QStringLiteral("--dtype"), dtype}, &out), qPrintable(out));
        const auto lines = out.split(QLatin1Char('\n'));
        QString line;
        for (const auto &l : lines)
            if (l.startsWith(QStringLiteral("load_rss ")))
                line = l;
        QVERIFY2(!line.isEmpty(), qPrintable(QStringLiteral("no load_rss line in:\n") + out));
        const double peak = field(line, QStringLiteral("peak_bytes"));
        const double weights = field(line, QStringLiteral("weight_bytes"));
        // The weights must be the whole model in the compute dtype (1.1e9 parameters), or
        // the ratio would prove nothing.
        const double elementSize = dtype == QStringLiteral("bf16") ? 2.0 : 4.0;
        QVERIFY2(weights > 1.0e9 * elementSize, qPrintable(line));
        QVERIFY2(peak > 0, qPrintable(line));
        const double ratio = peak / weights;
        qInfo("%s: peak RSS %.0f MB, weights %.0f MB, ratio %.3f", qPrintable(dtype), peak / 1e6, weights / 1e6, ratio);
        QVERIFY2(ratio <= kGoalRatio,
                 qPrintable(QStringLiteral("peak RSS %1 MB is %2x the %3 MB of %4 weights (goal <= %5x)")
                                .arg(peak / 1e6, 0, 'f', 0)
                                .arg(ratio, 0, 'f', 3)
                                .arg(weights / 1e6, 0, 'f', 0)
                                .arg(dtype)
                                .arg(kGoalRatio)));
    }
};

TB_REGISTER_TEST(TestLoadRss, "load_rss");
#include "tst_load_rss.moc"
