// Classification metrics against confusion matrices computed by hand.
#include "classification_metrics.h"
#include "error.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

namespace {

bool near(double a, double b)
{
    return std::abs(a - b) <= 1e-12;
}

#define TB_NEAR(actual, expected)                                                                  \
    QVERIFY2(near((actual), (expected)),                                                           \
             qPrintable(QStringLiteral(#actual " = %1, expected %2").arg(actual, 0, 'g', 17).arg(expected, 0, 'g', 17)))

// Rows are the true label, columns the predicted one.
tb::ConfusionMatrix fromRows(const std::vector<std::vector<int64_t>> &rows)
{
    tb::ConfusionMatrix m(int64_t(rows.size()));
    for (size_t t = 0; t < rows.size(); ++t)
        for (size_t p = 0; p < rows[t].size(); ++p)
            m.add(int64_t(t), int64_t(p), rows[t][p]);
    return m;
}

} // namespace

class TestClassificationMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Four intents; "cancel" has 4 examples but is never predicted.
    //
    //              predicted: greet order refund cancel | support
    //   greet                     5     1      0      0 |  6
    //   order                     2     6      1      0 |  9
    //   refund                    0     2      3      0 |  5
    //   cancel                    1     1      2      0 |  4
    //   predicted (column sum)    8    10      6      0 | 24
    //
    // accuracy  = (5 + 6 + 3 + 0) / 24 = 14/24
    // precision = TP / column sum: greet 5/8, order 6/10, refund 3/6, cancel 0 (never predicted)
    // recall    = TP / support:    greet 5/6, order 6/9,  refund 3/5, cancel 0/4
    // F1        = 2TP / (2TP + FP + FN):
    //             greet 10/(10+3+1) = 5/7, order 12/(12+4+3) = 12/19, refund 6/(6+3+2) = 6/11,
    //             cancel 0 (P + R = 0)
    // macro F1  = (5/7 + 12/19 + 6/11 + 0) / 4 = (1045 + 924 + 798) / 1463 / 4 = 2767/5852
    // macro P   = (0.625 + 0.6 + 0.5 + 0) / 4 = 0.43125
    // macro R   = (25/30 + 20/30 + 18/30 + 0) / 4 = 63/120 = 0.525
    void handComputedFourClasses()
    {
        const tb::ConfusionMatrix cm = fromRows({{5, 1, 0, 0}, {2, 6, 1, 0}, {0, 2, 3, 0}, {1, 1, 2, 0}});
        QCOMPARE(cm.total(), int64_t(24));
        QCOMPARE(cm.support(1), int64_t(9));
        QCOMPARE(cm.predictedCount(1), int64_t(10));
        QCOMPARE(cm.predictedCount(3), int64_t(0));

        const auto m = tb::computeMetrics(cm, {"greet", "order", "refund", "cancel"});
        QCOMPARE(m.total, int64_t(24));
        QCOMPARE(m.correct, int64_t(14));
        TB_NEAR(m.accuracy, 14.0 / 24.0);
        QCOMPARE(m.perClass.size(), size_t(4));

        const std::vector<std::string> names{"greet", "order", "refund", "cancel"};
        const std::vector<double> precision{5.0 / 8, 6.0 / 10, 3.0 / 6, 0.0};
        const std::vector<double> recall{5.0 / 6, 6.0 / 9, 3.0 / 5, 0.0};
        const std::vector<double> f1{5.0 / 7, 12.0 / 19, 6.0 / 11, 0.0};
        const std::vector<int64_t> support{6, 9, 5, 4};
        const std::vector<int64_t> predicted{8, 10, 6, 0};
        for (size_t c = 0; c < 4; ++c) {
            const auto &k = m.perClass[c];
            QCOMPARE(k.name, names[c]);
            TB_NEAR(k.precision, precision[c]);
            TB_NEAR(k.recall, recall[c]);
            TB_NEAR(k.f1, f1[c]);
            QCOMPARE(k.support, support[c]);
            QCOMPARE(k.predicted, predicted[c]);
        }
        // The never-predicted class is in the average with F1 0 (it has examples).
        QCOMPARE(m.averagedClasses, int64_t(4));
        TB_NEAR(m.macroF1, 2767.0 / 5852.0);
        TB_NEAR(m.macroPrecision, 0.43125);
        TB_NEAR(m.macroRecall, 0.525);
    }

    // The two ill-defined cases of scikit-learn's zero_division=0.
    //
    // (a) Class 2 is neither in the truth nor predicted: left out of the macro average.
    //        [[2, 1, 0],   class 0: P 2/2, R 2/3, F1 4/(4+0+1) = 0.8
    //         [0, 3, 0],   class 1: P 3/4, R 3/3, F1 6/(6+1+0) = 6/7
    //         [0, 0, 0]]   macro F1 = (0.8 + 6/7) / 2 = 29/35
    // (b) Class 2 is predicted once but has no example: P = 0 (TP 0 of 1), R = 0 (no
    //     support), F1 = 0, and it counts in the average.
    //        [[2, 0, 1],   class 0: P 2/2, R 2/3, F1 0.8
    //         [0, 3, 0],   class 1: P 3/3, R 3/3, F1 1
    //         [0, 0, 0]]   macro F1 = (0.8 + 1 + 0) / 3 = 0.6
    void zeroDivisionConvention()
    {
        const auto a = tb::computeMetrics(fromRows({{2, 1, 0}, {0, 3, 0}, {0, 0, 0}}));
        QCOMPARE(a.averagedClasses, int64_t(2));
        TB_NEAR(a.perClass[0].f1, 0.8);
        TB_NEAR(a.perClass[1].f1, 6.0 / 7.0);
        TB_NEAR(a.perClass[2].precision, 0.0);
        TB_NEAR(a.perClass[2].recall, 0.0);
        TB_NEAR(a.perClass[2].f1, 0.0);
        TB_NEAR(a.macroF1, 29.0 / 35.0);
        TB_NEAR(a.macroPrecision, (1.0 + 0.75) / 2);
        TB_NEAR(a.macroRecall, (2.0 / 3 + 1.0) / 2);
        TB_NEAR(a.accuracy, 5.0 / 6.0);
        QCOMPARE(a.perClass[2].name, std::string("2")); // no names given: the id

        const auto b = tb::computeMetrics(fromRows({{2, 0, 1}, {0, 3, 0}, {0, 0, 0}}));
        QCOMPARE(b.averagedClasses, int64_t(3));
        QCOMPARE(b.perClass[2].predicted, int64_t(1));
        QCOMPARE(b.perClass[2].support, int64_t(0));
        TB_NEAR(b.perClass[2].f1, 0.0);
        TB_NEAR(b.macroF1, 0.6);

        // No examples at all: zeros, not NaN.
        const auto empty = tb::computeMetrics(tb::ConfusionMatrix(3));
        QCOMPARE(empty.total, int64_t(0));
        TB_NEAR(empty.accuracy, 0.0);
        TB_NEAR(empty.macroF1, 0.0);
        QCOMPARE(empty.averagedClasses, int64_t(0));
    }

    // Filling from label tensors gives the same matrix as pairwise adds.
    void addFromTensors()
    {
        tb::ConfusionMatrix cm(3);
        cm.add(torch::tensor({0, 1, 2, 2, 1, 0, 2}, torch::kLong), torch::tensor({0, 2, 2, 1, 1, 0, 2}, torch::kInt));
        QCOMPARE(cm.total(), int64_t(7));
        QCOMPARE(cm.count(0, 0), int64_t(2));
        QCOMPARE(cm.count(1, 2), int64_t(1));
        QCOMPARE(cm.count(1, 1), int64_t(1));
        QCOMPARE(cm.count(2, 2), int64_t(2));
        QCOMPARE(cm.count(2, 1), int64_t(1));
        QCOMPARE(cm.count(2, 0), int64_t(0));
        TB_NEAR(tb::computeMetrics(cm).accuracy, 5.0 / 7.0);

        // A label out of range is an error and adds nothing, not even the valid rows before it.
        try {
            cm.add(torch::tensor({0, 3}, torch::kLong), torch::tensor({0, 0}, torch::kLong));
            QFAIL("accepted the true label 3 in a 3-class matrix");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("true label 3 is outside the 3 classes"), e.what());
        }
        QCOMPARE(cm.total(), int64_t(7));
        try {
            cm.add(torch::tensor({0, 1}, torch::kLong), torch::tensor({0}, torch::kLong));
            QFAIL("accepted tensors of different lengths");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("same length"), e.what());
        }
        try {
            cm.add(1, -1);
            QFAIL("accepted the predicted label -1");
        } catch (const tb::Error &e) {
            QVERIFY2(QString(e.what()).contains("predicted label -1"), e.what());
        }
    }

    void jsonAndText()
    {
        const auto m = tb::computeMetrics(fromRows({{5, 1, 0, 0}, {2, 6, 1, 0}, {0, 2, 3, 0}, {1, 1, 2, 0}}),
                                          {"greet", "order", "refund", "cancel"});
        const auto j = nlohmann::json::parse(tb::metricsToJson(m));
        QVERIFY(near(j["accuracy"].get<double>(), 14.0 / 24.0));
        QVERIFY(near(j["macro_f1"].get<double>(), 2767.0 / 5852.0));
        QCOMPARE(j["labels"].get<std::vector<std::string>>(),
                 (std::vector<std::string>{"greet", "order", "refund", "cancel"}));
        QCOMPARE(j["confusion_matrix"][1].get<std::vector<int64_t>>(), (std::vector<int64_t>{2, 6, 1, 0}));
        QCOMPARE(j["per_class"][3]["label"].get<std::string>(), std::string("cancel"));
        QCOMPARE(j["per_class"][3]["support"].get<int64_t>(), int64_t(4));
        QVERIFY(near(j["per_class"][0]["precision"].get<double>(), 0.625));

        const QString text = QString::fromStdString(tb::metricsToText(m));
        const QStringList lines = text.split('\n');
        // One table row per class with its numbers, and a confusion-matrix row per class.
        QVERIFY2(text.contains(QRegularExpression(R"(^greet\s+0\.6250\s+0\.8333\s+0\.7143\s+6$)",
                                                  QRegularExpression::MultilineOption)),
                 qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(R"(^cancel\s+0\.0000\s+0\.0000\s+0\.0000\s+4$)",
                                                  QRegularExpression::MultilineOption)),
                 qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(R"(^accuracy\s+0\.5833\s+\(14 of 24\))",
                                                  QRegularExpression::MultilineOption)),
                 qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(R"(^refund\s+0\s+2\s+3\s+0$)", QRegularExpression::MultilineOption)),
                 qPrintable(text));
        QVERIFY2(text.contains(QRegularExpression(R"(^\s+greet\s+order\s+refund\s+cancel$)",
                                                  QRegularExpression::MultilineOption)),
                 qPrintable(text));
        QVERIFY(lines.size() > 10);
    }
};

TB_REGISTER_TEST(TestClassificationMetrics, "classification_metrics");
#include "tst_classification_metrics.moc"
