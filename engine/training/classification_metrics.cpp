#include "classification_metrics.h"

#include "error.h"

#include <nlohmann/json.hpp>
#include <ATen/core/Tensor.h>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace tb {

ConfusionMatrix::ConfusionMatrix(int64_t numClasses) : m_numClasses(numClasses)
{
    if (numClasses < 0)
        throw Error("confusion matrix: the number of classes must not be negative, got " + std::to_string(numClasses));
    m_counts.assign(size_t(numClasses * numClasses), 0);
}

void ConfusionMatrix::checkLabel(int64_t label, const char *what) const
{
    if (label < 0 || label >= m_numClasses)
        throw Error(std::string("confusion matrix: ") + what + " label " + std::to_string(label)
                    + " is outside the " + std::to_string(m_numClasses) + " classes (0 to "
                    + std::to_string(m_numClasses - 1) + ")");
}

void ConfusionMatrix::add(int64_t truth, int64_t predicted, int64_t count)
{
    checkLabel(truth, "true");
    checkLabel(predicted, "predicted");
    if (count < 0)
        throw Error("confusion matrix: a count must not be negative, got " + std::to_string(count));
    m_counts[size_t(truth * m_numClasses + predicted)] += count;
}

void ConfusionMatrix::add(const at::Tensor &truth, const at::Tensor &predicted)
{
    if (truth.dim() != 1 || predicted.dim() != 1 || truth.size(0) != predicted.size(0))
        throw Error("confusion matrix: expected two 1-D label tensors of the same length, got shapes "
                    + c10::str(truth.sizes()) + " and " + c10::str(predicted.sizes()));
    const auto t = truth.to(at::kCPU, at::kLong).contiguous();     // (N)
    const auto p = predicted.to(at::kCPU, at::kLong).contiguous(); // (N)
    const int64_t *tp = t.data_ptr<int64_t>();
    const int64_t *pp = p.data_ptr<int64_t>();
    // Validate everything first so a bad row adds nothing.
    for (int64_t i = 0; i < t.numel(); ++i) {
        checkLabel(tp[i], "true");
        checkLabel(pp[i], "predicted");
    }
    for (int64_t i = 0; i < t.numel(); ++i)
        ++m_counts[size_t(tp[i] * m_numClasses + pp[i])];
}

int64_t ConfusionMatrix::count(int64_t truth, int64_t predicted) const
{
    checkLabel(truth, "true");
    checkLabel(predicted, "predicted");
    return m_counts[size_t(truth * m_numClasses + predicted)];
}

int64_t ConfusionMatrix::total() const
{
    int64_t n = 0;
    for (int64_t c : m_counts)
        n += c;
    return n;
}

int64_t ConfusionMatrix::support(int64_t label) const
{
    checkLabel(label, "true");
    int64_t n = 0;
    for (int64_t p = 0; p < m_numClasses; ++p)
        n += m_counts[size_t(label * m_numClasses + p)];
    return n;
}

int64_t ConfusionMatrix::predictedCount(int64_t label) const
{
    checkLabel(label, "predicted");
    int64_t n = 0;
    for (int64_t t = 0; t < m_numClasses; ++t)
        n += m_counts[size_t(t * m_numClasses + label)];
    return n;
}

ClassificationMetrics computeMetrics(const ConfusionMatrix &confusion, const std::vector<std::string> &labelNames)
{
    ClassificationMetrics m;
    m.confusion = confusion;
    const int64_t n = confusion.numClasses();
    m.total = confusion.total();
    double sumF1 = 0.0, sumPrecision = 0.0, sumRecall = 0.0;
    for (int64_t c = 0; c < n; ++c) {
        ClassMetrics k;
        k.name = size_t(c) < labelNames.size() ? labelNames[size_t(c)] : std::to_string(c);
        const int64_t tp = confusion.count(c, c);
        k.support = confusion.support(c);
        k.predicted = confusion.predictedCount(c);
        m.correct += tp;
        // zero_division=0 (see the header): an empty denominator gives 0, never NaN.
        k.precision = k.predicted > 0 ? double(tp) / double(k.predicted) : 0.0;
        k.recall = k.support > 0 ? double(tp) / double(k.support) : 0.0;
        k.f1 = k.precision + k.recall > 0 ? 2.0 * k.precision * k.recall / (k.precision + k.recall) : 0.0;
        if (k.support > 0 || k.predicted > 0) {
            sumF1 += k.f1;
            sumPrecision += k.precision;
            sumRecall += k.recall;
            ++m.averagedClasses;
        }
        m.perClass.push_back(std::move(k));
    }
    m.accuracy = m.total > 0 ? double(m.correct) / double(m.total) : 0.0;
    if (m.averagedClasses > 0) {
        m.macroF1 = sumF1 / double(m.averagedClasses);
        m.macroPrecision = sumPrecision / double(m.averagedClasses);
        m.macroRecall = sumRecall / double(m.averagedClasses);
    }
    return m;
}

std::string metricsToJson(const ClassificationMetrics &m)
{
    nlohmann::ordered_json j;
    j["accuracy"] = m.accuracy;
    j["macro_f1"] = m.macroF1;
    j["macro_precision"] = m.macroPrecision;
    j["macro_recall"] = m.macroRecall;
    j["total"] = m.total;
    j["correct"] = m.correct;
    nlohmann::ordered_json labels = nlohmann::ordered_json::array();
    nlohmann::ordered_json perClass = nlohmann::ordered_json::array();
    for (const auto &k : m.perClass) {
        labels.push_back(k.name);
        perClass.push_back({{"label", k.name},
                            {"precision", k.precision},
                            {"recall", k.recall},
                            {"f1", k.f1},
                            {"support", k.support},
                            {"predicted", k.predicted}});
    }
    j["per_class"] = perClass;
    j["labels"] = labels;
    nlohmann::ordered_json matrix = nlohmann::ordered_json::array();
    for (int64_t t = 0; t < m.confusion.numClasses(); ++t) {
        nlohmann::ordered_json row = nlohmann::ordered_json::array();
        for (int64_t p = 0; p < m.confusion.numClasses(); ++p)
            row.push_back(m.confusion.count(t, p));
        matrix.push_back(row);
    }
    j["confusion_matrix"] = matrix;
    return j.dump();
}

std::string metricsToText(const ClassificationMetrics &m)
{
    size_t width = 5; // "label"
    for (const auto &k : m.perClass)
        width = std::max(width, k.name.size());
    auto pad = [](const std::string &s, size_t w) { return s + std::string(w > s.size() ? w - s.size() : 0, ' '); };
    auto number = [](double v) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%9.4f", v);
        return std::string(buf);
    };
    auto count = [](int64_t v, size_t w) {
        std::string s = std::to_string(v);
        return std::string(w > s.size() ? w - s.size() : 0, ' ') + s;
    };

    std::ostringstream out;
    out << pad("label", width) << " precision    recall        f1   support\n";
    for (const auto &k : m.perClass)
        out << pad(k.name, width) << ' ' << number(k.precision) << ' ' << number(k.recall) << ' ' << number(k.f1)
            << ' ' << count(k.support, 9) << '\n';
    out << '\n'
        << pad("accuracy", width) << ' ' << number(m.accuracy) << "  (" << m.correct << " of " << m.total << ")\n"
        << pad("macro avg", width) << ' ' << number(m.macroPrecision) << ' ' << number(m.macroRecall) << ' '
        << number(m.macroF1) << "  (over " << m.averagedClasses << " classes)\n";

    out << "\nconfusion matrix (rows: true label, columns: predicted)\n";
    size_t cell = 5;
    for (const auto &k : m.perClass)
        cell = std::max(cell, k.name.size());
    for (int64_t t = 0; t < m.confusion.numClasses(); ++t)
        for (int64_t p = 0; p < m.confusion.numClasses(); ++p)
            cell = std::max(cell, std::to_string(m.confusion.count(t, p)).size());
    out << pad("", width);
    for (const auto &k : m.perClass)
        out << ' ' << std::string(cell - k.name.size(), ' ') << k.name;
    out << '\n';
    for (int64_t t = 0; t < m.confusion.numClasses(); ++t) {
        out << pad(m.perClass[size_t(t)].name, width);
        for (int64_t p = 0; p < m.confusion.numClasses(); ++p)
            out << ' ' << count(m.confusion.count(t, p), cell);
        out << '\n';
    }
    return out.str();
}

} // namespace tb
