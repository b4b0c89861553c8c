// ctest-labels: peer
// ctest-timeout: 900
// The checked-in tokenizer.json goldens are what Hugging Face's JavaScript tokenizers give
// today: derive.mjs runs again into a temporary folder and every file must be identical.
#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest/QtTest>

class TestPeerHfGoldens : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void goldensMatchDerivation()
    {
        const QString peerDir = tbtest::sourceDir() + "/tests/peer";
        const QString goldens = tbtest::sourceDir() + "/tests/data/tokenizer_goldens";
        if (!QFileInfo::exists(peerDir + "/node_modules/@huggingface/tokenizers/package.json")
            || QStandardPaths::findExecutable("node").isEmpty()) {
            const char *why = "node or tests/peer/node_modules missing (run `npm ci` in tests/peer, "
                              "as scripts/test.sh does)";
            if (tbtest::inCi())
                QFAIL(why);
            QSKIP(why);
        }
        const QString out = tbtest::tempDir() + "/hf-goldens";
        QProcess node;
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start("node", {goldens + "/derive.mjs", out});
        QVERIFY(node.waitForFinished(800 * 1000));
        const QString log = QString::fromUtf8(node.readAll());
        QVERIFY2(node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0, qPrintable(log));
        const QStringList derived = QDir(out).entryList({"*.json"}, QDir::Files);
        QCOMPARE(derived.size(), 7);
        for (const QString &name : derived) {
            QFile fresh(out + "/" + name), stored(goldens + "/" + name);
            QVERIFY(fresh.open(QIODevice::ReadOnly));
            QVERIFY2(stored.open(QIODevice::ReadOnly), qPrintable(name + " is not checked in"));
            QVERIFY2(fresh.readAll() == stored.readAll(),
                     qPrintable(name + " differs from a fresh derivation; run derive.mjs (README.md)"));
        }
    }
};

TB_REGISTER_TEST(TestPeerHfGoldens, "peer_hf_goldens");
#include "tst_peer_hf_goldens.moc"
