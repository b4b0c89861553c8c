#pragma once

#include <QCoreApplication>
#include <QString>

namespace tb {
struct LoadedModel;
}

// The Model page's card for a loaded model, as rich text: where it came from, architecture,
// parameters, dtypes, context, tokenizer, the special tokens with their ids, and the chat
// template rendered for a two-turn conversation (special tokens marked, the tokens training
// learns in green), so the template and the EOS are visible before any training.
class ModelCard {
    Q_DECLARE_TR_FUNCTIONS(ModelCard)

public:
    static QString html(const tb::LoadedModel &model, const QString &path, bool bf16, int threads);
};
