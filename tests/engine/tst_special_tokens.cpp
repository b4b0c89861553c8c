// A special token the vocabulary lacks (ChatML on Llama 2) grows embed_tokens and lm_head,
// and survives export and re-import in both formats.
#include "chat_template.h"
#include "llama_model.h"
#include "gguf_model.h"
#include "hf_folder.h"
#include "model_loader.h"
#include "test_support.h"
#include "tokenizer.h"

#include <QtTest/QtTest>

class TestSpecialTokens : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void chatMlOnLlama2Vocabulary_data()
    {
        QTest::addColumn<QString>("format");
        QTest::newRow("hf") << "hf";
        QTest::newRow("gguf") << "gguf";
    }

    void chatMlOnLlama2Vocabulary()
    {
        QFETCH(QString, format);
        TB_REQUIRE_SHARED(tokPath, "models/llama2-tokenizer.model");
        auto tok = tb::Tokenizer::fromFile(tokPath.toStdString());
        tb::ModelConfig c;
        c.vocabSize = 32000;
        c.hiddenSize = 32;
        c.intermediateSize = 64;
        c.numHeads = 2;
        c.numKvHeads = 1;
        c.numLayers = 1;
        c.tieWordEmbeddings = false;
        tb::LlamaModel model(c);
        model->initWeights(2);
        const int64_t start = tok->addSpecialToken("<|im_start|>");
        const int64_t end = tok->addSpecialToken("<|im_end|>");
        QCOMPARE(start, int64_t(32000));
        QCOMPARE(end, int64_t(32001));
        model->resizeVocab(tok->vocabSize());
        QCOMPARE(model->model->embed_tokens->weight.size(0), int64_t(32002));
        QCOMPARE(model->lm_head->weight.size(0), int64_t(32002));

        auto rendered = tb::renderChat(*tok, tb::ChatTemplateKind::ChatML, {{"user", "hi"}, {"assistant", "hello"}}, false);
        QVERIFY(std::count(rendered.ids.begin(), rendered.ids.end(), start) == 2);
        auto ids = torch::tensor(rendered.ids, torch::kLong).unsqueeze(0);
        torch::Tensor before;
        {
            torch::NoGradGuard noGrad;
            before = model->forward(ids);
        }

        const QString out = tbtest::tempDir() + (format == "hf" ? "/hf" : "/model.gguf");
        if (format == "hf")
            tb::exportHfFolder(model, tok.get(), out.toStdString(), "F32");
        else
            tb::exportGguf(model, tok.get(), out.toStdString(), "F32");
        tb::LoadedModel back = tb::loadModel(out.toStdString());
        QCOMPARE(back.model->config().vocabSize, int64_t(32002));
        QVERIFY(back.tokenizer);
        QCOMPARE(back.tokenizer->vocabSize(), int64_t(32002));
        QCOMPARE(back.tokenizer->encode("<|im_start|>user\nhi<|im_end|>").front(), start);
        QCOMPARE(tb::renderChat(*back.tokenizer, tb::ChatTemplateKind::ChatML,
                                {{"user", "hi"}, {"assistant", "hello"}}, false).ids,
                 rendered.ids);
        torch::NoGradGuard noGrad;
        const double diff = (back.model->forward(ids) - before).abs().max().item<double>();
        QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
    }
};

TB_REGISTER_TEST(TestSpecialTokens, "special_tokens");
#include "tst_special_tokens.moc"
