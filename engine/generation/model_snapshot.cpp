#include "model_snapshot.h"

#include "lora.h"

namespace tb {

LlamaModel snapshotCopy(const LlamaModel &model)
{
    torch::NoGradGuard noGrad;
    LlamaModel copy(model->config(), model->dtype());
    if (hasLora(model))
        applyLora(copy, loraConfigOf(model), 0); // the same adapters' shapes; values copied below
    auto target = copy->named_parameters();
    for (const auto &p : model->named_parameters()) {
        torch::Tensor dst = target[p.key()];
        // A frozen parameter never changes during the run: share its storage. A trained one
        // changes at every step: copy it now, so the snapshot never sees a later update.
        dst.set_data(p.value().requires_grad() ? p.value().detach().clone() : p.value().detach());
        dst.set_requires_grad(false);
    }
    copy->eval();
    return copy;
}

} // namespace tb
