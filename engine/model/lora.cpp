// LoRA adapters on the Linear layers of a LlamaModel, named as Hugging Face PEFT names them;
// io/peft_adapter.cpp reads and writes them as PEFT adapter folders.
#include "lora.h"

#include "error.h"
#include "text_util.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace tb {

std::vector<LoraTarget> loraTargets(const LlamaModel &modelIn)
{
    LlamaModel model = modelIn; // a holder sharing the module: the walk itself changes nothing
    std::vector<LoraTarget> out;
    int64_t index = 0;
    for (const auto &module : *model->model->layers) {
        auto *layer = module->as<DecoderLayerImpl>();
        const std::string base = "model.layers." + std::to_string(index++) + ".";
        const std::pair<const char *, Linear> linears[] = {
            {"q_proj", layer->self_attn->q_proj},  {"k_proj", layer->self_attn->k_proj},
            {"v_proj", layer->self_attn->v_proj},  {"o_proj", layer->self_attn->o_proj},
            {"gate_proj", layer->mlp->gate_proj}, {"up_proj", layer->mlp->up_proj},
            {"down_proj", layer->mlp->down_proj}};
        for (const auto &[name, linear] : linears) {
            const bool attention = std::string(name).size() == 6; // q/k/v/o_proj
            out.push_back({base + (attention ? "self_attn." : "mlp.") + name, name, linear});
        }
    }
    return out;
}

bool isLoraTarget(const std::vector<std::string> &targets, const std::string &name)
{
    return std::find(targets.begin(), targets.end(), name) != targets.end();
}

void freezeLoraBase(LlamaModel &model)
{
    for (auto &p : model->parameters()) {
        p.set_requires_grad(false);
        p.mutable_grad().reset();
    }
}

const std::vector<std::string> &loraTargetNames()
{
    static const std::vector<std::string> names = {"q_proj", "k_proj", "v_proj", "o_proj",
                                                   "gate_proj", "up_proj", "down_proj"};
    return names;
}

void LoraConfig::validate(const std::string &source) const
{
    if (rank < 1)
        throw Error(source + ": LoRA rank must be at least 1, found " + std::to_string(rank));
    if (!std::isfinite(alpha) || alpha <= 0.0)
        throw Error(source + ": LoRA alpha must be a positive number, found " + std::to_string(alpha));
    if (!std::isfinite(dropout) || dropout < 0.0 || dropout >= 1.0)
        throw Error(source + ": LoRA dropout must be in [0, 1), found " + std::to_string(dropout));
    if (targets.empty())
        throw Error(source + ": no LoRA target modules; choose from " + joinNames(loraTargetNames()));
    std::set<std::string> seen;
    for (const auto &t : targets) {
        if (!isLoraTarget(loraTargetNames(), t))
            throw Error(source + ": unknown LoRA target module '" + t + "'; valid names are "
                        + joinNames(loraTargetNames()));
        if (!seen.insert(t).second)
            throw Error(source + ": LoRA target module '" + t + "' is listed twice");
    }
}

void applyLora(LlamaModel &model, const LoraConfig &config, uint64_t seed)
{
    config.validate("LoRA config");
    if (hasLora(model))
        throw Error("the model already has LoRA adapters; merge them (mergeLora) or start from the base model");
    torch::NoGradGuard noGrad;
    freezeLoraBase(model);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (auto &t : loraTargets(model)) {
        if (!isLoraTarget(config.targets, t.name))
            continue;
        const int64_t in = t.linear->weight.size(1), out = t.linear->weight.size(0);
        // PEFT: kaiming_uniform_(A, a=sqrt(5)), whose bound gain·sqrt(3/fan_in) is 1/sqrt(in).
        const double bound = 1.0 / std::sqrt(double(in));
        auto a = torch::empty({config.rank, in}, torch::kFloat).uniform_(-bound, bound, gen); // (r, in)
        auto b = torch::zeros({out, config.rank}, torch::kFloat);                            // (out, r)
        t.linear->attachLora(a, b, config.alpha, config.dropout);
    }
}

bool hasLora(const LlamaModel &model)
{
    for (const auto &t : loraTargets(model))
        if (t.linear->hasLora())
            return true;
    return false;
}

LoraConfig loraConfigOf(const LlamaModel &model)
{
    LoraConfig c;
    c.targets.clear();
    bool found = false;
    for (const auto &t : loraTargets(model)) {
        if (!t.linear->hasLora())
            continue;
        if (!found) {
            c.rank = t.linear->lora_A->weight.size(0);
            c.alpha = t.linear->loraAlpha();
            c.dropout = t.linear->loraDropout();
            found = true;
        }
        if (!isLoraTarget(c.targets, t.name))
            c.targets.push_back(t.name);
    }
    if (!found)
        throw Error("the model has no LoRA adapters");
    // allTargets walks layer 0 first in canonical order, so targets come out canonical.
    return c;
}

std::vector<std::pair<std::string, torch::Tensor>> loraNamedParameters(const LlamaModel &model)
{
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto &t : loraTargets(model)) {
        if (!t.linear->hasLora())
            continue;
        out.emplace_back(t.path + ".lora_A.weight", t.linear->lora_A->weight);
        out.emplace_back(t.path + ".lora_B.weight", t.linear->lora_B->weight);
    }
    return out;
}

std::vector<torch::Tensor> loraParameters(const LlamaModel &model)
{
    std::vector<torch::Tensor> out;
    for (auto &p : loraNamedParameters(model))
        out.push_back(p.second);
    return out;
}

namespace {

// W + scaling · B A in float32, rounded once to W's dtype. (out, in)
torch::Tensor mergedWeight(const LinearImpl &linear)
{
    auto delta = torch::matmul(linear.lora_B->weight, linear.lora_A->weight) * linear.loraScaling(); // (out, in)
    return (linear.weight.to(torch::kFloat) + delta).to(linear.weight.scalar_type());
}

} // namespace

void mergeLora(LlamaModel &model)
{
    torch::NoGradGuard noGrad;
    for (auto &t : loraTargets(model)) {
        if (!t.linear->hasLora())
            continue;
        t.linear->weight.copy_(mergedWeight(*t.linear));
        t.linear->detachLora();
    }
}

LlamaModel mergedCopy(const LlamaModel &source)
{
    torch::NoGradGuard noGrad;
    LlamaModel src = source;
    LlamaModel copy(src->config(), src->dtype());
    auto from = src->named_parameters();
    for (auto &p : copy->named_parameters()) {
        const torch::Tensor *value = from.find(p.key());
        TORCH_CHECK(value, "mergedCopy: the source model has no parameter ", p.key());
        p.value().copy_(*value);
    }
    const auto srcTargets = loraTargets(src), dstTargets = loraTargets(copy);
    for (size_t i = 0; i < srcTargets.size(); ++i)
        if (srcTargets[i].linear->hasLora())
            dstTargets[i].linear->weight.copy_(mergedWeight(*srcTargets[i].linear));
    copy->train(src->is_training());
    return copy;
}

} // namespace tb
