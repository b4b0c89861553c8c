// Sequence classification: the head reads the last real token, trains to fit a small
// intent set, saves and loads as a Hugging Face LlamaForSequenceClassification folder, and
// a frozen backbone gets no gradients.
#include "batching.h"
#include "dataset.h"
#include "error.h"
#include "hf_folder.h"
#include "model_loader.h"
#include "safetensors.h"
#include "classify.h"
#include "classifier_evaluation.h"
#include "classifier_folder.h"
#include "sequence_classifier.h"
#include "test_support.h"
#include "tokenizer.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

namespace {

// TORCH_MODULE's holder forwards its arguments, so a braced list needs its type spelled out.
using Labels = std::vector<std::string>;

// Three intents with words of their own, so a tiny model can separate them.
const std::vector<std::pair<std::string, std::string>> kRows = {
    {"hello there my friend", "greet"},       {"good morning to you", "greet"},
    {"hi hello how are you", "greet"},        {"hey there good evening", "greet"},
    {"hello friend nice to see you", "greet"}, {"good evening and hello", "greet"},
    {"i want to order a pizza", "order"},     {"please order two burgers", "order"},
    {"can i buy a large pizza", "order"},     {"order me some noodles please", "order"},
    {"i would like to buy burgers", "order"}, {"buy a pizza and noodles", "order"},
    {"give me my money back", "refund"},      {"i want a refund now", "refund"},
    {"refund my last payment", "refund"},     {"the money was taken twice refund it", "refund"},
    {"please return my money", "refund"},     {"i need a refund for the payment", "refund"},
};

struct Fixture {
    std::shared_ptr<tb::Tokenizer> tok;
    QString dataPath;
};

// A tokenizer trained on the rows (plus a <pad> token) and the rows as a classification CSV.
const Fixture &fixture()
{
    static Fixture f;
    if (f.tok)
        return f;
    const QString dir = tbtest::tempDir();
    QFile corpus(dir + "/intents.txt");
    corpus.open(QIODevice::WriteOnly);
    for (int repeat = 0; repeat < 3; ++repeat)
        for (const auto &[text, label] : kRows)
            corpus.write(QByteArray::fromStdString(text + "\n"));
    corpus.close();
    tb::TokenizerTrainOptions t;
    t.corpusPath = corpus.fileName().toStdString();
    t.outputPrefix = (dir + "/intents-sp").toStdString();
    t.vocabSize = 80;
    t.byteFallback = false;
    t.specialTokens = {"<pad>"};
    f.tok = tb::Tokenizer::train(t);
    f.tok->setSpecialIds(f.tok->bosId(), f.tok->eosId(), f.tok->pieceToId("<pad>"));

    f.dataPath = dir + "/intents.csv";
    QFile csv(f.dataPath);
    csv.open(QIODevice::WriteOnly);
    csv.write("text,label\n");
    for (const auto &[text, label] : kRows)
        csv.write(QByteArray::fromStdString(text + "," + label + "\n"));
    return f;
}

tb::LlamaModel smallModel(int64_t vocab, bool tied, uint64_t seed)
{
    tb::ModelConfig c;
    c.vocabSize = vocab;
    c.hiddenSize = 32;
    c.intermediateSize = 64;
    c.numHeads = 4;
    c.numKvHeads = 2;
    c.numLayers = 2;
    c.maxPositions = 64;
    c.tieWordEmbeddings = tied;
    tb::LlamaModel model(c);
    model->initWeights(seed);
    return model;
}

tb::Dataset intents()
{
    tb::DatasetOptions o;
    o.format = tb::DatasetFormat::Classification;
    o.validationRatio = 0;
    o.contextLength = 64;
    return tb::loadDataset(fixture().dataPath.toStdString(), *fixture().tok, o);
}

double maxAbsDiff(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a - b).abs().max().item<double>();
}

} // namespace

class TestSequenceClassifier : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The logits are score.weight times the final hidden state at lastIndex, and padding
    // after a row's last token does not change them.
    void logitsComeFromLastIndex()
    {
        tb::LlamaModel lm = smallModel(100, false, 3);
        tb::SequenceClassifier classifier(lm, Labels{"a", "b", "c"}, 5);
        classifier->eval();
        torch::NoGradGuard noGrad;

        // Parameter names are Hugging Face's: backbone under model.*, the head score.weight.
        const auto named = classifier->named_parameters();
        QVERIFY(named.contains("score.weight"));
        QVERIFY(named.contains("model.embed_tokens.weight"));
        QVERIFY(named.contains("model.layers.1.mlp.down_proj.weight"));
        QVERIFY(!named.contains("lm_head.weight"));
        QCOMPARE(int64_t(named.size()), int64_t(lm->named_parameters().size())); // lm_head swapped for score
        QCOMPARE(classifier->score->weight.sizes().vec(), (std::vector<int64_t>{3, 32}));

        // Row 0: 7 real tokens; row 1: 4 real tokens then padding (id 0).
        const auto ids = torch::tensor({{1, 17, 23, 42, 8, 9, 2}, {1, 55, 61, 2, 0, 0, 0}}, torch::kLong); // (2, 7)
        const auto last = torch::tensor({6, 3}, torch::kLong);
        const auto logits = classifier->forward(ids, last); // (2, 3)
        QCOMPARE(logits.sizes().vec(), (std::vector<int64_t>{2, 3}));
        QCOMPARE(logits.scalar_type(), torch::kFloat);

        const auto h = lm->hidden(ids); // (2, 7, 32)
        const auto w = classifier->score->weight;
        const auto manual0 = torch::mv(w, h[0][6]);
        const auto manual1 = torch::mv(w, h[1][3]);
        QVERIFY(maxAbsDiff(logits[0], manual0) < 1e-5);
        QVERIFY(maxAbsDiff(logits[1], manual1) < 1e-5);
        // Another position gives other logits: the index matters.
        QVERIFY(maxAbsDiff(logits[1], torch::mv(w, h[1][6])) > 1e-3);

        // Row 1 alone, unpadded, and with other padding ids: the same logits.
        const auto alone = classifier->forward(torch::tensor({{1, 55, 61, 2}}, torch::kLong), torch::tensor({3}));
        QVERIFY(maxAbsDiff(alone[0], logits[1]) < 1e-5);
        const auto otherPad =
            classifier->forward(torch::tensor({{1, 55, 61, 2, 77, 78, 79}}, torch::kLong), torch::tensor({3}));
        QVERIFY(maxAbsDiff(otherPad[0], logits[1]) < 1e-5);

        try {
            classifier->forward(ids, torch::tensor({7, 3}, torch::kLong));
            QFAIL("accepted a lastIndex past the end of the batch");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("outside the 7 tokens"), e.what());
        }
        try {
            tb::SequenceClassifier duplicate(lm, Labels{"a", "b", "a"});
            QFAIL("accepted a duplicate label");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("\"a\" appears twice"), e.what());
        }
    }

    // A few dozen AdamW steps fit the 18 training rows exactly; evaluation and classify()
    // agree with that, and restore the training mode.
    void trainsToFullAccuracy()
    {
        const tb::Dataset data = intents();
        QCOMPARE(data.labelNames, (std::vector<std::string>{"greet", "order", "refund"}));
        QCOMPARE(data.train.size(), size_t(18));
        const auto &tok = *fixture().tok;

        torch::manual_seed(0);
        tb::SequenceClassifier classifier(smallModel(tok.vocabSize(), true, 7), data.labelNames, 1);
        classifier->train();
        const auto before = tb::evaluateClassifier(classifier, data.train, 8, tok.padId());
        QVERIFY(classifier->is_training()); // restored after evaluation
        QVERIFY(classifier->languageModel()->is_training());

        torch::optim::AdamW adam(classifier->parameters(), torch::optim::AdamWOptions(3e-3).weight_decay(0.0));
        tb::BatchOptions bo;
        bo.batchSize = 6;
        bo.contextLength = 64;
        bo.padId = tok.padId();
        bo.seed = 3;
        int64_t step = 0;
        double firstLoss = 0.0, lastLoss = 0.0;
        for (int64_t epoch = 0; step < 48; ++epoch) {
            const tb::BatchIterator batches(data.train, bo, epoch);
            for (int64_t i = 0; i < batches.size() && step < 48; ++i, ++step) {
                const tb::Batch batch = batches.batch(i);
                const auto logits = classifier->forward(batch.ids, batch.lastIndex); // (B, 3)
                const auto loss = torch::nn::functional::cross_entropy(logits, batch.labels);
                adam.zero_grad();
                loss.backward();
                adam.step();
                (step == 0 ? firstLoss : lastLoss) = loss.item<double>();
            }
        }
        QVERIFY2(lastLoss < firstLoss / 10, qPrintable(QStringLiteral("loss %1 -> %2").arg(firstLoss).arg(lastLoss)));

        const auto after = tb::evaluateClassifier(classifier, data.train, 8, tok.padId());
        QVERIFY(classifier->is_training());
        QCOMPARE(after.examples, int64_t(18));
        QCOMPARE(after.metrics.total, int64_t(18));
        QVERIFY2(after.metrics.accuracy == 1.0, tb::metricsToText(after.metrics).c_str());
        QCOMPARE(after.metrics.macroF1, 1.0);
        QCOMPARE(after.metrics.confusion.count(2, 2), int64_t(6));
        QVERIFY(after.loss < before.loss);
        QVERIFY(before.metrics.accuracy < 1.0); // the head started untrained

        // classify() tokenises as the dataset does and sums to one.
        for (const auto &[text, label] : kRows) {
            const auto probs = tb::classify(classifier, tok, text);
            QCOMPARE(probs.size(), size_t(3));
            QVERIFY(std::abs(probs[0] + probs[1] + probs[2] - 1.0) < 1e-6);
            const int64_t best = int64_t(std::max_element(probs.begin(), probs.end()) - probs.begin());
            QCOMPARE(classifier->labelNames()[size_t(best)], label);
        }
        QCOMPARE(tb::classificationIds(tok, kRows[0].first, 64), data.train[0].ids);
        QVERIFY(classifier->is_training());

        // An example without a label is named by its line.
        std::vector<tb::Example> unlabelled(1);
        unlabelled[0].ids = {1, 5, 2};
        unlabelled[0].trained = {0, 0, 0};
        unlabelled[0].sourceLine = 7;
        try {
            tb::evaluateClassifier(classifier, unlabelled, 4);
            QFAIL("evaluated an example without a label");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("line 7 has label -1"), e.what());
        }
    }

    // saveClassifier writes what HF's LlamaForSequenceClassification reads; loading it
    // gives the same logits and labels; a causal-LM folder gets a new head.
    void saveAndLoad()
    {
        const auto &tok = fixture().tok;
        tb::SequenceClassifier classifier(smallModel(tok->vocabSize(), false, 9), Labels{"greet", "order", "refund"},
                                          2);
        const QString dir = tbtest::tempDir() + "/classifier";
        tb::saveClassifier(classifier, tok.get(), dir.toStdString());

        QFile configFile(dir + "/config.json");
        QVERIFY(configFile.open(QIODevice::ReadOnly));
        const auto config = nlohmann::json::parse(configFile.readAll().toStdString());
        QCOMPARE(config["architectures"][0].get<std::string>(), std::string("LlamaForSequenceClassification"));
        QCOMPARE(config["num_labels"].get<int64_t>(), int64_t(3));
        QCOMPARE(config["id2label"]["2"].get<std::string>(), std::string("refund"));
        QCOMPARE(config["label2id"]["order"].get<int64_t>(), int64_t(1));
        QCOMPARE(config["problem_type"].get<std::string>(), std::string("single_label_classification"));
        QCOMPARE(config["pad_token_id"].get<int64_t>(), tok->padId());
        QCOMPARE(config["tie_word_embeddings"].get<bool>(), false);
        QFile tokenizerConfig(dir + "/tokenizer_config.json");
        QVERIFY(tokenizerConfig.open(QIODevice::ReadOnly));
        QCOMPARE(nlohmann::json::parse(tokenizerConfig.readAll().toStdString())["add_eos_token"].get<bool>(), true);
        const tb::StoredTensors stored = tb::readSafetensors((dir + "/model.safetensors").toStdString());
        QCOMPARE(stored.at("score.weight").shape, (std::vector<int64_t>{3, 32}));
        QVERIFY(stored.count("model.norm.weight"));
        QVERIFY(!stored.count("lm_head.weight"));

        tb::LoadedClassifier loaded = tb::loadClassifier(dir.toStdString());
        QVERIFY(!loaded.newHead);
        QVERIFY(loaded.tokenizer);
        QCOMPARE(loaded.tokenizer->encode("hello there"), tok->encode("hello there"));
        QCOMPARE(loaded.classifier->labelNames(), classifier->labelNames());
        QCOMPARE(loaded.classifier->labelId("refund"), int64_t(2));
        QVERIFY(!loaded.classifier->config().tieWordEmbeddings); // kept for the next save
        QVERIFY(!loaded.classifier->is_training());
        {
            torch::NoGradGuard noGrad;
            classifier->eval();
            const auto ids = torch::tensor({{1, 10, 11, 12, 2}, {1, 20, 2, 0, 0}}, torch::kLong);
            const auto last = torch::tensor({4, 2}, torch::kLong);
            QVERIFY(torch::equal(loaded.classifier->forward(ids, last), classifier->forward(ids, last)));
        }
        // Saving the loaded one again writes the same tensors.
        const QString again = tbtest::tempDir() + "/classifier-again";
        tb::saveClassifier(loaded.classifier, loaded.tokenizer.get(), again.toStdString());
        QFile first(dir + "/model.safetensors"), second(again + "/model.safetensors");
        QVERIFY(first.open(QIODevice::ReadOnly) && second.open(QIODevice::ReadOnly));
        QVERIFY(first.readAll() == second.readAll());

        // Adapters must be merged first: LlamaForSequenceClassification has no tensors for them.
        {
            tb::SequenceClassifier adapted(smallModel(tok->vocabSize(), false, 9), Labels{"p", "q"}, 2);
            auto q = adapted->model->layers[0]->as<tb::DecoderLayerImpl>()->self_attn->q_proj;
            q->attachLora(torch::zeros({2, 32}), torch::zeros({32, 2}), 4.0, 0.0);
            try {
                tb::saveClassifier(adapted, tok.get(), (tbtest::tempDir() + "/adapted").toStdString());
                QFAIL("saved a classifier with LoRA adapters");
            } catch (const tb::Error &e) {
                QVERIFY2(QString(e.what()).contains("LoRA adapters"), e.what());
            }
        }

        // The labels asked for must be the stored ones.
        tb::ClassifierLoadOptions other;
        other.labelNames = {"greet", "order", "cancel"};
        try {
            tb::loadClassifier(dir.toStdString(), other);
            QFAIL("loaded a classifier under other labels");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains(R"(labels are ["greet", "order", "refund"])"), e.what());
        }
        // A classifier has no language-model head to generate with.
        try {
            tb::loadModel(dir.toStdString());
            QFAIL("loadModel accepted a classifier folder");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("is a sequence classifier"), e.what());
        }

        // A causal LM: labels are required, the head is new, the backbone is the LM's.
        tb::LlamaModel lm = smallModel(tok->vocabSize(), false, 4);
        const QString lmDir = tbtest::tempDir() + "/causal";
        tb::exportHfFolder(lm, tok.get(), lmDir.toStdString(), "F32");
        try {
            tb::loadClassifier(lmDir.toStdString());
            QFAIL("made a classifier without labels");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("give the label names"), e.what());
        }
        tb::ClassifierLoadOptions fresh;
        fresh.labelNames = {"yes", "no"};
        fresh.seed = 2;
        tb::LoadedClassifier fromLm = tb::loadClassifier(lmDir.toStdString(), fresh);
        QVERIFY(fromLm.newHead);
        QCOMPARE(fromLm.classifier->numLabels(), int64_t(2));
        QVERIFY(torch::equal(fromLm.classifier->model->layers[1]->as<tb::DecoderLayerImpl>()->mlp->up_proj->weight,
                             lm->model->layers[1]->as<tb::DecoderLayerImpl>()->mlp->up_proj->weight));
        // The same seed gives the same new head.
        tb::SequenceClassifier sameSeed(smallModel(tok->vocabSize(), false, 4), Labels{"yes", "no"}, 2);
        QVERIFY(torch::equal(fromLm.classifier->score->weight, sameSeed->score->weight));
    }

    // Frozen: no backbone parameter gets a gradient and only the head trains.
    void frozenBackboneGetsNoGradients()
    {
        tb::LlamaModel lm = smallModel(100, false, 5);
        tb::SequenceClassifier classifier(lm, Labels{"x", "y"}, 1);
        const auto ids = torch::tensor({{1, 17, 23, 42, 2}, {1, 55, 2, 0, 0}}, torch::kLong);
        const auto last = torch::tensor({4, 2}, torch::kLong);
        const auto labels = torch::tensor({0, 1}, torch::kLong);

        classifier->setBackboneFrozen(true);
        QVERIFY(classifier->backboneFrozen());
        for (const auto &p : lm->named_parameters()) // lm_head included
            QVERIFY2(!p.value().requires_grad(), p.key().c_str());
        torch::nn::functional::cross_entropy(classifier->forward(ids, last), labels).backward();
        for (const auto &p : classifier->named_parameters()) {
            if (p.key() == "score.weight") {
                QVERIFY(p.value().grad().defined());
                QVERIFY(p.value().grad().abs().sum().item<double>() > 0);
            } else {
                QVERIFY2(!p.value().grad().defined(), p.key().c_str());
            }
        }
        QVERIFY(!lm->lm_head->weight.grad().defined());

        // Thawed: gradients reach the backbone again.
        classifier->setBackboneFrozen(false);
        classifier->zero_grad();
        torch::nn::functional::cross_entropy(classifier->forward(ids, last), labels).backward();
        const auto embed = classifier->model->embed_tokens->weight.grad();
        QVERIFY(embed.defined());
        QVERIFY(embed.abs().sum().item<double>() > 0);
        const auto q = classifier->model->layers[0]->as<tb::DecoderLayerImpl>()->self_attn->q_proj->weight.grad();
        QVERIFY(q.defined() && q.abs().sum().item<double>() > 0);
        QVERIFY(!lm->lm_head->weight.grad().defined()); // not part of the classifier
    }
};

TB_REGISTER_TEST(TestSequenceClassifier, "sequence_classifier");
#include "tst_sequence_classifier.moc"
