#pragma once

// Internal to the engine: the per-format readers behind loadDataset().
#include "chat_template.h"
#include "dataset.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tb::detail {

// One row of a dataset file, parsed but not yet tokenised.
struct RawRow {
    int64_t line = 0;                  // where the row starts
    std::vector<ChatMessage> messages; // chat, ShareGPT, Alpaca
    std::string text;                  // classification text, or a plain-text document
    std::string label;                 // classification label as written
    // Plain text: (byte offset in `text`, file line) for the start of each line, so a
    // window's first token can name its line.
    std::vector<std::pair<size_t, int64_t>> lineStarts;
    std::string error;                 // non-empty: the row is invalid
    int64_t errorLine = 0;             // where the error is (inside a multi-line row)
    bool fileLevel = false;            // a problem of the file's structure, not a row
};

// The most one row may hold (a JSON line or array element, a CSV record, a line of plain
// text): 1 MiB, about 250,000 tokens, far beyond any context a row is cut to. A longer row
// is reported with its line and left out; reading it whole would take time and memory that
// grow with it (a 50 MB line took minutes and gigabytes to tokenise).
inline constexpr size_t kMaxRowBytes = size_t(1) << 20;
// The message for a row of `bytes` over kMaxRowBytes.
std::string rowTooLong(size_t bytes);

// The format of `content` (read from `path`) when `requested` is Auto, else `requested`.
DatasetFormat resolveFormat(const std::string &path, const std::string &content, DatasetFormat requested,
                            const DatasetOptions &options);

// Calls `sink` for every row of `content` in file order (blank lines are not rows). Throws
// tb::Error for a failure of the whole file (a CSV header without the mapped columns).
void readRows(const std::string &path, const std::string &content, DatasetFormat format,
              const DatasetOptions &options, const std::function<void(RawRow &&)> &sink);

} // namespace tb::detail
