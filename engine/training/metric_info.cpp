#include "metric_info.h"

namespace tb {

const std::vector<MetricInfo> &metricInfo()
{
    static const std::vector<MetricInfo> table = {
        // Each training step (trainer.cpp's writeMetrics, the CLI's step events).
        {"loss", TB_TR_NOOP("Metric", "Training loss")},
        {"lr", TB_TR_NOOP("Metric", "Learning rate")},
        {"grad_norm", TB_TR_NOOP("Metric", "Gradient norm")},
        {"tokens_per_s", TB_TR_NOOP("Metric", "Tokens per second")},
        {"rss_mb", TB_TR_NOOP("Metric", "Memory in use (MB)")},
        {"elapsed_s", TB_TR_NOOP("Metric", "Elapsed time (s)")},
        // Language-model evaluation (evaluation.cpp).
        {"val_loss", TB_TR_NOOP("Metric", "Validation loss")},
        {"val_ppl", TB_TR_NOOP("Metric", "Validation perplexity")},
        {"val_token_acc", TB_TR_NOOP("Metric", "Next-token accuracy")},
        {"val_tokens", TB_TR_NOOP("Metric", "Validation tokens")},
        {"eval_s", TB_TR_NOOP("Metric", "Evaluation time (s)")},
        // Classifier evaluation (classification_metrics.cpp).
        {"accuracy", TB_TR_NOOP("Metric", "Accuracy")},
        {"macro_f1", TB_TR_NOOP("Metric", "Macro F1")},
        {"macro_precision", TB_TR_NOOP("Metric", "Macro precision")},
        {"macro_recall", TB_TR_NOOP("Metric", "Macro recall")},
        // Dialogue checks (dialogue_checks.cpp).
        {"check_pass_rate", TB_TR_NOOP("Metric", "Dialogue checks passed")},
        {"checks_s", TB_TR_NOOP("Metric", "Dialogue check time (s)")},
    };
    return table;
}

const MetricInfo *findMetric(std::string_view key)
{
    for (const MetricInfo &m : metricInfo())
        if (key == m.key)
            return &m;
    return nullptr;
}

} // namespace tb
