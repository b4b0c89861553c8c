#pragma once

#include "train_config.h"
#include "translatable.h"

#include <QCoreApplication>
#include <QString>

// The engine's texts for people (option labels and help, choice labels) in the
// UI's language. The engine writes them in English, marked with TB_TR_NOOP (translatable.h),
// and lupdate collects them from engine/ like any tr() of ui/.
inline QString engineText(const tb::TranslatableText &text)
{
    return QCoreApplication::translate(text.context, text.text);
}

// The option key of a TrainConfig field, for TrainPage::setOption and the option maps the
// pages hand each other: trainKey(&tb::TrainConfig::validationData) is "validation_data".
// Naming the field, not the key, makes a renamed or removed option a compile error.
template <typename T>
QString trainKey(T tb::TrainConfig::*field)
{
    return QString::fromLatin1(tb::trainOptionKey(field));
}
