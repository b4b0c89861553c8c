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

// The format of `content` (read from `path`) when `requested` is Auto, else `requested`.
DatasetFormat resolveFormat(const std::string &path, const std::string &content, DatasetFormat requested,
                            const DatasetOptions &options);

// Calls `sink` for every row of `content` in file order (blank lines are not rows). Throws
// tb::Error for a failure of the whole file (a CSV header without the mapped columns).
void readRows(const std::string &path, const std::string &content, DatasetFormat format,
              const DatasetOptions &options, const std::function<void(RawRow &&)> &sink);

} // namespace tb::detail
