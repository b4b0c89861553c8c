#pragma once

#include <string>

namespace tb {

// Hugging Face name <-> GGUF name for the Llama tensors; "" when there is none.
std::string ggufToHfName(const std::string &ggufName);
std::string hfToGgufName(const std::string &hfName);

} // namespace tb
