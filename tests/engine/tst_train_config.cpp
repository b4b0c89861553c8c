// The training options' one table (train_config.cpp): every enum-like option is parsed once,
// at load, and a wrong key or choice is an error that names the option and what it accepts;
// config.json files written before the options were typed load and write back unchanged;
// every option has a label and help for the form; trainOptionKey() names a field's key;
// docs/training.md documents every key; the metric table names the metrics a run writes.
#include "engine_test_util.h"
#include "error.h"
#include "metric_info.h"
#include "test_support.h"
#include "train_config.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QtTest>

#include <functional>
#include <set>

namespace {

QByteArray readSource(const QString &relative)
{
    QFile f(QStringLiteral(TB_SOURCE_DIR "/") + relative);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

const std::string kData = R"({"data": "corpus.txt")";

} // namespace

class TestTrainConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void unknownKeyIsAnError()
    {
        const QString error = tbtest::errorOf([] { tb::trainConfigFromJson(kData + R"(, "learning_rat": 1})", "run.json"); });
        QVERIFY2(error.contains("run.json: unknown option 'learning_rat'"), qPrintable(error));
        QVERIFY2(error.contains("learning_rate"), qPrintable(error)); // the known ones are listed
        const QString set = tbtest::errorOf([] { tb::trainConfigFromJson(kData + "}", "run.json", {"on_eror=stop"}); });
        QVERIFY2(set.contains("unknown option 'on_eror'"), qPrintable(set));
    }

    // Every choice option, from the table: a name it lacks is refused at load, in a file and
    // with --set, naming the option and every accepted value.
    void unknownChoiceNamesTheAllowedValues_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QStringList>("names");
        int choices = 0;
        for (const tb::TrainOptionInfo &o : tb::trainOptionInfo()) {
            if (o.kind != tb::TrainOptionKind::Choice)
                continue;
            QStringList names;
            for (const tb::TrainOptionChoice &c : o.choices)
                if (!c.name.empty())
                    names << QString::fromStdString(c.name);
            QTest::newRow(o.key.c_str()) << QString::fromStdString(o.key) << names;
            ++choices;
        }
        // format, chat_template, on_error, overlong, text_split, preset, tokenizer_type, task,
        // base_dtype, autocast, schedule
        QCOMPARE(choices, 11);
    }

    void unknownChoiceNamesTheAllowedValues()
    {
        QFETCH(QString, key);
        QFETCH(QStringList, names);
        const std::string k = key.toStdString();
        const QString inFile = tbtest::errorOf([&] { tb::trainConfigFromJson(kData + ", \"" + k + "\": \"bogus\"}", "run.json"); });
        const QString withSet = tbtest::errorOf([&] { tb::trainConfigFromJson(kData + "}", "run.json", {k + "=bogus"}); });
        const QString wrongType = tbtest::errorOf([&] { tb::trainConfigFromJson(kData + ", \"" + k + "\": 3}", "run.json"); });
        for (const QString &error : {inFile, withSet}) {
            QVERIFY2(error.contains("run.json: option '" + key + "': 'bogus' is not one of its values; choose one of "
                                    + names.join(", ")),
                     qPrintable(error));
        }
        QVERIFY2(wrongType.contains("option '" + key + "': expected one of the names, found 3"), qPrintable(wrongType));
    }

    // Each name of each choice parses, and is written back the same.
    void everyChoiceRoundTrips()
    {
        for (const tb::TrainOptionInfo &o : tb::trainOptionInfo()) {
            for (const tb::TrainOptionChoice &c : o.choices) {
                // bf16 storage needs a frozen base; classification needs nothing more at load.
                const std::vector<std::string> sets = {o.key + "=" + c.name, "lora_rank=4"};
                const tb::TrainConfig config = tb::trainConfigFromJson(kData + "}", "run.json", sets);
                const QJsonObject written = QJsonDocument::fromJson(QByteArray::fromStdString(tb::trainConfigToJson(config))).object();
                QCOMPARE(written.value(QString::fromStdString(o.key)).toString(), QString::fromStdString(c.name));
            }
        }
    }

    void typedValues()
    {
        const tb::TrainConfig c = tb::trainConfigFromJson(
            kData + R"(, "format": "sharegpt", "chat_template": "zephyr", "on_error": "stop", "overlong": "skip",
                "text_split": "stream", "preset": "base", "tokenizer_type": "char", "task": "classification",
                "base_dtype": "bf16", "freeze_base": true, "autocast": "bf16", "schedule": "constant"})",
            "run.json");
        QVERIFY(c.format == tb::DatasetFormat::ShareGpt);
        QVERIFY(c.chatTemplate == tb::ChatTemplateKind::Zephyr);
        QVERIFY(c.onError == tb::ErrorPolicy::StopAtFirst);
        QVERIFY(c.overlong == tb::OverlongPolicy::Skip);
        QVERIFY(c.textSplit == tb::TextSplit::Stream);
        QVERIFY(c.preset == tb::ModelPreset::Base);
        QVERIFY(c.tokenizerType == tb::TokenizerType::Char);
        QVERIFY(c.task == tb::TaskKind::Classification);
        QVERIFY(c.baseDtype == tb::BaseDtype::Bf16);
        QVERIFY(c.autocast == tb::Autocast::Bf16);
        QVERIFY(c.schedule == tb::LrSchedule::Constant);
        // "" is the model's own template, as before.
        QVERIFY(!tb::trainConfigFromJson(kData + R"(, "chat_template": ""})", "run.json").chatTemplate);
        QVERIFY(!tb::TrainConfig().chatTemplate);
    }

    // config.json of run folders written while the options were strings (commit 4d3826d):
    // they load, and trainConfigToJson writes the same bytes back.
    void oldConfigJsonRoundTrips_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("defaults") << "tests/data/configs/v1_defaults.json";
        QTest::newRow("chat_lora") << "tests/data/configs/v1_chat_lora.json";
        QTest::newRow("classifier") << "tests/data/configs/v1_classifier.json";
    }

    void oldConfigJsonRoundTrips()
    {
        QFETCH(QString, file);
        const QByteArray text = readSource(file);
        QVERIFY2(!text.isEmpty(), qPrintable(file));
        const tb::TrainConfig c = tb::trainConfigFromJson(text.toStdString(), file.toStdString());
        QCOMPARE(QByteArray::fromStdString(tb::trainConfigToJson(c)), text);
    }

    // The defaults did not move: a config that names only its data writes what it used to.
    void defaultsAreThePreviousOnes()
    {
        tb::TrainConfig c;
        c.data = "corpus.txt";
        QCOMPARE(QByteArray::fromStdString(tb::trainConfigToJson(c)), readSource("tests/data/configs/v1_defaults.json"));
        QVERIFY(c.format == tb::DatasetFormat::Auto && c.preset == tb::ModelPreset::Micro
                && c.schedule == tb::LrSchedule::Cosine && c.autocast == tb::Autocast::Off);
    }

    // The form's table: each option has a label and help (marked for translation), keys are
    // unique, a choice has its names, a path its kind, and the defaults are the config's.
    void everyOptionHasLabelAndHelp()
    {
        std::set<std::string> keys, labels;
        for (const tb::TrainOptionInfo &o : tb::trainOptionInfo()) {
            QVERIFY2(keys.insert(o.key).second, o.key.c_str());
            QCOMPARE(QByteArray(o.label.context), QByteArray("TrainOption"));
            QCOMPARE(QByteArray(o.help.context), QByteArray("TrainOption"));
            const QString label = QString::fromUtf8(o.label.text);
            QVERIFY2(!label.isEmpty() && label != QString::fromStdString(o.key), o.key.c_str());
            QVERIFY2(labels.insert(o.label.text).second, o.label.text); // two options, one label: which is which?
            QVERIFY2(QByteArray(o.help.text).size() > 10, o.key.c_str());
            QCOMPARE(o.kind == tb::TrainOptionKind::Choice, !o.choices.empty());
            for (const tb::TrainOptionChoice &c : o.choices)
                QVERIFY2(QByteArray(c.label.text).size() > 0 && QByteArray(c.label.context) == "TrainOption", c.name.c_str());
            QCOMPARE(tb::findTrainOption(o.key), &o);
        }
        QCOMPARE(int(keys.size()), 63);
        QVERIFY(!tb::findTrainOption("learning_rat"));
        const tb::TrainOptionInfo *runDir = tb::findTrainOption("run_dir");
        QVERIFY(runDir && runDir->kind == tb::TrainOptionKind::OutputFolder);
        QVERIFY(tb::findTrainOption("data")->kind == tb::TrainOptionKind::File);
        QVERIFY(tb::findTrainOption("model")->kind == tb::TrainOptionKind::Folder);
        QVERIFY(tb::findTrainOption("max_steps")->kind == tb::TrainOptionKind::Int);
        QVERIFY(tb::findTrainOption("packing")->kind == tb::TrainOptionKind::Bool);
        QCOMPARE(tb::findTrainOption("schedule")->defaultValue, std::string("cosine"));
        const tb::TrainOptionInfo *chat = tb::findTrainOption("chat_template");
        QCOMPARE(chat->defaultValue, std::string(""));
        QCOMPARE(chat->choices.front().name, std::string("")); // the model's own, first
    }

    // Paths in a config file are relative to it: the inputs, not the run folder.
    void inputPathsAreRelativeToTheConfig()
    {
        const QString dir = tbtest::tempDir() + "/relative";
        QDir().mkpath(dir);
        QFile f(dir + "/run.json");
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"data": "d.txt", "validation_data": "v.txt", "model": "m", "tokenizer": "t.model",
                   "dialogue_checks": "c.jsonl", "run_dir": "runs/x", "lora_targets": "q_proj"})");
        f.close();
        const tb::TrainConfig c = tb::loadTrainConfig((dir + "/run.json").toStdString(), {});
        for (const std::string &path : {c.data, c.validationData, c.model, c.tokenizer, c.dialogueChecks})
            QVERIFY2(QString::fromStdString(path).startsWith(dir + "/"), path.c_str());
        QCOMPARE(c.runDir, std::string("runs/x"));
        QCOMPARE(c.loraTargets, std::string("q_proj"));
    }

    // The UI names option keys by field; a field's key is its row's.
    void trainOptionKeyNamesTheField()
    {
        QCOMPARE(QByteArray(tb::trainOptionKey(&tb::TrainConfig::data)), QByteArray("data"));
        QCOMPARE(QByteArray(tb::trainOptionKey(&tb::TrainConfig::validationData)), QByteArray("validation_data"));
        QCOMPARE(QByteArray(tb::trainOptionKey(&tb::TrainConfig::chatTemplate)), QByteArray("chat_template"));
        QCOMPARE(QByteArray(tb::trainOptionKey(&tb::TrainConfig::trainOnAllTokens)), QByteArray("train_on_all_tokens"));
        QCOMPARE(QByteArray(tb::trainOptionKey(&tb::TrainConfig::seed)), QByteArray("seed"));
        QCOMPARE(QByteArray(tb::trainOptionKey(&tb::TrainConfig::distTimeoutS)), QByteArray("dist_timeout_s"));
    }

    // docs/training.md documents every option of the table, in its "Options" section.
    void docsCoverEveryOption()
    {
        const QString doc = QString::fromUtf8(readSource("docs/training.md"));
        QVERIFY2(!doc.isEmpty(), "docs/training.md not found");
        const qsizetype begin = doc.indexOf("\n## Options");
        QVERIFY(begin >= 0);
        const qsizetype end = doc.indexOf("\n## ", begin + 1);
        const QString options = doc.mid(begin, end < 0 ? -1 : end - begin);
        QStringList missing;
        for (const tb::TrainOptionInfo &o : tb::trainOptionInfo())
            if (!options.contains("`" + QString::fromStdString(o.key) + "`"))
                missing << QString::fromStdString(o.key);
        QVERIFY2(missing.isEmpty(), qPrintable("docs/training.md's Options section lacks: " + missing.join(", ")));
    }

    // Every metric a run writes has a name for people; keys are unique.
    void metricTable()
    {
        std::set<std::string> keys;
        for (const tb::MetricInfo &m : tb::metricInfo()) {
            QVERIFY2(keys.insert(m.key).second, m.key);
            QCOMPARE(QByteArray(m.name.context), QByteArray("Metric"));
            QVERIFY(QByteArray(m.name.text) != QByteArray(m.key));
        }
        for (const char *key : {"loss", "lr", "grad_norm", "tokens_per_s", "val_loss", "val_ppl", "val_token_acc",
                                "val_tokens", "eval_s", "accuracy", "macro_f1", "macro_precision", "macro_recall",
                                "check_pass_rate", "checks_s"})
            QVERIFY2(tb::findMetric(key), key);
        QCOMPARE(QByteArray(tb::findMetric("val_loss")->name.text), QByteArray("Validation loss"));
        QVERIFY(!tb::findMetric("no_such_metric"));
    }
};

TB_REGISTER_TEST(TestTrainConfig, "train_config");
#include "tst_train_config.moc"
