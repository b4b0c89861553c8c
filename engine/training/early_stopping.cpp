#include "early_stopping.h"

#include <cmath>

namespace tb {

EarlyStopping::EarlyStopping(std::string metric, int64_t patience, double minDelta)
    : m_metric(std::move(metric)), m_patience(patience), m_minDelta(minDelta)
{
}

bool EarlyStopping::higherIsBetter(const std::string &metric)
{
    // Losses and perplexities fall as a model improves; everything else we log rises.
    return metric.find("loss") == std::string::npos && metric.find("ppl") == std::string::npos;
}

bool EarlyStopping::update(double value, int64_t step)
{
    // The best weights evaluated again (a run resumed after its final evaluation, before it
    // wrote run.json): still the best, and no evaluation without improvement.
    if (hasBest() && step == m_bestStep && value == m_best)
        return true;
    const double sign = higherIsBetter(m_metric) ? 1.0 : -1.0;
    // A NaN metric is never an improvement.
    const bool improved = std::isfinite(value) && (!hasBest() || sign * (value - m_best) > m_minDelta);
    if (improved) {
        m_best = value;
        m_bestStep = step;
        m_badEvaluations = 0;
    } else {
        ++m_badEvaluations;
    }
    return improved;
}

void EarlyStopping::restore(double best, int64_t bestStep, int64_t badEvaluations)
{
    m_best = best;
    m_bestStep = bestStep;
    m_badEvaluations = badEvaluations;
}

} // namespace tb
