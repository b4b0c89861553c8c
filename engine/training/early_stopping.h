#pragma once

#include <cstdint>
#include <string>

namespace tb {

// Patience on one evaluation metric: the run stops after `patience` evaluations in a row
// without an improvement of more than `minDelta` over the best value so far. Losses
// improve downwards; accuracies, F1 scores and pass rates upwards (higherIsBetter()).
class EarlyStopping {
public:
    EarlyStopping() = default;
    EarlyStopping(std::string metric, int64_t patience, double minDelta);

    // Records one evaluation; true when it is the best so far (the checkpoint to keep),
    // which the best's own step evaluated again to the same value still is.
    bool update(double value, int64_t step);
    bool shouldStop() const { return m_patience > 0 && m_badEvaluations >= m_patience; }

    const std::string &metric() const { return m_metric; }
    bool hasBest() const { return m_bestStep >= 0; }
    double best() const { return m_best; }
    int64_t bestStep() const { return m_bestStep; }
    int64_t badEvaluations() const { return m_badEvaluations; }

    // What a resumed run restores (trainer_state.json).
    void restore(double best, int64_t bestStep, int64_t badEvaluations);

    static bool higherIsBetter(const std::string &metric);

private:
    std::string m_metric = "val_loss";
    int64_t m_patience = 0;
    double m_minDelta = 0.0;
    double m_best = 0.0;
    int64_t m_bestStep = -1;
    int64_t m_badEvaluations = 0;
};

} // namespace tb
