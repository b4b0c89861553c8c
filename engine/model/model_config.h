#pragma once

#include "enum_choices.h"

#include <cstdint>
#include <string>

namespace tb {

// The shape of a Llama-family decoder, named after Hugging Face's LlamaConfig.
struct ModelConfig {
    int64_t vocabSize = 512;
    int64_t hiddenSize = 64;
    int64_t intermediateSize = 172;
    int64_t numLayers = 2;
    int64_t numHeads = 4;
    int64_t numKvHeads = 2;
    int64_t maxPositions = 128;
    double rmsNormEps = 1e-5;
    double ropeTheta = 10000.0;
    bool tieWordEmbeddings = false;
    int64_t bosTokenId = 1;
    int64_t eosTokenId = 2;

    int64_t headDim() const { return hiddenSize / numHeads; }
    int64_t kvDim() const { return numKvHeads * headDim(); }
    int64_t parameterCount() const;
    // Throws tb::Error naming `source` when the numbers cannot describe a model.
    void validate(const std::string &source) const;
};

// Reads a Hugging Face config.json (architecture LlamaForCausalLM, MistralForCausalLM, or
// LlamaForSequenceClassification, whose backbone is the same).
ModelConfig readHfConfig(const std::string &path);
// The config.json text Hugging Face's LlamaConfig reads back.
std::string hfConfigJson(const ModelConfig &config, const std::string &torchDtype);

// The sizes offered for a model trained from scratch (the `preset` option), smallest first.
enum class ModelPreset { Nano, Micro, Small, Base };
inline constexpr EnumChoice<ModelPreset> kModelPresetChoices[] = {
    {ModelPreset::Nano, "nano", TB_TR_NOOP("TrainOption", "Nano (seconds per epoch)")},
    {ModelPreset::Micro, "micro", TB_TR_NOOP("TrainOption", "Micro")},
    {ModelPreset::Small, "small", TB_TR_NOOP("TrainOption", "Small")},
    {ModelPreset::Base, "base", TB_TR_NOOP("TrainOption", "Base (the largest)")},
};
constexpr const auto &enumChoices(ModelPreset) { return kModelPresetChoices; }

ModelConfig presetConfig(ModelPreset preset, int64_t vocabSize);
// A preset by name, or "tinyllama": TinyLlama-1.1B's shape, for benchmarks and estimates.
// Throws tb::Error naming the accepted names.
ModelConfig presetConfig(const std::string &name, int64_t vocabSize);

} // namespace tb
