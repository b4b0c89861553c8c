#include "rotary_permute.h"

#include <torch/torch.h>

namespace tb {

torch::Tensor interleavedToHalves(const torch::Tensor &w, int64_t heads)
{
    const int64_t rows = w.size(0), in = w.size(1);
    const int64_t half = rows / heads / 2;
    // (heads, hd/2, 2, in): pair index before the (x, y) index -> swap them.
    return w.reshape({heads, half, 2, in}).transpose(1, 2).reshape({rows, in}).contiguous();
}

torch::Tensor halvesToInterleaved(const torch::Tensor &w, int64_t heads)
{
    const int64_t rows = w.size(0), in = w.size(1);
    const int64_t half = rows / heads / 2;
    // (heads, 2, hd/2, in): the halves first -> interleave them.
    return w.reshape({heads, 2, half, in}).transpose(1, 2).reshape({rows, in}).contiguous();
}

} // namespace tb
