#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tb {

bool isValidUtf8(std::string_view text);
// Throws tb::Error("<what>: ...") for an empty or non-UTF-8 prompt.
void checkPromptText(std::string_view text, const std::string &what);
// "1,2, 3" -> {1, 2, 3}; throws tb::Error naming the bad item.
std::vector<int64_t> parseIdList(const std::string &text);
std::string joinIds(const std::vector<int64_t> &ids, const char *separator = ",");

} // namespace tb
