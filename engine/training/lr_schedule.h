#pragma once

#include <cstdint>
#include <string>

namespace tb {

// Learning rate at optimizer step `step` (0-based): linear warmup from 0 over `warmup`
// steps, then constant, linear or cosine decay from `peak` to `floor` at `total`.
double learningRateAt(const std::string &schedule, int64_t step, int64_t warmup, int64_t total, double peak,
                      double floor);

} // namespace tb
