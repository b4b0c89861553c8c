#pragma once

#include "enum_choices.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace tb {

// Piece types, numbered as GGUF's tokenizer.ggml.token_type (and SentencePiece's proto).
enum class PieceType : int32_t { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6 };

struct VocabEntry {
    std::string piece;
    float score = 0.0f;
    PieceType type = PieceType::Normal;
};

// The SentencePiece model a trained tokenizer uses: subwords (BPE or unigram), or one piece
// per character (every character, newline included; the vocabulary size is an upper bound).
enum class TokenizerType { Bpe, Unigram, Char };
inline constexpr EnumChoice<TokenizerType> kTokenizerTypeChoices[] = {
    {TokenizerType::Bpe, "bpe", TB_TR_NOOP("TrainOption", "BPE (subwords)")},
    {TokenizerType::Unigram, "unigram", TB_TR_NOOP("TrainOption", "Unigram (subwords)")},
    {TokenizerType::Char, "char", TB_TR_NOOP("TrainOption", "Characters")},
};
constexpr const auto &enumChoices(TokenizerType) { return kTokenizerTypeChoices; }

struct TokenizerTrainOptions {
    std::string corpusPath;
    std::string outputPrefix;             // writes <prefix>.model (and <prefix>.vocab)
    int vocabSize = 8000;
    std::string modelType = "bpe";        // a TokenizerType's name: "bpe", "unigram" or "char"
    bool byteFallback = true;
    std::vector<std::string> specialTokens; // each kept as one id (control pieces: encode() matches them, encodePlain() never)
    double characterCoverage = 0.9995;
};

// A SentencePiece tokenizer plus what Hugging Face's tokenizer_config.json adds to it:
// special/added tokens matched as single ids, BOS/EOS and the chat template text. Or a
// Hugging Face tokenizer.json (fromHfJson: byte-level BPE and the rest, hf_tokenizer.h)
// with the same tokenizer_config.json on top.
// Thread-safe for concurrent encode/decode once loaded.
class Tokenizer {
public:
    ~Tokenizer();

    // A SentencePiece .model file. Throws tb::Error naming the file.
    static std::shared_ptr<Tokenizer> fromFile(const std::string &path);
    // Serialized SentencePiece ModelProto bytes.
    static std::shared_ptr<Tokenizer> fromSerializedModel(const std::string &bytes, const std::string &source);
    // A vocabulary as GGUF stores it (tokenizer.ggml.model == "llama"): builds the
    // equivalent SentencePiece model (Llama normalisation: dummy prefix, byte fallback).
    static std::shared_ptr<Tokenizer> fromVocab(const std::vector<VocabEntry> &vocab, const std::string &source);
    // A Hugging Face tokenizer.json. Throws tb::Error naming the file. BOS/EOS/PAD come from
    // tokenizer_config.json (applyHfConfig); until then BOS is the post-processor's first
    // special token, if it adds one.
    static std::shared_ptr<Tokenizer> fromHfJson(const std::string &path);
    // Whatever `path` is: a SentencePiece .model file, a tokenizer.json, or a folder with
    // tokenizer.model or tokenizer.json; tokenizer_config.json next to it is applied.
    static std::shared_ptr<Tokenizer> fromPath(const std::string &path);
    // Trains a new SentencePiece model and returns it loaded.
    static std::shared_ptr<Tokenizer> train(const TokenizerTrainOptions &options);

    // Reads tokenizer_config.json: added_tokens_decoder, bos/eos/pad tokens, chat_template,
    // legacy. Missing file is fine (returns false); a malformed one throws tb::Error.
    bool applyHfConfig(const std::string &tokenizerConfigPath);
    // Writes tokenizer.model (tokenizer.json for a tokenizer.json tokenizer: a copy of the
    // file it was loaded from), tokenizer_config.json and special_tokens_map.json into `dir`.
    void writeHfFiles(const std::string &dir) const;

    // Text -> ids. Control and added special tokens in `text` become single ids; the text
    // between them goes through SentencePiece. BOS first when addBos (tokenizer.json: the
    // special tokens its post-processor puts in front, as Hugging Face adds them).
    std::vector<int64_t> encode(std::string_view text, bool addBos = false) const;
    // Text -> ids with no special-token matching (user content: "</s>" stays text).
    std::vector<int64_t> encodePlain(std::string_view text) const;
    // Ids -> text. Control tokens are dropped unless keepSpecial.
    std::string decode(const std::vector<int64_t> &ids, bool keepSpecial = false) const;
    // Ids -> bytes as the tokens make them, for streaming: a character whose bytes are split
    // across tokens stays incomplete here instead of becoming U+FFFD (tokenizer.json). For
    // SentencePiece, the same as decode.
    std::string decodeBytes(const std::vector<int64_t> &ids, bool keepSpecial = false) const;
    bool isHfJson() const;
    std::string piece(int64_t id) const;
    int64_t pieceToId(const std::string &piece) const; // -1 if absent

    int64_t vocabSize() const;
    int64_t bosId() const;
    int64_t eosId() const;
    int64_t unkId() const;
    int64_t padId() const; // -1 when there is none
    bool isSpecial(int64_t id) const; // control or added special token

    // Adds a special token (e.g. "<|im_start|>") the vocabulary lacks and returns its id;
    // returns the existing id if present. The caller grows the model's embeddings.
    // A tokenizer.json tokenizer cannot grow yet: a new token throws tb::Error.
    int64_t addSpecialToken(const std::string &text);

    // Every piece with its score and type, in id order (for GGUF export).
    std::vector<VocabEntry> vocab() const;
    // The SentencePiece model, including added special tokens, as tokenizer.model bytes.
    // Throws tb::Error for a tokenizer.json tokenizer (it has none).
    std::string serializedModel() const;
    bool addDummyPrefix() const;

    // The Jinja chat template from tokenizer_config.json or GGUF metadata ("" if none).
    const std::string &chatTemplateSource() const;
    void setChatTemplateSource(const std::string &source);

    // Hugging Face's `legacy` flag (tokenizer_config.json; true when absent). Legacy: every
    // run of text between special tokens gets SentencePiece's dummy "▁" prefix, as Meta's
    // reference Llama 2 code does. Non-legacy: only a run at the very start of the text does.
    bool legacy() const;
    void setLegacy(bool legacy);

    // Overrides BOS/EOS/PAD (GGUF's tokenizer.ggml.*_token_id); pad -1 means none. The ids
    // become special tokens. Throws tb::Error for an id outside the vocabulary.
    void setSpecialIds(int64_t bos, int64_t eos, int64_t pad);

    // One run of text that sits between special tokens, encoded with no special-token
    // matching. `atTextStart` says whether the run begins the whole text (the non-legacy
    // rule gives only that run the dummy prefix). `spans`, when given, receives each id's
    // [begin, end) byte range in `text` (chat rendering uses it to mark trained tokens).
    struct Span {
        size_t begin = 0;
        size_t end = 0;
    };
    std::vector<int64_t> encodeSegment(std::string_view text, bool atTextStart,
                                       std::vector<Span> *spans = nullptr) const;

    struct Impl;

private:
    explicit Tokenizer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace tb
