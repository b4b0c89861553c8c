#include "layer_checkpoint.h"

#include <ATen/autocast_mode.h>
#include <ATen/CPUGeneratorImpl.h>

namespace tb {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct CheckpointFunction : public torch::autograd::Function<CheckpointFunction> {
    // LibTorch runs this under no-grad: nothing inside the layer is kept for backward.
    static torch::Tensor forward(AutogradContext *ctx, const torch::Tensor &x, DecoderLayerImpl *layer,
                                 const torch::Tensor &cos, const torch::Tensor &sin, const torch::Tensor &mask)
    {
        ctx->save_for_backward({x});
        // The layer outlives the step (the model owns it); saved_data holds IValues only.
        ctx->saved_data["layer"] = int64_t(reinterpret_cast<intptr_t>(layer));
        ctx->saved_data["cos"] = cos;
        ctx->saved_data["sin"] = sin;
        ctx->saved_data["has_mask"] = mask.defined();
        if (mask.defined())
            ctx->saved_data["mask"] = mask;
        ctx->saved_data["rng"] = torch::globalContext().defaultGenerator(torch::kCPU).get_state();
        ctx->saved_data["autocast"] = at::autocast::is_cpu_enabled();
        return layer->forward(x, cos, sin, mask, nullptr, 0);
    }

    static variable_list backward(AutogradContext *ctx, variable_list gradOutputs)
    {
        auto *layer = reinterpret_cast<DecoderLayerImpl *>(intptr_t(ctx->saved_data["layer"].toInt()));
        const torch::Tensor input = ctx->get_saved_variables()[0].detach().requires_grad_(true);
        const torch::Tensor mask = ctx->saved_data["has_mask"].toBool() ? ctx->saved_data["mask"].toTensor()
                                                                        : torch::Tensor();
        at::Generator generator = torch::globalContext().defaultGenerator(torch::kCPU);
        const torch::Tensor rngNow = generator.get_state();
        generator.set_state(ctx->saved_data["rng"].toTensor());
        const bool autocastNow = at::autocast::is_cpu_enabled();
        at::autocast::set_cpu_enabled(ctx->saved_data["autocast"].toBool());
        torch::Tensor output;
        {
            torch::AutoGradMode enable(true);
            output = layer->forward(input, ctx->saved_data["cos"].toTensor(), ctx->saved_data["sin"].toTensor(),
                                    mask, nullptr, 0);
        }
        at::autocast::set_cpu_enabled(autocastNow);
        generator.set_state(rngNow);
        // Parameter gradients accumulate into .grad() here, as in PyTorch's reentrant checkpoint.
        torch::autograd::backward({output}, {gradOutputs[0]});
        return {input.grad(), torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

torch::Tensor checkpointedLayer(DecoderLayerImpl &layer, const torch::Tensor &x, const torch::Tensor &cos,
                                const torch::Tensor &sin, const torch::Tensor &mask)
{
    // With a frozen embedding (LoRA, frozen bottom layers) the input needs no gradient, and
    // a Function none of whose inputs needs one is left out of the graph: the layer's own
    // trainable parameters would get nothing. A leaf that asks for a gradient keeps it in.
    const torch::Tensor input = x.requires_grad() ? x : x.detach().requires_grad_(true);
    return CheckpointFunction::apply(input, &layer, cos, sin, mask);
}

} // namespace tb
