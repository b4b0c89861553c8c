// The release-facing options of tunebench-cli: --version prints the one project version, and the
// global --device option computes where LibTorch can (cpu, auto) and refuses, in one line, a
// device this LibTorch build lacks.
#include "cli_runner.h"
#include "device.h"
#include "test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QtTest>

namespace {

bool buildHas(const std::string &prefix)
{
    for (const std::string &d : tb::availableDevices())
        if (d.rfind(prefix, 0) == 0)
            return true;
    return false;
}

} // namespace

class TestDeviceCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void versionIsTheProjectVersion()
    {
        const tbtest::CliRun r = tbtest::runCli({"--version"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QStringLiteral("tunebench-cli " TUNEBENCH_VERSION));
    }

    // The fixture's greedy continuation, token for token, with the device chosen explicitly
    // and automatically (which is the CPU with Debian's LibTorch).
    void generateOnDevice_data()
    {
        QTest::addColumn<QString>("device");
        QTest::newRow("cpu") << "cpu";
        QTest::newRow("auto") << "auto";
    }
    void generateOnDevice()
    {
        QFETCH(QString, device);
        TB_REQUIRE_SHARED(model, "fixtures/tiny-llama-f32");
        TB_REQUIRE_SHARED(expectedPath, "fixtures/tiny-llama-f32.expected.json");
        QFile f(expectedPath);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject greedy = QJsonDocument::fromJson(f.readAll()).object()["greedy"].toObject();
        const tbtest::CliRun r =
            tbtest::runCli({"--device", device, "generate", model, "--prompt-ids", tbtest::joinIds(greedy["prompt_ids"].toArray()),
                            "--ids", "--ignore-eos", "--max-new-tokens", QString::number(greedy["new_tokens"].toInt())});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), tbtest::joinIds(greedy["expected_ids"].toArray()));
    }

    void autoIsCpuWithoutAGpu()
    {
        if (buildHas("cuda") || buildHas("mps"))
            QSKIP("this LibTorch build has a GPU device; auto picks it");
        QCOMPARE(tb::resolveDevice("auto"), c10::Device(c10::kCPU));
        QCOMPARE(tb::availableDevices(), std::vector<std::string>{"cpu"});
    }

    // A device the build lacks: exit 1, one line that names the device and what is missing,
    // before any file is read (the model path does not even exist).
    void missingDeviceIsOneClearLine_data()
    {
        QTest::addColumn<QString>("device");
        QTest::addColumn<QString>("expected");
        QTest::newRow("cuda") << "cuda" << "no CUDA support";
        QTest::newRow("cuda:1") << "cuda:1" << "CUDA";
        QTest::newRow("mps") << "mps" << "no MPS (Metal) support";
        QTest::newRow("unknown") << "tpu" << "use auto, cpu, cuda, cuda:N or mps";
    }
    void missingDeviceIsOneClearLine()
    {
        QFETCH(QString, device);
        QFETCH(QString, expected);
        if (device != "tpu" && buildHas(device.left(device.indexOf(':')).toStdString()))
            QSKIP("this LibTorch build has that device");
        const QString missing = tbtest::tempDir() + "/no-such-model";
        const tbtest::CliRun r = tbtest::runCli({"--device", device, "generate", missing, "--prompt", "hi"});
        QCOMPARE(r.exitCode, 1);
        const QString err = r.err.trimmed();
        QVERIFY2(!err.contains('\n'), qPrintable(err));
        QVERIFY2(err.startsWith("error: ") && err.contains("'" + device + "'") && err.contains(expected), qPrintable(err));
        QVERIFY2(!err.contains(missing), qPrintable(err));
    }
};

TB_REGISTER_TEST(TestDeviceCli, "device_cli");
#include "tst_device_cli.moc"
