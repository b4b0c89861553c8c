#pragma once

#include "imported_model.h"

#include <string>

namespace tb {

// llama2.c v0 checkpoint (.bin): 7 int32 header, shared or separate classifier.
ImportedModel importLlama2c(const std::string &path);

} // namespace tb
