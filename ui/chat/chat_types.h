#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>

// What the chat page sends to its workers with every message: the system prompt and every
// sampling setting of the engine (tb::SamplingOptions), as Qt value types.
struct ChatSettings {
    QString systemPrompt;
    double temperature = 0.7;   // 0 = greedy
    int topK = 40;              // 0 = off
    double topP = 0.95;         // 1 = off
    double repetitionPenalty = 1.1; // 1 = off
    int maxNewTokens = 256;
    bool randomSeed = true;     // a fresh seed per reply (the one used is recorded with it)
    qint64 seed = 0;            // used as is when randomSeed is false
    QStringList stopStrings;
    bool stopAtEos = true;

    bool operator==(const ChatSettings &o) const
    {
        return systemPrompt == o.systemPrompt && temperature == o.temperature && topK == o.topK && topP == o.topP
            && repetitionPenalty == o.repetitionPenalty && maxNewTokens == o.maxNewTokens
            && randomSeed == o.randomSeed && seed == o.seed && stopStrings == o.stopStrings
            && stopAtEos == o.stopAtEos;
    }
};

// One message of a conversation. Assistant turns also carry how they were generated.
struct ChatTurn {
    QString role; // "user" or "assistant"
    QString text;
    double tokensPerSecond = 0.0;
    int tokens = 0;
    QString stopReason; // the engine's name: eos, stop_string, max_tokens, cancelled, context_full
    qint64 seed = -1;
    int droppedTurns = 0;

    bool operator==(const ChatTurn &o) const
    {
        return role == o.role && text == o.text && tokens == o.tokens && stopReason == o.stopReason
            && seed == o.seed && droppedTurns == o.droppedTurns && qFuzzyCompare(1.0 + tokensPerSecond, 1.0 + o.tokensPerSecond);
    }
};
using ChatTurns = QVector<ChatTurn>;

Q_DECLARE_METATYPE(ChatSettings)
Q_DECLARE_METATYPE(ChatTurn)
Q_DECLARE_METATYPE(ChatTurns)
