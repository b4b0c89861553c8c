// The readers of each dataset format: JSON rows (one per line or as one array) with their
// line numbers, CSV/TSV, and plain-text paragraphs.
#include "dataset_formats.h"

#include "csv_reader.h"
#include "error.h"
#include "text_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace tb::detail {

namespace {

using Json = nlohmann::json;

std::string lowerExtension(const std::string &path)
{
    const size_t slash = path.find_last_of('/');
    const size_t dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
        return {};
    std::string ext = path.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

bool isBlank(std::string_view s)
{
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

char firstNonSpace(const std::string &content)
{
    size_t i = content.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    for (; i < content.size(); ++i)
        if (!std::isspace(static_cast<unsigned char>(content[i])))
            return content[i];
    return '\0';
}

const char *typeName(const Json &j)
{
    return j.type_name(); // "null", "object", "array", "string", "number", "boolean"
}

// One JSON value of the file and the line it starts on.
struct JsonChunk {
    std::string_view text;
    int64_t line = 0;
};

int64_t countNewlines(std::string_view s)
{
    return std::count(s.begin(), s.end(), '\n');
}

// JSON Lines: every non-blank line is one value.
std::vector<JsonChunk> splitLines(std::string_view content)
{
    std::vector<JsonChunk> chunks;
    int64_t line = 1;
    size_t pos = 0;
    while (pos <= content.size()) {
        size_t end = content.find('\n', pos);
        if (end == std::string_view::npos)
            end = content.size();
        std::string_view text = content.substr(pos, end - pos);
        if (!isBlank(text))
            chunks.push_back({text, line});
        ++line;
        pos = end + 1;
    }
    return chunks;
}

// A top-level JSON array, cut into its elements without parsing them, so one broken
// element is one reported row (with its own line) rather than a failed file. Brackets
// inside strings are skipped; an element runs to the next top-level ',' or ']'.
std::vector<JsonChunk> splitArray(std::string_view content, std::string *error, int64_t *errorLine)
{
    std::vector<JsonChunk> chunks;
    size_t pos = content.find('[') + 1;
    int64_t line = 1 + countNewlines(content.substr(0, pos));
    const size_t n = content.size();
    while (true) {
        while (pos < n && (std::isspace(static_cast<unsigned char>(content[pos])) || content[pos] == ',')) {
            if (content[pos] == '\n')
                ++line;
            ++pos;
        }
        if (pos >= n) {
            *error = "the JSON array is never closed; expected ']' before the end of the file";
            *errorLine = line;
            return chunks;
        }
        if (content[pos] == ']') {
            if (!isBlank(content.substr(pos + 1))) {
                *error = "expected the end of the file after the JSON array's ']', found more text";
                *errorLine = line + countNewlines(content.substr(pos, content.find_first_not_of(" \t\r\n", pos + 1) - pos));
            }
            return chunks;
        }
        const size_t begin = pos;
        const int64_t beginLine = line;
        int depth = 0;
        bool inString = false;
        for (; pos < n; ++pos) {
            const char c = content[pos];
            if (c == '\n')
                ++line;
            if (inString) {
                if (c == '\\')
                    ++pos; // an escaped character is never the closing quote
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (depth == 0)
                    break;
                --depth;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        std::string_view text = content.substr(begin, pos - begin);
        while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
            text.remove_suffix(1);
        chunks.push_back({text, beginLine});
    }
}

// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 5: syntax
// error ..." becomes "bad JSON: syntax error ..." with the line counted in the file.
void describeParseError(const JsonChunk &chunk, const Json::parse_error &e, RawRow &row)
{
    std::string what = e.what();
    const size_t colon = what.find(": ", what.find("column"));
    what = colon == std::string::npos ? what : what.substr(colon + 2);
    const size_t byte = std::min<size_t>(e.byte == 0 ? 0 : e.byte - 1, chunk.text.size());
    row.errorLine = chunk.line + countNewlines(chunk.text.substr(0, byte));
    row.error = "bad JSON: " + what;
}

std::string labelText(const Json &value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

// OpenAI content is a string, or a list of parts of which the "text" ones carry text.
bool contentText(const Json &content, std::string &out)
{
    if (content.is_string()) {
        out = content.get<std::string>();
        return true;
    }
    if (!content.is_array())
        return false;
    out.clear();
    for (const Json &part : content) {
        if (!part.is_object() || !part.contains("text") || !part["text"].is_string())
            return false;
        out += part["text"].get<std::string>();
    }
    return true;
}

// Fills row.messages from a chat-like list; returns an error message or "".
std::string readConversation(const Json &object, const char *listKey, const char *roleKey, const char *contentKey,
                             bool shareGpt, RawRow &row)
{
    if (!object.is_object())
        return std::string("expected a JSON object with \"") + listKey + "\", found " + typeName(object);
    if (!object.contains(listKey))
        return std::string("missing field \"") + listKey + "\"";
    const Json &list = object[listKey];
    if (!list.is_array())
        return std::string("field \"") + listKey + "\" must be an array of messages, found " + typeName(list);
    if (list.empty())
        return std::string("field \"") + listKey + "\" is empty; expected at least a user message and a reply";
    for (size_t i = 0; i < list.size(); ++i) {
        const Json &m = list[i];
        const std::string where = "message " + std::to_string(i + 1);
        if (!m.is_object())
            return where + " must be an object, found " + typeName(m);
        if (!m.contains(roleKey))
            return where + " has no \"" + roleKey + "\"";
        if (!m[roleKey].is_string())
            return where + " \"" + roleKey + "\" must be a string, found " + typeName(m[roleKey]);
        std::string role = m[roleKey].get<std::string>();
        if (shareGpt) {
            if (role == "human" || role == "user")
                role = "user";
            else if (role == "gpt" || role == "assistant" || role == "chatgpt")
                role = "assistant";
            else if (role != "system")
                return where + " has unknown \"from\" \"" + role + "\"; expected system, human or gpt";
        } else if (role != "system" && role != "user" && role != "assistant") {
            return where + " has unknown role \"" + role + "\"; expected system, user or assistant";
        }
        if (!m.contains(contentKey))
            return where + " has no \"" + contentKey + "\"";
        std::string content;
        if (!contentText(m[contentKey], content))
            return where + " \"" + contentKey + "\" must be a string, found " + typeName(m[contentKey]);
        if (isBlank(content))
            return where + " (" + role + ") has empty content";
        if (!isValidUtf8(content))
            return where + " (" + role + ") is not valid UTF-8";
        row.messages.push_back({role, std::move(content)});
    }
    if (row.messages.back().role != "assistant")
        return "the conversation ends with a \"" + row.messages.back().role
            + "\" message; expected it to end with the assistant's reply";
    return {};
}

std::string readAlpaca(const Json &object, RawRow &row)
{
    if (!object.is_object())
        return std::string("expected a JSON object with \"instruction\" and \"output\", found ") + typeName(object);
    std::string fields[4]; // instruction, input, output, system
    const char *names[4] = {"instruction", "input", "output", "system"};
    for (int i = 0; i < 4; ++i) {
        const bool required = i == 0 || i == 2;
        if (!object.contains(names[i]) || object[names[i]].is_null()) {
            if (required)
                return std::string("missing field \"") + names[i] + "\"";
            continue;
        }
        if (!object[names[i]].is_string())
            return std::string("field \"") + names[i] + "\" must be a string, found " + typeName(object[names[i]]);
        fields[i] = object[names[i]].get<std::string>();
        if (required && isBlank(fields[i]))
            return std::string("field \"") + names[i] + "\" is empty";
        if (!isValidUtf8(fields[i]))
            return std::string("field \"") + names[i] + "\" is not valid UTF-8";
    }
    if (!isBlank(fields[3]))
        row.messages.push_back({"system", fields[3]});
    row.messages.push_back({"user", isBlank(fields[1]) ? fields[0] : fields[0] + "\n\n" + fields[1]});
    row.messages.push_back({"assistant", fields[2]});
    return {};
}

std::string readClassificationObject(const Json &object, const DatasetOptions &options, RawRow &row)
{
    if (!object.is_object())
        return "expected a JSON object with \"" + options.textColumn + "\" and \"" + options.labelColumn
            + "\", found " + typeName(object);
    if (!object.contains(options.textColumn))
        return "missing field \"" + options.textColumn + "\"";
    if (!object.contains(options.labelColumn) || object[options.labelColumn].is_null())
        return "missing field \"" + options.labelColumn + "\"";
    if (!object[options.textColumn].is_string())
        return "field \"" + options.textColumn + "\" must be a string, found " + typeName(object[options.textColumn]);
    row.text = object[options.textColumn].get<std::string>();
    row.label = labelText(object[options.labelColumn]);
    return {};
}

std::string checkClassificationRow(const DatasetOptions &options, const RawRow &row)
{
    if (isBlank(row.text))
        return "field \"" + options.textColumn + "\" is empty";
    if (isBlank(row.label))
        return "field \"" + options.labelColumn + "\" is empty";
    if (!isValidUtf8(row.text))
        return "field \"" + options.textColumn + "\" is not valid UTF-8";
    return {};
}

std::vector<JsonChunk> jsonChunks(const std::string &content, RawRow *fileError)
{
    if (firstNonSpace(content) == '[') {
        std::string error;
        int64_t line = 0;
        auto chunks = splitArray(content, &error, &line);
        if (!error.empty()) {
            fileError->error = error;
            fileError->line = fileError->errorLine = line;
            fileError->fileLevel = true;
        }
        return chunks;
    }
    return splitLines(content);
}

DatasetFormat formatOfObject(const Json &j, const DatasetOptions &options)
{
    if (!j.is_object())
        return DatasetFormat::Auto;
    if (j.contains("messages"))
        return DatasetFormat::ChatJsonl;
    if (j.contains("conversations"))
        return DatasetFormat::ShareGpt;
    if (j.contains("instruction") || j.contains("output"))
        return DatasetFormat::Alpaca;
    if (j.contains(options.textColumn) && j.contains(options.labelColumn))
        return DatasetFormat::Classification;
    return DatasetFormat::Auto;
}

bool isJsonExtension(const std::string &ext)
{
    return ext == "json" || ext == "jsonl" || ext == "ndjson";
}

void readPlainText(const std::string &content, const DatasetOptions &options,
                   const std::function<void(RawRow &&)> &sink)
{
    RawRow doc;
    bool open = false;
    int64_t line = 1;
    size_t pos = content.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    const auto flush = [&] {
        if (open)
            sink(std::move(doc));
        doc = RawRow();
        open = false;
    };
    while (pos < content.size()) {
        size_t end = content.find('\n', pos);
        const bool last = end == std::string::npos;
        if (last)
            end = content.size();
        std::string_view text(content.data() + pos, end - pos);
        if (!text.empty() && text.back() == '\r')
            text.remove_suffix(1);
        if (isBlank(text) && options.textSplit == TextSplit::Paragraphs) {
            flush();
        } else if (text.size() > kMaxRowBytes) {
            RawRow bad;
            bad.line = bad.errorLine = line;
            bad.error = rowTooLong(text.size()) + " (a line of plain text)";
            sink(std::move(bad));
        } else if (!isValidUtf8(text)) {
            // The line is left out of its document and reported on its own.
            RawRow bad;
            bad.line = bad.errorLine = line;
            bad.error = "not valid UTF-8; the line is left out";
            sink(std::move(bad));
        } else {
            if (!open) {
                doc.line = line;
                open = true;
            } else {
                doc.text += '\n';
            }
            doc.lineStarts.emplace_back(doc.text.size(), line);
            doc.text += text;
        }
        ++line;
        pos = end + 1;
    }
    flush();
}

} // namespace

std::string rowTooLong(size_t bytes)
{
    char size[32];
    std::snprintf(size, sizeof size, "%.1f MB", double(bytes) / 1e6);
    return std::string("the row is ") + size + "; one row may hold at most 1 MiB (about 250,000 tokens, more than "
           "any context); split it or leave it out";
}

DatasetFormat resolveFormat(const std::string &path, const std::string &content, DatasetFormat requested,
                            const DatasetOptions &options)
{
    if (requested != DatasetFormat::Auto)
        return requested;
    const std::string ext = lowerExtension(path);
    if (ext == "txt" || ext == "text" || ext == "md")
        return DatasetFormat::PlainText;
    if (ext == "csv" || ext == "tsv")
        return DatasetFormat::Classification;
    const char first = firstNonSpace(content);
    if (first != '{' && first != '[') {
        if (isJsonExtension(ext))
            throw Error(path + ": expected JSON (a '{' or '[' first), found "
                        + (first ? std::string("'") + first + "'" : std::string("an empty file")));
        return DatasetFormat::PlainText;
    }
    RawRow fileError;
    const auto chunks = jsonChunks(content, &fileError);
    // The first rows that parse decide; a broken first line is reported later, not fatal here.
    for (size_t i = 0; i < chunks.size() && i < 50; ++i) {
        if (chunks[i].text.size() > kMaxRowBytes)
            continue;
        const Json j = Json::parse(chunks[i].text, nullptr, false);
        if (j.is_discarded())
            continue;
        const DatasetFormat f = formatOfObject(j, options);
        if (f != DatasetFormat::Auto)
            return f;
    }
    throw Error(path + ": cannot tell the dataset format from its first rows; expected objects with \"messages\", "
                "\"conversations\", \"instruction\"/\"output\" or \"" + options.textColumn + "\"/\""
                + options.labelColumn + "\"; choose one with --format");
}

void readRows(const std::string &path, const std::string &content, DatasetFormat format,
              const DatasetOptions &options, const std::function<void(RawRow &&)> &sink)
{
    const std::string ext = lowerExtension(path);
    if (format == DatasetFormat::PlainText) {
        readPlainText(content, options, sink);
        return;
    }
    if (format == DatasetFormat::Classification && !isJsonExtension(ext)
        && !(firstNonSpace(content) == '{' && ext != "csv" && ext != "tsv")) {
        const size_t firstLineEnd = content.find('\n');
        const bool tabs = ext == "tsv"
            || (ext != "csv" && content.substr(0, firstLineEnd).find('\t') != std::string::npos);
        CsvReader reader(content, tabs ? '\t' : ',');
        CsvRecord header;
        if (!reader.next(header))
            throw Error(path + ": expected a header row with \"" + options.textColumn + "\" and \""
                        + options.labelColumn + "\" columns, found an empty file");
        if (!header.error.empty())
            throw Error(path + ":" + std::to_string(header.line) + ": header row: " + header.error);
        const auto column = [&](const std::string &name) {
            const auto it = std::find(header.fields.begin(), header.fields.end(), name);
            if (it == header.fields.end()) {
                std::string found;
                for (const auto &f : header.fields)
                    found += (found.empty() ? "\"" : ", \"") + f + "\"";
                throw Error(path + ":" + std::to_string(header.line) + ": expected a column named \"" + name
                            + "\" (map another with --text-column/--label-column), found " + found);
            }
            return size_t(it - header.fields.begin());
        };
        const size_t textIndex = column(options.textColumn);
        const size_t labelIndex = column(options.labelColumn);
        CsvRecord record;
        while (reader.next(record)) {
            RawRow row;
            row.line = row.errorLine = record.line;
            if (!record.error.empty()) {
                row.error = record.error;
            } else if (record.fields.size() != header.fields.size()) {
                row.error = "expected " + std::to_string(header.fields.size()) + " fields as in the header, found "
                    + std::to_string(record.fields.size());
            } else if (record.fields[textIndex].size() > kMaxRowBytes) {
                row.error = rowTooLong(record.fields[textIndex].size());
            } else {
                row.text = record.fields[textIndex];
                row.label = record.fields[labelIndex];
                row.error = checkClassificationRow(options, row);
            }
            sink(std::move(row));
        }
        return;
    }

    RawRow fileError;
    const auto chunks = jsonChunks(content, &fileError);
    for (const JsonChunk &chunk : chunks) {
        RawRow row;
        row.line = row.errorLine = chunk.line;
        if (chunk.text.size() > kMaxRowBytes) {
            row.error = rowTooLong(chunk.text.size());
            sink(std::move(row));
            continue;
        }
        Json j;
        try {
            j = Json::parse(chunk.text);
        } catch (const Json::parse_error &e) {
            describeParseError(chunk, e, row);
            sink(std::move(row));
            continue;
        }
        switch (format) {
        case DatasetFormat::ChatJsonl:
            row.error = readConversation(j, "messages", "role", "content", false, row);
            break;
        case DatasetFormat::ShareGpt:
            row.error = readConversation(j, "conversations", "from", "value", true, row);
            break;
        case DatasetFormat::Alpaca:
            row.error = readAlpaca(j, row);
            break;
        case DatasetFormat::Classification:
            row.error = readClassificationObject(j, options, row);
            if (row.error.empty())
                row.error = checkClassificationRow(options, row);
            break;
        default:
            break;
        }
        sink(std::move(row));
    }
    if (!fileError.error.empty())
        sink(std::move(fileError));
}

} // namespace tb::detail
