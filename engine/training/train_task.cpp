#include "train_task.h"

#include "classifier_evaluation.h"
#include "classifier_folder.h"
#include "evaluation.h"
#include "hf_folder.h"
#include "model_snapshot.h"
#include "peft_adapter.h"
#include "tokenizer.h"

#include <cstdio>

namespace tb {

namespace {

class LanguageModelTask final : public TrainTask {
public:
    LanguageModelTask(LlamaModel model, TaskSettings settings) : m_model(std::move(model)), m_s(std::move(settings)) {}

    torch::nn::Module &module() override { return *m_model; }
    std::string kind() const override { return m_s.loraBase.empty() ? "model" : "lora"; }
    int64_t units(const Batch &batch) const override { return batch.trainedTokens; }

    double accumulate(const std::vector<Batch> &microBatches, int64_t totalUnits) override
    {
        return accumulateGradients(m_model, microBatches, m_s.step, totalUnits);
    }

    std::map<std::string, double> evaluate(const std::vector<Example> &examples, int64_t step, bool whole,
                                           const std::function<void(const std::string &)> &log) override
    {
        auto metrics = evaluateLanguageModel(m_model, examples, m_s.batches, m_s.step, whole ? 0 : m_s.evalBatches);
        if (m_s.checks.empty())
            return metrics;
        const DialogueCheckReport report =
            runDialogueChecks(m_model, *m_s.tokenizer, m_s.chatTemplate, m_s.checks, m_s.checkTokens);
        metrics["check_pass_rate"] = report.passRate;
        metrics["checks_s"] = report.seconds;
        char line[160];
        std::snprintf(line, sizeof line, "dialogue checks at step %lld: %lld/%zu passed in %.1f s",
                      static_cast<long long>(step), static_cast<long long>(report.passed), report.outcomes.size(), report.seconds);
        log(line);
        if (whole)
            for (const DialogueCheckOutcome &o : report.outcomes) {
                std::string failures;
                for (const auto &f : o.failures)
                    failures += (failures.empty() ? "" : "; ") + f;
                log("  " + std::string(o.passed ? "pass " : "FAIL ") + o.name + (o.passed ? "" : ": " + failures));
            }
        return metrics;
    }

    void save(const std::string &dir) override
    {
        if (m_s.loraBase.empty()) {
            exportHfFolder(m_model, m_s.tokenizer.get(), dir, "F32");
            return;
        }
        saveLoraAdapter(m_model, dir, m_s.loraBase);
        m_s.tokenizer->writeHfFiles(dir);
    }

    std::shared_ptr<const ModelSnapshot> snapshot(int64_t step) override
    {
        auto snapshot = std::make_shared<ModelSnapshot>();
        snapshot->step = step;
        snapshot->model = snapshotCopy(m_model);
        snapshot->tokenizer = m_s.tokenizer;
        snapshot->chatTemplate = m_s.chatTemplate;
        return snapshot;
    }

private:
    LlamaModel m_model;
    TaskSettings m_s;
};

class ClassifierTask final : public TrainTask {
public:
    ClassifierTask(SequenceClassifier classifier, TaskSettings settings)
        : m_classifier(std::move(classifier)), m_s(std::move(settings))
    {
    }

    torch::nn::Module &module() override { return *m_classifier; }
    std::string kind() const override { return "classifier"; }
    int64_t units(const Batch &batch) const override { return batch.labels.size(0); }

    double accumulate(const std::vector<Batch> &microBatches, int64_t totalUnits) override
    {
        const auto summedLoss = [&](const Batch &b) {
            ForwardOptions o;
            o.checkpointLayers = m_s.step.checkpointLayers;
            return torch::nn::functional::cross_entropy(
                m_classifier->forward(b.ids, b.lastIndex, o), b.labels,
                torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
        };
        return accumulateGradients(microBatches, m_s.step, summedLoss, [this](const Batch &b) { return units(b); },
                                   totalUnits);
    }

    // Every validation row, even between the final evaluations: the metrics need all classes.
    std::map<std::string, double> evaluate(const std::vector<Example> &examples, int64_t, bool whole,
                                           const std::function<void(const std::string &)> &log) override
    {
        const ClassifierEvaluation e =
            evaluateClassifier(m_classifier, examples, m_s.classifierBatchRows, m_s.batches.padId);
        if (whole)
            log(metricsToText(e.metrics));
        return {{"val_loss", e.loss},
                {"accuracy", e.metrics.accuracy},
                {"macro_f1", e.metrics.macroF1},
                {"macro_precision", e.metrics.macroPrecision},
                {"macro_recall", e.metrics.macroRecall},
                {"eval_s", e.seconds}};
    }

    void save(const std::string &dir) override { saveClassifier(m_classifier, m_s.tokenizer.get(), dir, "F32"); }

    std::shared_ptr<const ModelSnapshot> snapshot(int64_t) override { return nullptr; }

private:
    SequenceClassifier m_classifier;
    TaskSettings m_s;
};

} // namespace

std::unique_ptr<TrainTask> makeLanguageModelTask(LlamaModel model, TaskSettings settings)
{
    return std::make_unique<LanguageModelTask>(std::move(model), std::move(settings));
}

std::unique_ptr<TrainTask> makeClassifierTask(SequenceClassifier classifier, TaskSettings settings)
{
    return std::make_unique<ClassifierTask>(std::move(classifier), std::move(settings));
}

} // namespace tb
