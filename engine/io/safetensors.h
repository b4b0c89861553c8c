#pragma once

#include "stored_tensor.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tb {

// Reads the header of a .safetensors file and validates it against the file: header
// length, JSON, dtypes, shapes, and that every tensor's byte range lies inside the data
// section, matches its shape, and overlaps no other. Returns the tensors by name; each
// readInto() reads only that tensor. Unsupported dtypes are listed with dtype as stored
// and fail only if the tensor is used.
StoredTensors readSafetensors(const std::string &path, std::map<std::string, std::string> *metadata = nullptr);

// Writes tensors (in the given order) as safetensors, converting each to `dtype`
// (F32, F16, BF16) one at a time. Writes `path`.tmp, then renames it over `path`.
void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, at::Tensor>> &tensors,
                      const std::string &dtype, const std::map<std::string, std::string> &metadata = {});

} // namespace tb
