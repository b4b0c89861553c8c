#pragma once

#include "enum_choices.h"

#include <cstdint>

namespace tb {

// The learning rate after the warm-up (the `schedule` option).
enum class LrSchedule { Constant, Linear, Cosine };
inline constexpr EnumChoice<LrSchedule> kLrScheduleChoices[] = {
    {LrSchedule::Constant, "constant", TB_TR_NOOP("TrainOption", "Constant")},
    {LrSchedule::Linear, "linear", TB_TR_NOOP("TrainOption", "Linear decay")},
    {LrSchedule::Cosine, "cosine", TB_TR_NOOP("TrainOption", "Cosine decay")},
};
constexpr const auto &enumChoices(LrSchedule) { return kLrScheduleChoices; }

// Learning rate at optimizer step `step` (0-based): linear warmup from 0 over `warmup`
// steps, then constant, linear or cosine decay from `peak` to `floor` at `total`.
double learningRateAt(LrSchedule schedule, int64_t step, int64_t warmup, int64_t total, double peak, double floor);

} // namespace tb
