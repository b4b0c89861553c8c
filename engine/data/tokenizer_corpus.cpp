#include "tokenizer_corpus.h"

#include "error.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>

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
    std::ifstream in(dataPath);
    if (!in)
        throw Error(dataPath + ": cannot open the dataset to train a tokenizer on");
    bool anyText = false;
    std::string line;
    if (fs::path(dataPath).extension() == ".txt") {
        while (!anyText && std::getline(in, line))
            anyText = hasText(line);
        if (!anyText)
            throw Error(dataPath + ": the file holds no text to train a tokenizer on");
        return dataPath;
    }
    fs::create_directories(dir);
    const fs::path corpus = fs::path(dir) / "tokenizer-corpus.txt";
    std::ofstream out(corpus);
    if (!out)
        throw Error(corpus.string() + ": cannot write the tokenizer corpus");
    std::function<void(const nlohmann::json &)> walk = [&](const nlohmann::json &j) {
        if (j.is_string()) {
            const std::string &s = j.get_ref<const std::string &>();
            anyText = anyText || hasText(s);
            out << s << "\n";
        } else if (j.is_array() || j.is_object()) {
            for (const auto &v : j)
                walk(v);
        }
    };
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded()) {
            anyText = anyText || hasText(line);
            out << line << "\n"; // CSV/TSV rows or a JSON array file: the raw text is fine
        } else {
            walk(j);
        }
    }
    if (!anyText)
        throw Error(dataPath + ": the file holds no text to train a tokenizer on");
    return corpus.string();
}

} // namespace tb
