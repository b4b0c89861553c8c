#pragma once

#include "translatable.h"

#include <string_view>
#include <vector>

namespace tb {

// A metric a run logs (metrics.jsonl, run.json, the evaluation events) and the name a person
// reads in charts and tables. The key stays what files and early_stopping_metric use; the
// UI translates the name and shows the key in a tooltip.
struct MetricInfo {
    const char *key;
    TranslatableText name;
};

// Every metric the trainer and its evaluations write, training step metrics first.
const std::vector<MetricInfo> &metricInfo();
// Null for a key the table does not know (a metric a later version adds).
const MetricInfo *findMetric(std::string_view key);

} // namespace tb
