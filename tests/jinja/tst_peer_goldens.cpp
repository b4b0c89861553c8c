// ctest-labels: peer
// ctest-timeout: 300
// Re-derives tests/data/template_goldens/goldens.json with @huggingface/jinja (derive.mjs,
// tests/peer's node_modules) into a temporary folder: it must equal the checked-in file, so
// the goldens cannot drift from the reference or from the templates of the pinned packages.
#include "jinja_test_util.h"
#include "test_support.h"

#include <QFile>
#include <QProcess>
#include <QtTest/QtTest>

class TestJinjaPeerGoldens : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void derivationReproducesGoldens()
    {
        QString why;
        if (!jinjatest::requirePeerModules(&why)) {
            if (tbtest::inCi())
                QFAIL(qPrintable(why));
            QSKIP(qPrintable(why));
        }
        const QString folder = tbtest::sourceDir() + "/tests/data/template_goldens";
        const QString out = tbtest::tempDir() + "/template_goldens";
        QProcess node;
        node.setProcessChannelMode(QProcess::MergedChannels);
        node.start("node", {folder + "/derive.mjs", out});
        QVERIFY(node.waitForFinished(240000));
        QVERIFY2(node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0, node.readAll().constData());

        QFile fresh(out + "/goldens.json");
        QFile checkedIn(folder + "/goldens.json");
        QVERIFY(fresh.open(QIODevice::ReadOnly));
        QVERIFY(checkedIn.open(QIODevice::ReadOnly));
        const QByteArray a = fresh.readAll();
        const QByteArray b = checkedIn.readAll();
        QVERIFY(a.size() > 10000);
        QVERIFY2(a == b, "goldens.json differs from a fresh derivation: run `node tests/data/template_goldens/derive.mjs`");
    }
};

TB_REGISTER_TEST(TestJinjaPeerGoldens, "peer_goldens");
#include "tst_peer_goldens.moc"
