#pragma once

#include <string>

namespace tb {

// The text a tokenizer is trained on, from a dataset file of any format: a .txt file as it
// is; otherwise every string value of its JSON rows (message contents, instructions, texts),
// one per line, written to <dir>/tokenizer-corpus.txt. Rows that are not JSON (CSV/TSV)
// are copied as they are. Returns the corpus path. Throws tb::Error when `dataPath` cannot
// be read, or when it holds no text at all (a tokenizer trained on nothing is no use).
std::string tokenizerCorpus(const std::string &dataPath, const std::string &dir);

} // namespace tb
