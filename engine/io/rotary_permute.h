#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace tb {

// Meta's checkpoints (llama2.c, GGUF) store each q/k head's rows with the rotary pairs
// interleaved: (x0, y0, x1, y1, ...). Hugging Face stores them as halves: (x0, x1, ...,
// y0, y1, ...), which is what rotate_half expects. `heads` is n_heads for q and n_kv_heads
// for k. Both return new contiguous tensors of the same shape and dtype.

// w: (heads * hd, in), interleaved -> rotate-half order.
at::Tensor interleavedToHalves(const at::Tensor &w, int64_t heads);
// w: (heads * hd, in), rotate-half -> interleaved order (what convert_hf_to_gguf.py does).
at::Tensor halvesToInterleaved(const at::Tensor &w, int64_t heads);

} // namespace tb
