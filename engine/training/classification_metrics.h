#pragma once

#include <cstdint>
#include <string>
#include <vector>

// at::Tensor only by reference: this header stays free of LibTorch so UI code can hold metrics.
namespace at {
class Tensor;
}

namespace tb {

// counts[truth][predicted] over `numClasses` labels (ids 0 … numClasses - 1).
class ConfusionMatrix {
public:
    explicit ConfusionMatrix(int64_t numClasses = 0);

    // Throws tb::Error for a label outside [0, numClasses) or a negative count.
    void add(int64_t truth, int64_t predicted, int64_t count = 1);
    // truth and predicted: (N) integer tensors of the same length, one pair per example.
    void add(const at::Tensor &truth, const at::Tensor &predicted);

    int64_t numClasses() const { return m_numClasses; }
    int64_t count(int64_t truth, int64_t predicted) const;
    int64_t total() const;
    int64_t support(int64_t label) const;        // row sum: examples whose truth is `label`
    int64_t predictedCount(int64_t label) const; // column sum: examples predicted as `label`

private:
    void checkLabel(int64_t label, const char *what) const;

    int64_t m_numClasses = 0;
    std::vector<int64_t> m_counts; // row-major (truth, predicted)
};

struct ClassMetrics {
    std::string name;
    double precision = 0.0; // TP / predicted; 0 when the class was never predicted
    double recall = 0.0;    // TP / support; 0 when the class has no example
    double f1 = 0.0;        // 2PR / (P + R); 0 when P + R is 0
    int64_t support = 0;    // examples whose truth is this class
    int64_t predicted = 0;  // examples predicted as this class
};

// The ill-defined cases follow scikit-learn's zero_division=0: a class never predicted has
// precision 0, a class with no examples has recall 0, and either way its F1 is 0.
// macroF1 is the mean F1 over the classes that occur in the truth or the predictions,
// which is what sklearn.metrics.f1_score(y_true, y_pred, average="macro", zero_division=0)
// computes without `labels`: a class absent from both (e.g. from a small validation split)
// neither helps nor hurts. macroPrecision and macroRecall average over the same classes.
struct ClassificationMetrics {
    int64_t total = 0;
    int64_t correct = 0;
    double accuracy = 0.0; // correct / total; 0 for no examples
    double macroF1 = 0.0;
    double macroPrecision = 0.0;
    double macroRecall = 0.0;
    int64_t averagedClasses = 0; // how many classes the macro averages are over
    std::vector<ClassMetrics> perClass; // index = label id
    ConfusionMatrix confusion;
};

// `labelNames` names the classes in reports; missing names become "0", "1", …
ClassificationMetrics computeMetrics(const ConfusionMatrix &confusion,
                                     const std::vector<std::string> &labelNames = {});

// {"accuracy", "macro_f1", "macro_precision", "macro_recall", "total", "correct",
//  "per_class": [{"label", "precision", "recall", "f1", "support", "predicted"}],
//  "confusion_matrix": [[…] per true label], "labels": [...]} on one line.
std::string metricsToJson(const ClassificationMetrics &metrics);
// A table per class, the averages, and the confusion matrix with rows = truth, for a log.
std::string metricsToText(const ClassificationMetrics &metrics);

} // namespace tb
