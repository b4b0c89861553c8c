#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tb {

// A tensor as a file stores it, before it is read. Every importer (safetensors, GGUF,
// llama2.c) describes its tensors this way under their Hugging Face names, so checking
// names and shapes and copying into the model is written once (weight_loader.cpp).
struct StoredTensor {
    std::string name;           // Hugging Face name, e.g. model.layers.0.mlp.up_proj.weight
    std::string dtype;          // as stored: F32, F16, BF16, Q8_0, Q4_K, ...
    std::vector<int64_t> shape; // Hugging Face shape, e.g. (out, in)
    std::string file;           // where it comes from, for error messages
    // Fills `dst` (contiguous, `shape`, any float dtype) with the values. Reads only this
    // tensor, so at most one tensor's temporary is alive at a time.
    std::function<void(at::Tensor &dst)> readInto;
};

using StoredTensors = std::map<std::string, StoredTensor>;

// Reads exactly `bytes` at `offset` of an open file into `dst`; throws tb::Error naming
// `path` if the file ends early.
void readExact(int fd, const std::string &path, uint64_t offset, void *dst, uint64_t bytes);

// Element size in bytes of a stored float dtype (F32, F16, BF16); 0 if not one of these.
int64_t storedElementSize(const std::string &dtype);
// The torch dtype of F32 / F16 / BF16.
at::ScalarType storedTorchDtype(const std::string &dtype);

// Copies `bytes` of raw little-endian data of `dtype` into `dst`, converting as needed.
// When dst already has that dtype the read goes straight into dst's memory.
void readPlainInto(int fd, const std::string &path, uint64_t offset, const std::string &dtype,
                   at::Tensor &dst);

} // namespace tb
