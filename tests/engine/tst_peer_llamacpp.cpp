// ctest-labels: peer
// ctest-timeout: 600
// llama.cpp (node-llama-cpp 3.21.1, tests/peer) reads a GGUF that Tunebench exported and must
// tokenise the prompt and decode greedily to exactly the ids Tunebench produces. A random
// model with the real Llama 2 vocabulary exercises the q/k permutation, the tensor names and
// shapes, the hyperparameter keys and the embedded SentencePiece vocabulary at once.
#include "engine_test_util.h"
#include "test_support.h"

#include "gguf_model.h"
#include "tokenizer.h"

#include <nlohmann/json.hpp>

#include <QProcess>
#include <QtTest/QtTest>

namespace {

} // namespace

class TestPeerLlamacpp : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void greedyIdsMatchLlamaCpp()
    {
        TB_REQUIRE_SHARED(spm, "models/llama2-tokenizer.model");
        const QString peerDir = tbtest::sourceDir() + "/tests/peer";
        const QString script = peerDir + "/greedy.mjs";
        if (!QFileInfo::exists(peerDir + "/node_modules/node-llama-cpp/package.json")
            || QStandardPaths::findExecutable("node").isEmpty()) {
            const char *why = "node or tests/peer/node_modules missing (run `npm ci` in tests/peer, "
                              "as scripts/test.sh does)";
            if (tbtest::inCi())
                QFAIL(why);
            QSKIP(why);
        }

        auto tokenizer = tb::Tokenizer::fromFile(spm.toStdString());
        QCOMPARE(tokenizer->vocabSize(), int64_t(32000));
        tb::ModelConfig c;
        c.vocabSize = tokenizer->vocabSize();
        c.hiddenSize = 64;
        c.intermediateSize = 172;
        c.numLayers = 2;
        c.numHeads = 4;
        c.numKvHeads = 2; // GQA: k is permuted with n_kv_heads, q with n_heads
        c.maxPositions = 256;
        c.bosTokenId = tokenizer->bosId();
        c.eosTokenId = tokenizer->eosId();
        tb::LlamaModel model(c);
        model->initWeights(20240611);
        {
            // std 0.02 -> 0.5: logits spread by several units, so the top-1 margin dwarfs the
            // ~1e-5 float32 differences between two implementations and argmax cannot flip on
            // noise; norms get varied weights so a norm mix-up would show.
            torch::NoGradGuard noGrad;
            auto gen = at::make_generator<at::CPUGeneratorImpl>(7);
            for (auto &p : model->named_parameters()) {
                if (p.value().dim() >= 2)
                    p.value().mul_(25.0);
                else
                    p.value().uniform_(0.5, 1.5, gen);
            }
        }
        model->eval();

        const QString gguf = tbtest::tempDir() + "/peer-f32.gguf";
        tb::exportGguf(model, tokenizer.get(), gguf.toStdString(), "F32");

        const std::string prompt = "The quick brown fox jumps over the lazy dog. Once upon a time, 42 robots";
        const int count = 24;
        const std::vector<int64_t> promptIds = tokenizer->encode(prompt, false);
        std::vector<int64_t> ours;
        {
            torch::NoGradGuard noGrad;
            std::vector<int64_t> input{tokenizer->bosId()};
            input.insert(input.end(), promptIds.begin(), promptIds.end());
            tb::KvCache cache = model->makeCache(1, int64_t(input.size()) + count);
            tb::ForwardOptions options;
            options.cache = &cache;
            torch::Tensor logits = model->forward(tbtest::idsTensor(input), options); // (1, T, V)
            double smallestMargin = 1e9;
            for (int i = 0; i < count; ++i) {
                const auto top = logits[0][-1].topk(2);
                smallestMargin = std::min(smallestMargin,
                                          (std::get<0>(top)[0] - std::get<0>(top)[1]).item<double>());
                ours.push_back(std::get<1>(top)[0].item<int64_t>());
                logits = model->forward(tbtest::idsTensor({ours.back()}), options);
            }
            qInfo("Tunebench greedy: smallest top-1 margin %.3f over %d tokens", smallestMargin, count);
            // The premise of comparing argmaxes: float32 noise (~1e-5) cannot flip any of them.
            QVERIFY(smallestMargin > 1e-3);
        }

        QProcess node;
        node.setWorkingDirectory(peerDir);
        node.start(QStandardPaths::findExecutable("node"),
                   {script, gguf, QString::fromStdString(prompt), QString::number(count)});
        QVERIFY2(node.waitForFinished(300000), "node greedy.mjs did not finish in 300 s");
        const QByteArray err = node.readAllStandardError();
        QVERIFY2(node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0, err.constData());
        const QList<QByteArray> lines = node.readAllStandardOutput().trimmed().split('\n');
        const nlohmann::json peer = nlohmann::json::parse(lines.last().toStdString());

        const auto peerPrompt = peer["prompt_ids"].get<std::vector<int64_t>>();
        const auto peerIds = peer["generated"].get<std::vector<int64_t>>();
        qInfo("llama.cpp prompt ids: %s", peer["prompt_ids"].dump().c_str());
        qInfo("llama.cpp generated:  %s", peer["generated"].dump().c_str());
        QCOMPARE(peerPrompt, promptIds);
        QCOMPARE(int(peerIds.size()), count);
        QCOMPARE(ours, peerIds);
    }
};

TB_REGISTER_TEST(TestPeerLlamacpp, "peer_llamacpp");

#include "tst_peer_llamacpp.moc"
