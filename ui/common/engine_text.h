#pragma once

#include "metric_info.h"
#include "train_config.h"
#include "translatable.h"

#include <QCoreApplication>
#include <QString>

// The engine's texts for people (option labels and help, choice labels, metric names) in the
// UI's language. The engine writes them in English, marked with TB_TR_NOOP (translatable.h),
// and lupdate collects them from engine/ like any tr() of ui/.
inline QString engineText(const tb::TranslatableText &text)
{
    return QCoreApplication::translate(text.context, text.text);
}

// A metric's name for people ("Validation loss" for val_loss, metric_info.h); a key the
// table does not know, as it is.
inline QString metricDisplayName(const QString &key)
{
    const tb::MetricInfo *metric = tb::findMetric(key.toStdString());
    return metric ? engineText(metric->name) : key;
}

// The option key of a TrainConfig field, for TrainPage::setOption and the option maps the
// pages hand each other: trainKey(&tb::TrainConfig::validationData) is "validation_data".
// Naming the field, not the key, makes a renamed or removed option a compile error.
template <typename T>
QString trainKey(T tb::TrainConfig::*field)
{
    return QString::fromLatin1(tb::trainOptionKey(field));
}
