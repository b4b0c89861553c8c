#pragma once

#include "classification_metrics.h"
#include "llama_model.h"
#include "model_loader.h"

#include <torch/torch.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tb {

struct ClassifierLoadOptions;
struct Example;
struct LoadedClassifier;
class Tokenizer;

// A Llama decoder with a linear class head on the hidden state of each row's last real
// token, as Hugging Face's LlamaForSequenceClassification: the parameters are the
// backbone's `model.*` and `score.weight` (numLabels, hidden) without bias. The language
// model's lm_head is not part of it: never used, trained or saved.
class SequenceClassifierImpl : public torch::nn::Module {
public:
    // Wraps `lm` (shared, not copied) with a fresh head of N(0, 0.02) weights drawn from
    // `seed`, in the model's dtype. Throws tb::Error for fewer than two labels or duplicates.
    SequenceClassifierImpl(LlamaModel lm, std::vector<std::string> labelNames, uint64_t seed = 0);

    // ids: (B, T) int64, lastIndex: (B) int64 -> logits (B, numLabels) float32, read at
    // lastIndex[b]. The model is causal, so padding after that position changes nothing.
    torch::Tensor forward(const torch::Tensor &ids, const torch::Tensor &lastIndex,
                          const ForwardOptions &options = {});

    // Frozen: every language-model parameter gets requires_grad false and only the head
    // trains. Whenever no backbone parameter needs a gradient, forward() runs the backbone
    // without autograd, so no activation is kept for backward.
    void setBackboneFrozen(bool frozen);
    bool backboneFrozen() const { return m_frozen; }

    // Also switches the wrapped LlamaModel (only its backbone is a registered child).
    void train(bool on = true) override;

    int64_t numLabels() const { return int64_t(m_labelNames.size()); }
    const std::vector<std::string> &labelNames() const { return m_labelNames; } // id2label
    int64_t labelId(const std::string &name) const; // label2id; -1 when absent
    // The backbone's config as saveClassifier writes it (a loaded classifier folder keeps its
    // tie_word_embeddings here although its backbone is built without an lm_head).
    const ModelConfig &config() const { return m_config; }
    LlamaModel languageModel() const { return m_lm; }

    LlamaBackbone model{nullptr}; // == languageModel()->model
    Linear score{nullptr};        // weight (numLabels, hidden)

private:
    friend LoadedClassifier loadClassifier(const std::string &path, const ClassifierLoadOptions &options);
    bool backboneNeedsGrad() const;

    LlamaModel m_lm;
    ModelConfig m_config;
    std::vector<std::string> m_labelNames;
    bool m_frozen = false;
};
TORCH_MODULE(SequenceClassifier);

// BOS, the text (no special-token matching) and EOS, as loadDataset tokenises a
// classification row; the end is cut to fit `contextLength` (the opening usually carries the label).
std::vector<int64_t> classificationIds(const Tokenizer &tokenizer, const std::string &text, int64_t contextLength);

// Softmax probabilities per label (index = label id) for one text. Runs without autograd in
// eval mode and restores the classifier's mode. Throws tb::Error for an empty or non-UTF-8 text.
std::vector<double> classify(SequenceClassifier &classifier, const Tokenizer &tokenizer, const std::string &text);

struct ClassifierEvaluation {
    ClassificationMetrics metrics;
    double loss = 0.0;    // mean cross-entropy per example
    int64_t examples = 0;
    double seconds = 0.0;
};

// Runs every example (in order, padded batches of `batchSize`) without autograd in eval
// mode, restoring the mode after; fills the confusion matrix with the argmax predictions.
// Throws tb::Error for an example without a label in range; stops early when `cancel` is set
// (the metrics then cover the batches run).
ClassifierEvaluation evaluateClassifier(SequenceClassifier &classifier, const std::vector<Example> &examples,
                                        int64_t batchSize, int64_t padId = 0,
                                        const std::atomic<bool> *cancel = nullptr);

// --- Hugging Face folders ---

// Writes `dir` as Hugging Face's LlamaForSequenceClassification reads it: config.json
// (architectures, num_labels, id2label, label2id, problem_type, pad_token_id when the
// tokenizer has a pad token), model.safetensors (model.* and score.weight) and, when a
// tokenizer is given, its files with add_eos_token true, since the head was trained on the
// final EOS. Each file is written to a temporary and renamed.
void saveClassifier(SequenceClassifier &classifier, const Tokenizer *tokenizer, const std::string &dir,
                    const std::string &dtype = "F32");

struct ClassifierLoadOptions {
    torch::Dtype computeDtype = torch::kFloat; // float32 or bfloat16
    std::string tokenizerPath;                 // pairs a tokenizer with weights that carry none
    // Required to start from a causal LM (the new head gets these classes); optional for a
    // classifier folder, where they must then equal the stored id2label.
    std::vector<std::string> labelNames;
    uint64_t seed = 0; // a new head's initialisation
    ProgressCallback progress;
};

struct LoadedClassifier {
    SequenceClassifier classifier{nullptr};
    std::shared_ptr<Tokenizer> tokenizer; // null when none was found or given
    std::string path;
    bool newHead = false; // true when `path` held a causal LM and the head is freshly initialised
};

// Loads a LlamaForSequenceClassification folder (saveClassifier's or Hugging Face's), or
// any causal LM loadModel reads (HF folder, GGUF, llama2.c) with a new head for
// options.labelNames. A classifier folder's backbone is built without an lm_head. The
// result is in eval mode. Throws tb::Error naming the file for missing or mismatched
// tensors, labels or config fields. (loadModel refuses a classifier folder: it has no
// language-model head to generate with.)
LoadedClassifier loadClassifier(const std::string &path, const ClassifierLoadOptions &options = {});

// Whether `path` is a folder whose config.json names LlamaForSequenceClassification.
bool isClassifierFolder(const std::string &path);

} // namespace tb
