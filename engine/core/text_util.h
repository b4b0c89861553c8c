#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tb {

bool isValidUtf8(std::string_view text);
// "" for text that may be UTF-8; else why it is not, for a message: "the file is UTF-16 (it
// starts with a UTF-16 byte-order mark); save it as UTF-8" (a BOM, or the NUL bytes of
// UTF-16 text without one).
std::string utf16Problem(std::string_view content);
// Throws tb::Error("<what>: ...") for an empty or non-UTF-8 prompt.
void checkPromptText(std::string_view text, const std::string &what);
// "1,2, 3" -> {1, 2, 3}; throws tb::Error naming the bad item.
std::vector<int64_t> parseIdList(const std::string &text);
std::string joinIds(const std::vector<int64_t> &ids, const char *separator = ",");
// A name or value read from a file as it may appear in a one-line message: control bytes
// escaped as \xNN, anything past `maxBytes` cut with "...", so a damaged file cannot
// break the message.
std::string printableText(const std::string &text, size_t maxBytes = 120);
// {"a", "b"} -> "a, b": lists of names and choices in messages.
std::string joinNames(const std::vector<std::string> &names, const char *separator = ", ");
// {2, 3} -> "[2, 3]": a tensor shape in messages.
std::string shapeText(const std::vector<int64_t> &shape);
// 1,572,864 -> "2 MiB" (rounded to the nearest MiB): memory in logs and messages.
std::string mibText(long long bytes);

} // namespace tb
