#pragma once

#include <ATen/core/Tensor.h>

namespace tb {

// y (out) = W (out, in) x (in) for batch-1 decode, with the CPU kernels of cpu_kernels.cpp:
// W and x both float32 or both bfloat16, W contiguous on the CPU; y in W's dtype. Returns an
// undefined tensor where no kernel fits (another CPU, dtype or device): the caller then uses
// LibTorch's own call.
at::Tensor cpuGemv(const at::Tensor &weight, const at::Tensor &x);

} // namespace tb
