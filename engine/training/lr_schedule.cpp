#include "lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace tb {

double learningRateAt(LrSchedule schedule, int64_t step, int64_t warmup, int64_t total, double peak, double floor)
{
    // nanoGPT's convention: step s of the warmup uses peak * (s + 1) / (warmup + 1).
    if (step < warmup)
        return peak * double(step + 1) / double(warmup + 1);
    const double span = double(std::max<int64_t>(1, total - warmup));
    const double progress = std::clamp(double(step - warmup) / span, 0.0, 1.0);
    switch (schedule) {
    case LrSchedule::Constant:
        return peak;
    case LrSchedule::Linear:
        return peak + (floor - peak) * progress;
    case LrSchedule::Cosine:
        break;
    }
    return floor + 0.5 * (1.0 + std::cos(M_PI * progress)) * (peak - floor);
}

} // namespace tb
