#include "dataset.h"

#include "dataset_formats.h"
#include "error.h"
#include "file_util.h"
#include "seeded_shuffle.h"
#include "text_util.h"
#include "tokenizer.h"
#include "thread_guard.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace tb {

namespace {

bool isNumber(const std::string &s)
{
    return !s.empty() && s.size() < 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "2" before "10": labels written as numbers keep their numeric order.
bool labelLess(const std::string &a, const std::string &b)
{
    if (isNumber(a) && isNumber(b))
        return std::stoll(a) < std::stoll(b);
    return a < b;
}

class Loader {
public:
    Loader(Tokenizer &tok, const DatasetOptions &options, DatasetReport &report)
        : m_tok(tok), m_options(options), m_report(report)
    {
    }

    // Reads one file into `out`; rawLabels gets each example's label text (classification).
    void load(const std::string &path, const std::string &fileTag, std::vector<Example> &out,
              std::vector<std::string> &rawLabels)
    {
        m_path = path;
        m_fileTag = fileTag;
        const std::string content = readTextFile(path);
        if (const std::string problem = utf16Problem(content); !problem.empty())
            throw Error(path + ": " + problem);
        m_format = detail::resolveFormat(path, content, m_options.format, m_options);
        if (m_report.detected == DatasetFormat::Auto)
            m_report.detected = m_format;
        if (m_format == DatasetFormat::PlainText) {
            loadText(content, out);
            return;
        }
        if (m_format != DatasetFormat::Classification) {
            // A template the tokenizer cannot render (ChatML without <|im_start|>) would fail
            // every row alike: say it once, as a failure of the whole load.
            try {
                renderChat(m_tok, m_options.chatTemplate, {{"user", "a"}, {"assistant", "b"}}, false);
            } catch (const Error &e) {
                throw Error(path + ": " + e.what());
            }
        }
        detail::readRows(path, content, m_format, m_options, [&](detail::RawRow &&row) {
            if (row.fileLevel) {
                problem(row.errorLine, row.error, true);
                return;
            }
            ++m_report.rowsRead;
            if (!row.error.empty()) {
                ++m_report.skippedInvalid;
                problem(row.errorLine, row.error, true);
                return;
            }
            Example example;
            example.sourceLine = row.line;
            example.file = fileTag;
            const bool ok = m_format == DatasetFormat::Classification ? classification(row, example)
                                                                       : chat(row, example);
            if (!ok)
                return;
            ++m_report.rowsUsed;
            if (m_format == DatasetFormat::Classification)
                rawLabels.push_back(row.label);
            out.push_back(std::move(example));
        });
    }

private:
    void problem(int64_t line, const std::string &message, bool dropped)
    {
        m_report.problems.push_back({m_path, line, message, dropped});
        if (dropped && m_options.onError == ErrorPolicy::StopAtFirst)
            throw Error(m_path + ":" + std::to_string(line) + ": " + message);
    }

    RenderedChat render(const std::vector<ChatMessage> &messages) const
    {
        RenderedChat r = renderChat(m_tok, m_options.chatTemplate, messages, false);
        if (m_options.trainOnAllTokens)
            std::fill(r.trained.begin(), r.trained.end(), uint8_t(1));
        return r;
    }

    bool tooLong(const RenderedChat &r) const { return int64_t(r.ids.size()) > m_options.contextLength; }

    bool chat(const detail::RawRow &row, Example &example)
    {
        const std::vector<ChatMessage> &messages = row.messages;
        RenderedChat full;
        try {
            full = render(messages);
        } catch (const Error &e) {
            // The template's own rules (Llama 2's alternation, a missing special token).
            ++m_report.skippedInvalid;
            problem(row.line, e.what(), true);
            return false;
        }
        const int64_t context = m_options.contextLength;
        const std::string over = std::to_string(full.ids.size()) + " tokens, longer than the context of "
            + std::to_string(context);
        if (!tooLong(full)) {
            example.ids = std::move(full.ids);
            example.trained = std::move(full.trained);
            return true;
        }
        if (m_options.overlong == OverlongPolicy::Skip) {
            ++m_report.skippedOverlong;
            problem(row.line, over + "; skipped", true);
            return false;
        }

        // Truncate: whole exchanges go first, oldest first, so what is left still reads as
        // a conversation the template accepts; the final assistant turn always stays.
        const bool hasSystem = messages.front().role == "system";
        const size_t first = hasSystem ? 1 : 0;
        std::vector<size_t> starts; // where an exchange begins (a user message), after `first`
        for (size_t i = first + 1; i < messages.size(); ++i)
            if (messages[i].role == "user")
                starts.push_back(i);
        RenderedChat kept;
        std::string how;
        const auto attempt = [&](bool withSystem, size_t start) {
            std::vector<ChatMessage> part;
            if (withSystem && hasSystem)
                part.push_back(messages.front());
            part.insert(part.end(), messages.begin() + long(start), messages.end());
            try {
                kept = render(part);
            } catch (const Error &) {
                return false;
            }
            return !tooLong(kept);
        };
        bool fitted = false;
        for (size_t start : starts) {
            if (attempt(true, start)) {
                how = "dropped the " + std::to_string(start - first) + " oldest messages";
                fitted = true;
                break;
            }
        }
        const size_t lastStart = starts.empty() ? first : starts.back();
        if (!fitted && hasSystem && attempt(false, lastStart)) {
            how = "dropped the system prompt"
                + (lastStart > first ? " and the " + std::to_string(lastStart - first) + " oldest messages" : "");
            fitted = true;
        }
        if (!fitted) {
            // Even the last exchange alone is too long: keep BOS and the newest tokens,
            // which hold the end of the reply and its EOS.
            try {
                kept = render({messages.begin() + long(lastStart), messages.end()});
            } catch (const Error &) {
                kept = full;
            }
            const bool bos = !kept.ids.empty() && kept.ids.front() == m_tok.bosId();
            const int64_t keep = context - (bos ? 1 : 0);
            RenderedChat tail;
            if (bos) {
                tail.ids.push_back(kept.ids.front());
                tail.trained.push_back(kept.trained.front());
            }
            tail.ids.insert(tail.ids.end(), kept.ids.end() - keep, kept.ids.end());
            tail.trained.insert(tail.trained.end(), kept.trained.end() - keep, kept.trained.end());
            const int64_t cut = int64_t(kept.ids.size() - tail.ids.size());
            how = (lastStart > first || hasSystem ? std::string("kept only the final exchange and ") : std::string())
                + "cut its first " + std::to_string(cut) + " tokens";
            kept = std::move(tail);
        }
        if (std::find(kept.trained.begin(), kept.trained.end(), uint8_t(1)) == kept.trained.end()) {
            ++m_report.skippedOverlong;
            problem(row.line, over + "; no trained token is left after truncation; skipped", true);
            return false;
        }
        ++m_report.truncated;
        problem(row.line, over + "; truncated to " + std::to_string(kept.ids.size()) + ": " + how, false);
        example.ids = std::move(kept.ids);
        example.trained = std::move(kept.trained);
        return true;
    }

    bool classification(const detail::RawRow &row, Example &example)
    {
        const int64_t bos = m_tok.bosId(), eos = m_tok.eosId();
        std::vector<int64_t> text = m_tok.encodePlain(row.text);
        const int64_t extra = (bos >= 0 ? 1 : 0) + (eos >= 0 ? 1 : 0);
        const int64_t length = int64_t(text.size()) + extra;
        if (length > m_options.contextLength) {
            const std::string over = std::to_string(length) + " tokens, longer than the context of "
                + std::to_string(m_options.contextLength);
            if (m_options.overlong == OverlongPolicy::Skip || m_options.contextLength <= extra) {
                ++m_report.skippedOverlong;
                problem(row.line, over + "; skipped", true);
                return false;
            }
            // A label usually shows in the opening of a text; keep the start.
            text.resize(size_t(m_options.contextLength - extra));
            ++m_report.truncated;
            problem(row.line, over + "; truncated to " + std::to_string(m_options.contextLength)
                        + ": cut the text's last tokens", false);
        }
        if (bos >= 0)
            example.ids.push_back(bos);
        example.ids.insert(example.ids.end(), text.begin(), text.end());
        if (eos >= 0)
            example.ids.push_back(eos);
        // The class head reads the last position and the loss comes from `label`: no token
        // is a language-model target.
        example.trained.assign(example.ids.size(), 0);
        return true;
    }

    // Plain text: documents joined into one token stream (BOS doc EOS …) and cut into
    // windows of the context length; windows cross document borders as in pre-training.
    // Consecutive windows share one token, so every token after the first is a target
    // exactly once (a window's first token is only context).
    void loadText(const std::string &content, std::vector<Example> &out)
    {
        const int64_t context = m_options.contextLength;
        const int64_t stride = context - 1;
        const int64_t bos = m_tok.bosId(), eos = m_tok.eosId();
        std::vector<int64_t> stream;
        std::vector<int64_t> windowLines; // file line of each window's first token
        detail::readRows(m_path, content, DatasetFormat::PlainText, m_options, [&](detail::RawRow &&row) {
            ++m_report.rowsRead;
            if (!row.error.empty()) {
                ++m_report.skippedInvalid;
                problem(row.errorLine, row.error, true);
                return;
            }
            ++m_report.rowsUsed;
            std::vector<Tokenizer::Span> spans;
            const std::vector<int64_t> ids = m_tok.encodeSegment(row.text, true, &spans);
            const int64_t base = int64_t(stream.size());
            const int64_t lead = bos >= 0 ? 1 : 0;
            if (bos >= 0)
                stream.push_back(bos);
            stream.insert(stream.end(), ids.begin(), ids.end());
            if (eos >= 0)
                stream.push_back(eos);
            for (int64_t w = int64_t(windowLines.size()) * stride; w < int64_t(stream.size()); w += stride) {
                const int64_t j = w - base - lead; // index into ids; <0 is BOS, >=size EOS
                int64_t line = row.line;
                if (j >= 0) {
                    const size_t byte = j < int64_t(spans.size()) ? spans[size_t(j)].begin : row.text.size();
                    const auto it = std::upper_bound(row.lineStarts.begin(), row.lineStarts.end(),
                                                     std::make_pair(byte, INT64_MAX));
                    if (it != row.lineStarts.begin())
                        line = std::prev(it)->second;
                }
                windowLines.push_back(line);
            }
        });
        const int64_t n = int64_t(stream.size());
        for (size_t w = 0; w < windowLines.size(); ++w) {
            const int64_t begin = int64_t(w) * stride;
            if (begin + 1 >= n) // the previous window already reached the end
                break;
            const int64_t end = std::min<int64_t>(begin + context, n);
            Example example;
            example.ids.assign(stream.begin() + begin, stream.begin() + end);
            example.trained.assign(example.ids.size(), 1);
            example.sourceLine = windowLines[w];
            example.file = m_fileTag;
            out.push_back(std::move(example));
        }
    }

    Tokenizer &m_tok;
    const DatasetOptions &m_options;
    DatasetReport &m_report;
    std::string m_path, m_fileTag;
    DatasetFormat m_format = DatasetFormat::Auto;
};

std::vector<int64_t> lengthsOf(const std::vector<Example> &examples)
{
    std::vector<int64_t> lengths;
    lengths.reserve(examples.size());
    for (const Example &e : examples)
        lengths.push_back(int64_t(e.ids.size()));
    return lengths;
}

} // namespace

std::string datasetFormatName(DatasetFormat format)
{
    return enumName(format);
}

DatasetFormat datasetFormatFromName(const std::string &name)
{
    if (const auto format = enumFromName<DatasetFormat>(name))
        return *format;
    throw Error("unknown dataset format \"" + name + "\"; expected one of " + enumNameList<DatasetFormat>());
}

LengthStats lengthStats(std::vector<int64_t> lengths)
{
    LengthStats s;
    s.count = int64_t(lengths.size());
    s.lengths = lengths;
    if (lengths.empty())
        return s;
    std::sort(lengths.begin(), lengths.end());
    const size_t n = lengths.size();
    s.min = lengths.front();
    s.max = lengths.back();
    s.mean = double(std::accumulate(lengths.begin(), lengths.end(), int64_t(0))) / double(n);
    s.median = n % 2 ? double(lengths[n / 2]) : (double(lengths[n / 2 - 1]) + double(lengths[n / 2])) / 2.0;
    const size_t rank = size_t(std::ceil(0.95 * double(n)));
    s.p95 = lengths[std::max<size_t>(rank, 1) - 1];
    return s;
}

DatasetFormat detectDatasetFormat(const std::string &path, const DatasetOptions &options)
{
    const std::string content = readTextFile(path);
    if (const std::string problem = utf16Problem(content); !problem.empty())
        throw Error(path + ": " + problem);
    return detail::resolveFormat(path, content, DatasetFormat::Auto, options);
}

Dataset loadDataset(const std::string &path, Tokenizer &tok, const DatasetOptions &options)
{
    requireBackgroundThread("tb::loadDataset");
    if (options.contextLength < 2)
        throw Error(path + ": the context length must be at least 2 tokens, found "
                    + std::to_string(options.contextLength));
    if (options.validationFile.empty() && !(options.validationRatio >= 0.0 && options.validationRatio < 1.0))
        throw Error(path + ": the validation ratio must be in [0, 1), found " + std::to_string(options.validationRatio));

    Dataset data;
    DatasetReport &report = data.report;
    report.file = path;
    report.chatTemplate = options.chatTemplate;
    Loader loader(tok, options, report);
    std::vector<std::string> trainLabels, validationLabels;
    std::vector<Example> all;
    loader.load(path, {}, all, trainLabels);

    if (!options.validationFile.empty()) {
        data.train = std::move(all);
        DatasetOptions validationOptions = options;
        // The validation file holds the same kind of data as the training file.
        validationOptions.format = report.detected;
        Loader validationLoader(tok, validationOptions, report);
        validationLoader.load(options.validationFile, options.validationFile, data.validation, validationLabels);
    } else {
        // Seeded Fisher-Yates over row indices picks the validation rows; both sets then keep
        // file order so that reports and examples read top to bottom.
        const size_t n = all.size();
        std::vector<size_t> order(n);
        std::iota(order.begin(), order.end(), size_t(0));
        seededShuffle(order, options.seed);
        size_t validationCount = size_t(std::llround(options.validationRatio * double(n)));
        if (options.validationRatio > 0.0 && validationCount == 0 && n >= 2)
            validationCount = 1; // a ratio asked for validation; give it at least one example
        validationCount = std::min(validationCount, n > 0 ? n - 1 : 0);
        std::vector<uint8_t> isValidation(n, 0);
        for (size_t i = 0; i < validationCount; ++i)
            isValidation[order[i]] = 1;
        std::vector<std::string> labels = std::move(trainLabels);
        trainLabels.clear();
        for (size_t i = 0; i < n; ++i) {
            (isValidation[i] ? data.validation : data.train).push_back(std::move(all[i]));
            if (!labels.empty())
                (isValidation[i] ? validationLabels : trainLabels).push_back(labels[i]);
        }
    }

    if (report.detected == DatasetFormat::Classification) {
        std::vector<std::string> names = trainLabels;
        names.insert(names.end(), validationLabels.begin(), validationLabels.end());
        std::sort(names.begin(), names.end(), labelLess);
        names.erase(std::unique(names.begin(), names.end()), names.end());
        std::map<std::string, int64_t> index;
        for (size_t i = 0; i < names.size(); ++i)
            index[names[i]] = int64_t(i);
        for (size_t i = 0; i < data.train.size(); ++i)
            data.train[i].label = index[trainLabels[i]];
        for (size_t i = 0; i < data.validation.size(); ++i)
            data.validation[i].label = index[validationLabels[i]];
        data.labelNames = names;
        report.labels = names;
    }
    report.trainLengths = lengthStats(lengthsOf(data.train));
    report.validationLengths = lengthStats(lengthsOf(data.validation));
    return data;
}

} // namespace tb
