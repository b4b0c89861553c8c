#pragma once

#include "chat_template.h"
#include "enum_choices.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tb {

class Tokenizer;

// What a training file holds. Auto detects it from the extension and the first rows.
//  ChatJsonl       {"messages": [{"role": "user", "content": "…"}, …]} per line (OpenAI)
//  ShareGpt        {"conversations": [{"from": "human", "value": "…"}, …]} (from: system,
//                  human|user, gpt|assistant), per line or as one JSON array
//  Alpaca          {"instruction", "input" (optional), "output", "system" (optional)}, per
//                  line or as one JSON array; rendered as one user/assistant exchange
//  PlainText       .txt for (continued) pre-training: one token stream cut into windows of
//                  the context length that overlap by one token (each token a target once)
//  Classification  CSV, TSV or JSONL with a text and a label column (names mappable)
enum class DatasetFormat { Auto, ChatJsonl, ShareGpt, Alpaca, PlainText, Classification };
enum class ErrorPolicy { SkipAndReport, StopAtFirst };
// An example longer than the context: Truncate keeps the final assistant turn (oldest turns
// go first, the system prompt stays while it fits, then tokens are cut from the left);
// Skip drops it, reported.
enum class OverlongPolicy { Truncate, Skip };
// How a .txt becomes documents: Paragraphs ends each blank-line-separated paragraph with
// EOS (and starts it with BOS); Stream tokenises the whole file as one document.
enum class TextSplit { Paragraphs, Stream };

// Their names in config files and on the command line (enum_choices.h), and what a form shows.
inline constexpr EnumChoice<DatasetFormat> kDatasetFormatChoices[] = {
    {DatasetFormat::Auto, "auto", TB_TR_NOOP("TrainOption", "Detect from the file")},
    {DatasetFormat::ChatJsonl, "chat", TB_TR_NOOP("TrainOption", "Chat (OpenAI messages)")},
    {DatasetFormat::ShareGpt, "sharegpt", TB_TR_NOOP("TrainOption", "ShareGPT conversations")},
    {DatasetFormat::Alpaca, "alpaca", TB_TR_NOOP("TrainOption", "Alpaca instructions")},
    {DatasetFormat::PlainText, "text", TB_TR_NOOP("TrainOption", "Plain text")},
    {DatasetFormat::Classification, "classification", TB_TR_NOOP("TrainOption", "Classification (text and label)")},
};
constexpr const auto &enumChoices(DatasetFormat) { return kDatasetFormatChoices; }
inline constexpr EnumChoice<ErrorPolicy> kErrorPolicyChoices[] = {
    {ErrorPolicy::SkipAndReport, "skip", TB_TR_NOOP("TrainOption", "Skip it and report its line")},
    {ErrorPolicy::StopAtFirst, "stop", TB_TR_NOOP("TrainOption", "Stop at the first one")},
};
constexpr const auto &enumChoices(ErrorPolicy) { return kErrorPolicyChoices; }
inline constexpr EnumChoice<OverlongPolicy> kOverlongPolicyChoices[] = {
    {OverlongPolicy::Truncate, "truncate", TB_TR_NOOP("TrainOption", "Truncate (keep the last reply)")},
    {OverlongPolicy::Skip, "skip", TB_TR_NOOP("TrainOption", "Skip the example")},
};
constexpr const auto &enumChoices(OverlongPolicy) { return kOverlongPolicyChoices; }
inline constexpr EnumChoice<TextSplit> kTextSplitChoices[] = {
    {TextSplit::Paragraphs, "paragraphs", TB_TR_NOOP("TrainOption", "One document per paragraph")},
    {TextSplit::Stream, "stream", TB_TR_NOOP("TrainOption", "The whole file as one stream")},
};
constexpr const auto &enumChoices(TextSplit) { return kTextSplitChoices; }

// Targets carry this where no loss is taken (PyTorch's cross_entropy default ignore_index).
constexpr int64_t kIgnoreIndex = -100;

// "chat", "sharegpt", "alpaca", "text", "classification" ("auto" for Auto).
std::string datasetFormatName(DatasetFormat format);
// Throws tb::Error naming the accepted names.
DatasetFormat datasetFormatFromName(const std::string &name);

struct DatasetProblem {
    std::string file;
    int64_t line = 0;    // 1-based; the line a row (or a JSON error inside it) is on
    std::string message; // what was expected, what was found
    bool dropped = true; // false for a note that did not cost the row (it was truncated)
};

struct DatasetOptions {
    DatasetFormat format = DatasetFormat::Auto;
    ErrorPolicy onError = ErrorPolicy::SkipAndReport;
    OverlongPolicy overlong = OverlongPolicy::Truncate;
    int64_t contextLength = 2048;
    // Loss masking off: every token counts, not only the assistant's (chat, instruction data).
    bool trainOnAllTokens = false;
    ChatTemplateKind chatTemplate = ChatTemplateKind::Plain;
    TextSplit textSplit = TextSplit::Paragraphs;
    std::string textColumn = "text";
    std::string labelColumn = "label";
    // Validation comes from `validationFile` when set, else this share of the rows, chosen
    // by `seed` (the same seed always gives the same split).
    double validationRatio = 0.1;
    std::string validationFile;
    uint64_t seed = 0;
};

// One training sequence. ids[i] is a target (predicted from ids[0..i-1]) when trained[i].
struct Example {
    std::vector<int64_t> ids;
    std::vector<uint8_t> trained;
    int64_t label = -1;     // classification: index into Dataset::labelNames
    int64_t sourceLine = 0; // where the row (or a text window's first token) came from
    std::string file;       // empty for the main file; the validation file's path otherwise
};

// Token counts of the examples. median is the mean of the two middle values for an even
// count; p95 is the nearest-rank 95th percentile (an actual length).
struct LengthStats {
    int64_t count = 0;
    int64_t min = 0;
    int64_t max = 0;
    double mean = 0.0;
    double median = 0.0;
    int64_t p95 = 0;
    std::vector<int64_t> lengths; // one per example, in example order (for a histogram)
};
LengthStats lengthStats(std::vector<int64_t> lengths);

struct DatasetReport {
    std::string file;
    DatasetFormat detected = DatasetFormat::Auto;
    ChatTemplateKind chatTemplate = ChatTemplateKind::Plain;
    int64_t rowsRead = 0;        // rows (paragraphs for text) met, valid or not, both files
    int64_t rowsUsed = 0;        // rows that became examples (truncated ones included)
    int64_t truncated = 0;
    int64_t skippedOverlong = 0;
    int64_t skippedInvalid = 0;  // rowsRead == rowsUsed + skippedOverlong + skippedInvalid
    std::vector<DatasetProblem> problems; // all of them, in file order (main file first)
    LengthStats trainLengths, validationLengths;
    std::vector<std::string> labels; // classification label names, index = label id
};

struct Dataset {
    std::vector<Example> train, validation;
    DatasetReport report;
    std::vector<std::string> labelNames; // same as report.labels
};

// Reads, validates, renders and tokenises `path` (and options.validationFile), once: the
// batches of every epoch index into the result. No row is dropped without a problem in the
// report. Under StopAtFirst the first problem that would drop a row throws tb::Error
// "file:line: message". File-level failures (unreadable file, undetectable format, a
// missing CSV column, a context under 2) throw whatever the policy. Safe to call from any
// thread; the tokenizer is only read.
Dataset loadDataset(const std::string &path, Tokenizer &tok, const DatasetOptions &options);

// The format Auto picks for `path`: the extension, then the keys of the first JSON row.
// Throws tb::Error when nothing fits.
DatasetFormat detectDatasetFormat(const std::string &path, const DatasetOptions &options = {});

} // namespace tb
