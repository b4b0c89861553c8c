#include "tokenizer_corpus.h"

#include "dataset_formats.h"
#include "error.h"
#include "file_util.h"
#include "text_util.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <sstream>

namespace fs = std::filesystem;

namespace tb {

namespace {

bool hasText(const std::string &s)
{
    return s.find_first_not_of(" \t\r\n") != std::string::npos;
}

} // namespace

std::string tokenizerCorpus(const std::string &dataPath, const std::string &dir)
{
    const std::string content = readTextFile(dataPath); // a regular file only
    if (const std::string problem = utf16Problem(content); !problem.empty())
        throw Error(dataPath + ": " + problem);
    bool anyText = false;
    std::istringstream in(content);
    std::string line;
    if (fs::path(dataPath).extension() == ".txt") {
        while (!anyText && std::getline(in, line))
            anyText = hasText(line);
        if (!anyText)
            throw Error(dataPath + ": the file holds no text to train a tokenizer on");
        return dataPath;
    }
    createFolder(dir);
    // Written through a temporary and renamed: a link planted at tokenizer-corpus.txt is
    // replaced, never written through.
    const fs::path corpus = fs::path(dir) / "tokenizer-corpus.txt";
    AtomicFileWriter out(corpus.string());
    std::string buffer;
    const auto emit = [&](const std::string &text) {
        buffer += text;
        buffer += '\n';
        if (buffer.size() >= (1 << 20)) {
            out.write(buffer);
            buffer.clear();
        }
    };
    std::function<void(const nlohmann::json &)> walk = [&](const nlohmann::json &j) {
        if (j.is_string()) {
            const std::string &s = j.get_ref<const std::string &>();
            anyText = anyText || hasText(s);
            emit(s);
        } else if (j.is_array() || j.is_object()) {
            for (const auto &v : j)
                walk(v);
        }
    };
    while (std::getline(in, line)) {
        if (line.size() > detail::kMaxRowBytes)
            continue; // the dataset reports it; SentencePiece would skip it anyway
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded()) {
            anyText = anyText || hasText(line);
            emit(line); // CSV/TSV rows or a JSON array file: the raw text is fine
        } else {
            walk(j);
        }
    }
    if (!anyText)
        throw Error(dataPath + ": the file holds no text to train a tokenizer on");
    out.write(buffer);
    out.commit();
    return corpus.string();
}

} // namespace tb
