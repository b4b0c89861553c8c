#pragma once

#include "chat_types.h"

#include <QCoreApplication>
#include <QString>

// A saved chat: the settings, and for each pane (one, or two side by side) the model's label
// and the turns. Written as JSON (loads back) or Markdown (for reading and sharing).
struct ChatTranscript {
    Q_DECLARE_TR_FUNCTIONS(ChatTranscript)

public:
    struct Pane {
        QString model;
        ChatTurns turns;
    };
    ChatSettings settings;
    QVector<Pane> panes;

    QByteArray toJson() const;
    QString toMarkdown() const;
    // Parses `json`; on failure returns false and says what is wrong in `error` (the caller
    // names the file). `*this` is left unchanged then.
    bool fromJson(const QByteArray &json, QString *error);
};

// The user-visible words for an engine stop reason ("eos" → "end of text").
QString stopReasonText(const QString &reason);
