#pragma once

#include "batching.h"
#include "chat_template.h"
#include "dialogue_checks.h"
#include "llama_model.h"
#include "sequence_classifier.h"
#include "train_step.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;
struct ModelSnapshot;

// What a run trains. The loop (trainer.cpp) is the same for every task; what differs is
// here: the loss of a step, the evaluation, and the folder a checkpoint's weights go to.
// Language modelling (full or LoRA) and sequence classification implement it; preference
// pairs will too.
class TrainTask {
public:
    virtual ~TrainTask() = default;

    // The module whose parameters train and are saved (the classifier wraps the model).
    virtual torch::nn::Module &module() = 0;
    // trainer_state.json's "kind": model, lora or classifier.
    virtual std::string kind() const = 0;

    // What one loss is a mean over: trained tokens (language model) or labelled rows.
    virtual int64_t units(const Batch &batch) const = 0;
    // Forward and backward over this process's micro-batches of one optimizer step, adding
    // to the gradients. Each micro-batch's summed loss is divided by `totalUnits`, the
    // step's units over every micro-batch of every rank, so the ranks' losses add up to
    // the step's mean. Returns this process's part of that mean.
    virtual double accumulate(const std::vector<Batch> &microBatches, int64_t totalUnits) = 0;

    // Evaluation metrics (val_loss and the task's own) on `examples` at `step`; `whole`
    // covers all of them and writes details to `log`, else eval_batches bound the cost.
    virtual std::map<std::string, double> evaluate(const std::vector<Example> &examples, int64_t step, bool whole,
                                                   const std::function<void(const std::string &)> &log) = 0;

    // Writes a loadable folder of the weights into the empty folder `dir`.
    virtual void save(const std::string &dir) = 0;

    // A copy of the weights to chat with while the run goes on; null for a task without replies.
    virtual std::shared_ptr<const ModelSnapshot> snapshot(int64_t step) = 0;
};

struct TaskSettings {
    std::shared_ptr<Tokenizer> tokenizer;
    ChatTemplateKind chatTemplate = ChatTemplateKind::Plain;
    BatchOptions batches;   // a language model's evaluation batches
    int64_t classifierBatchRows = 8; // a classifier's evaluation batch (batch_size)
    StepOptions step;
    int64_t evalBatches = 0;
    std::string loraBase;   // LoRA: the base model an adapter is saved against; empty = full weights
    std::vector<DialogueCheck> checks;
    int64_t checkTokens = 64;
};

std::unique_ptr<TrainTask> makeLanguageModelTask(LlamaModel model, TaskSettings settings);
std::unique_ptr<TrainTask> makeClassifierTask(SequenceClassifier classifier, TaskSettings settings);

} // namespace tb
