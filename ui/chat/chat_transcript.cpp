#include "chat_transcript.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

const char *kFormat = "tunebench-chat";
const int kVersion = 1;

QJsonObject settingsJson(const ChatSettings &s)
{
    return QJsonObject{{"system_prompt", s.systemPrompt},
                       {"temperature", s.temperature},
                       {"top_k", s.topK},
                       {"top_p", s.topP},
                       {"repetition_penalty", s.repetitionPenalty},
                       {"max_new_tokens", s.maxNewTokens},
                       {"random_seed", s.randomSeed},
                       {"seed", QString::number(s.seed)}, // a string: JSON numbers lose 64-bit integers
                       {"stop_strings", QJsonArray::fromStringList(s.stopStrings)},
                       {"stop_at_eos", s.stopAtEos}};
}

} // namespace

QString stopReasonText(const QString &reason)
{
    if (reason == QLatin1String("eos"))
        return ChatTranscript::tr("end of text");
    if (reason == QLatin1String("stop_string"))
        return ChatTranscript::tr("a stop string");
    if (reason == QLatin1String("max_tokens"))
        return ChatTranscript::tr("the token limit");
    if (reason == QLatin1String("cancelled"))
        return ChatTranscript::tr("Stop pressed");
    if (reason == QLatin1String("context_full"))
        return ChatTranscript::tr("a full context");
    return reason;
}

QByteArray ChatTranscript::toJson() const
{
    QJsonArray panesJson;
    for (const Pane &pane : panes) {
        QJsonArray turns;
        for (const ChatTurn &t : pane.turns) {
            QJsonObject turn{{"role", t.role}, {"content", t.text}};
            if (t.role == QLatin1String("assistant")) {
                turn.insert("tokens", t.tokens);
                turn.insert("tokens_per_second", t.tokensPerSecond);
                turn.insert("stop_reason", t.stopReason);
                turn.insert("seed", QString::number(t.seed));
                turn.insert("dropped_turns", t.droppedTurns);
            }
            turns.append(turn);
        }
        panesJson.append(QJsonObject{{"model", pane.model}, {"turns", turns}});
    }
    const QJsonObject root{{"format", kFormat}, {"version", kVersion}, {"settings", settingsJson(settings)},
                           {"panes", panesJson}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool ChatTranscript::fromJson(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (doc.isNull()) {
        *error = tr("it is not valid JSON (%1 at byte %2)").arg(parseError.errorString()).arg(parseError.offset);
        return false;
    }
    const QJsonObject root = doc.object();
    if (root.value("format").toString() != QLatin1String(kFormat)) {
        *error = tr("it is not a Tunebench chat (\"format\" should be \"%1\")").arg(QLatin1String(kFormat));
        return false;
    }
    if (root.value("version").toInt() > kVersion) {
        *error = tr("it was written by a newer Tunebench (version %1); update Tunebench to open it")
                     .arg(root.value("version").toInt());
        return false;
    }
    ChatTranscript result;
    const QJsonObject s = root.value("settings").toObject();
    ChatSettings defaults;
    result.settings.systemPrompt = s.value("system_prompt").toString();
    result.settings.temperature = s.value("temperature").toDouble(defaults.temperature);
    result.settings.topK = s.value("top_k").toInt(defaults.topK);
    result.settings.topP = s.value("top_p").toDouble(defaults.topP);
    result.settings.repetitionPenalty = s.value("repetition_penalty").toDouble(defaults.repetitionPenalty);
    result.settings.maxNewTokens = s.value("max_new_tokens").toInt(defaults.maxNewTokens);
    result.settings.randomSeed = s.value("random_seed").toBool(defaults.randomSeed);
    result.settings.seed = s.value("seed").toString().toLongLong();
    for (const QJsonValue &v : s.value("stop_strings").toArray())
        result.settings.stopStrings << v.toString();
    result.settings.stopAtEos = s.value("stop_at_eos").toBool(defaults.stopAtEos);

    const QJsonArray panes = root.value("panes").toArray();
    if (panes.isEmpty() || panes.size() > 2) {
        *error = tr("\"panes\" must list one or two conversations");
        return false;
    }
    for (int p = 0; p < panes.size(); ++p) {
        Pane pane;
        pane.model = panes[p].toObject().value("model").toString();
        const QJsonArray turns = panes[p].toObject().value("turns").toArray();
        for (int i = 0; i < turns.size(); ++i) {
            const QJsonObject t = turns[i].toObject();
            ChatTurn turn;
            turn.role = t.value("role").toString();
            const QString expected = i % 2 == 0 ? QStringLiteral("user") : QStringLiteral("assistant");
            if (turn.role != expected) {
                *error = tr("conversation %1, message %2: the role is \"%3\" where \"%4\" was expected")
                             .arg(p + 1)
                             .arg(i + 1)
                             .arg(turn.role, expected);
                return false;
            }
            if (!t.value("content").isString()) {
                *error = tr("conversation %1, message %2 has no text (\"content\")").arg(p + 1).arg(i + 1);
                return false;
            }
            turn.text = t.value("content").toString();
            turn.tokens = t.value("tokens").toInt();
            turn.tokensPerSecond = t.value("tokens_per_second").toDouble();
            turn.stopReason = t.value("stop_reason").toString();
            turn.seed = t.contains("seed") ? t.value("seed").toString().toLongLong() : -1;
            turn.droppedTurns = t.value("dropped_turns").toInt();
            pane.turns << turn;
        }
        result.panes << pane;
    }
    *this = result;
    return true;
}

QString ChatTranscript::toMarkdown() const
{
    QString md = QStringLiteral("# %1\n\n").arg(tr("Chat"));
    const ChatSettings &s = settings;
    md += QStringLiteral("- %1: %2\n").arg(tr("Temperature")).arg(s.temperature);
    md += QStringLiteral("- %1: %2, %3: %4, %5: %6\n")
              .arg(tr("Top-k"))
              .arg(s.topK)
              .arg(tr("Top-p"))
              .arg(s.topP)
              .arg(tr("Repetition penalty"))
              .arg(s.repetitionPenalty);
    md += QStringLiteral("- %1: %2\n").arg(tr("Max new tokens")).arg(s.maxNewTokens);
    md += QStringLiteral("- %1: %2\n").arg(tr("Seed"), s.randomSeed ? tr("random") : QString::number(s.seed));
    if (!s.systemPrompt.isEmpty())
        md += QStringLiteral("\n**%1:** %2\n").arg(tr("System prompt"), s.systemPrompt);
    for (const Pane &pane : panes) {
        md += QStringLiteral("\n## %1\n").arg(pane.model.isEmpty() ? tr("(no model)") : pane.model);
        for (const ChatTurn &t : pane.turns) {
            if (t.role == QLatin1String("user")) {
                md += QStringLiteral("\n### %1\n\n%2\n").arg(tr("You"), t.text);
            } else {
                md += QStringLiteral("\n### %1\n\n%2\n\n*%3*\n")
                          .arg(tr("Assistant"), t.text,
                               tr("%1 tokens at %2 tokens/s, stopped by %3")
                                   .arg(t.tokens)
                                   .arg(t.tokensPerSecond, 0, 'f', 1)
                                   .arg(stopReasonText(t.stopReason)));
            }
        }
    }
    return md;
}
