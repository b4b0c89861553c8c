#include "model_card.h"

#include "chat_template.h"
#include "model_loader.h"
#include "token_display.h"
#include "tokenizer.h"

#include <QLocale>
#include <QStringList>

namespace {

QString row(const QString &name, const QString &value, const QString &id = QString())
{
    return QStringLiteral("<tr><td valign='top'><b>%1</b></td><td%3>%2</td></tr>")
        .arg(name, value, id.isEmpty() ? QString() : QStringLiteral(" id='%1'").arg(id));
}

QString tokenName(const tb::Tokenizer &tok, int64_t id)
{
    return QStringLiteral("<code>%1</code> = %2")
        .arg(QString::fromStdString(tok.piece(id)).toHtmlEscaped())
        .arg(id);
}

// The rendered example, token by token: special tokens boxed, trained tokens green.
QString renderedExample(tb::Tokenizer &tok, tb::ChatTemplateKind kind)
{
    const std::vector<tb::ChatMessage> messages = {
        {"user", ModelCard::tr("Hello! Who are you?").toStdString()},
        {"assistant", ModelCard::tr("A small model you are about to train.").toStdString()},
        {"user", ModelCard::tr("What is 2 + 2?").toStdString()},
        {"assistant", ModelCard::tr("4.").toStdString()},
    };
    try {
        const tb::RenderedChat chat = tb::renderChat(tok, kind, messages, false);
        // Ordinary tokens are joined into runs before decoding: a character the tokenizer
        // spells as several byte pieces only becomes valid UTF-8 once its bytes are together.
        QString html;
        std::string run;
        bool runTrained = false;
        auto flush = [&] {
            if (run.empty())
                return;
            const QString text = QString::fromStdString(run).toHtmlEscaped();
            html += runTrained ? QStringLiteral("<span style='color:#137333;'>%1</span>").arg(text) : text;
            run.clear();
        };
        for (size_t i = 0; i < chat.ids.size(); ++i) {
            const int64_t id = chat.ids[i];
            const bool trained = chat.trained[i] != 0;
            const std::string text = tb::tokenDisplayText(tok, id);
            if (tok.isSpecial(id)) {
                flush();
                QString box = QStringLiteral("<span style='background:#fde7b0;'>%1<sub>%2</sub></span>")
                                  .arg(QString::fromStdString(text).toHtmlEscaped())
                                  .arg(id);
                if (trained)
                    box = QStringLiteral("<span style='color:#137333;'>%1</span>").arg(box);
                html += box;
                continue;
            }
            if (trained != runTrained)
                flush();
            runTrained = trained;
            run += text;
        }
        flush();
        return QStringLiteral("<pre style='white-space:pre-wrap;'>%1</pre>").arg(html);
    } catch (const std::exception &e) {
        return QStringLiteral("<span style='color:#b00020'>%1</span>")
            .arg(QString::fromUtf8(e.what()).toHtmlEscaped());
    }
}

} // namespace

QString ModelCard::html(const tb::LoadedModel &loaded, const QString &path, bool bf16, int threads)
{
    const tb::ModelConfig &c = loaded.model->config();
    QString formatName = QString::fromStdString(loaded.format);
    if (loaded.format == "hf")
        formatName = tr("Hugging Face folder");
    else if (loaded.format == "gguf")
        formatName = tr("GGUF file");
    else if (loaded.format == "llama2c")
        formatName = tr("llama2.c checkpoint");
    QString html = QStringLiteral("<h3>%1</h3><table cellspacing='4'>").arg(path.toHtmlEscaped());
    html += row(tr("Source"), tr("%1: %2").arg(formatName, path.toHtmlEscaped()));
    html += row(tr("Architecture"), QStringLiteral("Llama: %1 × %2, %3 / %4 %5, MLP %6")
                                        .arg(c.numLayers)
                                        .arg(c.hiddenSize)
                                        .arg(c.numHeads)
                                        .arg(c.numKvHeads)
                                        .arg(tr("heads / KV heads"))
                                        .arg(c.intermediateSize));
    html += row(tr("Parameters"), QLocale().toString(qlonglong(c.parameterCount())), QStringLiteral("parameters"));
    html += row(tr("Stored / compute dtype"), QStringLiteral("%1 → %2").arg(QString::fromStdString(loaded.storedDtype),
                                                                          bf16 ? QStringLiteral("bf16")
                                                                               : QStringLiteral("f32")));
    html += row(tr("Context"), QString::number(c.maxPositions));
    html += row(tr("Vocabulary"), QLocale().toString(qlonglong(c.vocabSize)));

    tb::Tokenizer *tok = loaded.tokenizer.get();
    if (!tok) {
        html += row(tr("Tokenizer"), tr("none"));
        html += row(tr("Special tokens"), tr("BOS = %1, EOS = %2 (from the model's config; no tokenizer to name them)")
                                              .arg(c.bosTokenId)
                                              .arg(c.eosTokenId),
                    QStringLiteral("special"));
        html += row(tr("Chat template"), tr("none"));
    } else {
        const auto kind = tb::detectChatTemplate(tok->chatTemplateSource());
        html += row(tr("Tokenizer"), tr("SentencePiece, %1 pieces").arg(tok->vocabSize()));
        QStringList special;
        special << tr("BOS %1").arg(tokenName(*tok, tok->bosId())) << tr("EOS %1").arg(tokenName(*tok, tok->eosId()));
        if (tok->padId() >= 0)
            special << tr("PAD %1").arg(tokenName(*tok, tok->padId()));
        for (const std::string &t : tb::chatTemplateSpecialTokens(kind)) {
            const int64_t id = tok->pieceToId(t);
            special << (id >= 0 ? tokenName(*tok, id)
                                : tr("<code>%1</code> missing").arg(QString::fromStdString(t).toHtmlEscaped()));
        }
        html += row(tr("Special tokens"), special.join(QStringLiteral(", ")), QStringLiteral("special"));
        const QString source = tok->chatTemplateSource().empty() ? tr("none in the tokenizer; Tunebench's plain format")
                                                                 : tr("from the tokenizer");
        html += row(tr("Chat template"), QStringLiteral("%1 (%2)").arg(QString::fromStdString(tb::chatTemplateName(kind)),
                                                                     source),
                    QStringLiteral("template"));
        html += row(tr("Two-turn example"),
                    renderedExample(*tok, kind)
                        + tr("<small>Boxed: special tokens with their ids. Green: what training teaches the model to "
                             "write, its end token included.</small>"));
    }
    html += row(tr("Threads"), QString::number(threads), QStringLiteral("threads"));
    html += QStringLiteral("</table>");
    return html;
}
