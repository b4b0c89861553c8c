#include "tokenizer.h"

#include "error.h"
#include "file_util.h"
#include "hf_tokenizer.h"
#include "protobuf_wire.h"
#include "thread_guard.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace tb {

namespace {

// ModelProto field numbers (sentencepiece_model.proto, 0.1.97).
constexpr uint32_t kModelPieces = 1;
constexpr uint32_t kModelTrainerSpec = 2;
constexpr uint32_t kModelNormalizerSpec = 3;
constexpr uint32_t kPiecePiece = 1;
constexpr uint32_t kPieceScore = 2;
constexpr uint32_t kPieceType = 3;
constexpr uint32_t kTrainerModelType = 3;
constexpr uint32_t kTrainerVocabSize = 4;
constexpr uint32_t kTrainerByteFallback = 35;
constexpr uint32_t kTrainerUnkId = 40;
constexpr uint32_t kTrainerBosId = 41;
constexpr uint32_t kTrainerEosId = 42;
constexpr uint32_t kTrainerPadId = 43;
constexpr uint32_t kTrainerUnkPiece = 45;
constexpr uint32_t kTrainerBosPiece = 46;
constexpr uint32_t kTrainerEosPiece = 47;
constexpr uint32_t kNormName = 1;
constexpr uint32_t kNormAddDummyPrefix = 3;
constexpr uint32_t kNormRemoveExtraWhitespaces = 4;
constexpr uint32_t kNormEscapeWhitespaces = 5;
constexpr int kModelTypeBpe = 2;

// SentencePiece's whitespace symbol U+2581.
const std::string kSpace = "\xe2\x96\x81";

std::string pieceMessage(const VocabEntry &entry)
{
    std::string message;
    pbwire::writeBytesField(message, kPiecePiece, entry.piece);
    pbwire::writeFloatField(message, kPieceScore, entry.score);
    if (entry.type != PieceType::Normal)
        pbwire::writeVarintField(message, kPieceType, static_cast<uint64_t>(entry.type));
    return message;
}

// bos_token and friends are either "<s>" or {"content": "<s>", ...} (older AddedToken form).
std::string tokenContent(const nlohmann::json &value)
{
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_object() && value.contains("content") && value["content"].is_string())
        return value["content"].get<std::string>();
    return {};
}

// SentencePiece logs at INFO on every load ("precompiled_charsmap is empty") and exposes no
// setter for its log level except the trainer's --minloglevel flag. A training call with
// vocab_size 0 applies the flag and then fails its spec check before touching any file.
void quietSentencePiece()
{
    static std::once_flag once;
    std::call_once(once, [] {
        const auto ignored = sentencepiece::SentencePieceTrainer::Train(
            std::unordered_map<std::string, std::string>{{"minloglevel", "2"}, {"vocab_size", "0"}});
        (void)ignored;
    });
}

} // namespace

struct Tokenizer::Impl {
    // A token matched as one id in encode(): control pieces, <unk>, and HF added tokens.
    struct AddedToken {
        std::string content;
        bool special = true;
    };

    std::string source;
    std::string modelBytes; // the ModelProto, with added special tokens appended as pieces
    std::unique_ptr<sentencepiece::SentencePieceProcessor> sp;
    // The same model with add_dummy_prefix off: the non-legacy rule's runs after a special
    // token, and decoding those runs without losing their leading space.
    std::unique_ptr<sentencepiece::SentencePieceProcessor> spNoPrefix;
    std::vector<VocabEntry> pieces;
    std::unordered_map<std::string, int64_t> pieceIds;
    bool dummyPrefix = true;
    bool legacy = true;
    bool addBosToken = true;
    bool addEosToken = false;
    int64_t bos = -1;
    int64_t eos = -1;
    int64_t unk = -1;
    int64_t pad = -1;
    std::map<int64_t, AddedToken> added;
    // Longest first, so "<|im_start|>" wins over a shorter token that is its prefix.
    std::vector<std::pair<std::string, int64_t>> matchOrder;
    std::array<bool, 256> matchFirstByte{};
    std::string chatTemplate;
    // A tokenizer.json tokenizer: then `sp` is null and `pieces`/`added` mirror this one.
    std::unique_ptr<hf::HfTokenizer> hf;
    std::string hfPath;

    void load(std::string bytes);
    void rebuildMatcher();
    void appendPiece(const std::string &text, PieceType type);
    void markSpecial(int64_t id, bool special);
    void markIdsSpecial();
    std::string describe() const { return source.empty() ? std::string("tokenizer") : source; }
    void checkId(int64_t id, const char *what) const;
};

void Tokenizer::Impl::load(std::string bytes)
{
    std::vector<VocabEntry> parsed;
    bool prefix = true;
    try {
        pbwire::Reader model(bytes);
        pbwire::Field field;
        while (model.next(field)) {
            if (field.type != pbwire::WireType::LengthDelimited)
                continue;
            if (field.number == kModelPieces) {
                VocabEntry entry;
                pbwire::Reader piece(field.bytes);
                pbwire::Field sub;
                while (piece.next(sub)) {
                    if (sub.number == kPiecePiece && sub.type == pbwire::WireType::LengthDelimited)
                        entry.piece = std::string(sub.bytes);
                    else if (sub.number == kPieceScore && sub.type == pbwire::WireType::Fixed32)
                        entry.score = sub.asFloat();
                    else if (sub.number == kPieceType && sub.type == pbwire::WireType::Varint)
                        entry.type = static_cast<PieceType>(sub.varint);
                }
                parsed.push_back(std::move(entry));
            } else if (field.number == kModelNormalizerSpec) {
                pbwire::Reader norm(field.bytes);
                pbwire::Field sub;
                while (norm.next(sub))
                    if (sub.number == kNormAddDummyPrefix && sub.type == pbwire::WireType::Varint)
                        prefix = sub.asBool();
            }
        }
    } catch (const Error &e) {
        throw Error(describe() + ": not a SentencePiece model (" + e.what() + ")");
    }
    if (parsed.empty())
        throw Error(describe() + ": not a SentencePiece model (no pieces found)");

    quietSentencePiece();
    auto processor = std::make_unique<sentencepiece::SentencePieceProcessor>();
    const auto status = processor->LoadFromSerializedProto(bytes);
    if (!status.ok())
        throw Error(describe() + ": not a valid SentencePiece model: " + status.ToString());

    // A second NormalizerSpec occurrence merges into the first (protobuf semantics), so
    // appending one that only clears add_dummy_prefix gives the no-prefix variant.
    std::string noPrefixBytes = bytes;
    std::string normalizer;
    pbwire::writeVarintField(normalizer, kNormAddDummyPrefix, 0);
    pbwire::writeBytesField(noPrefixBytes, kModelNormalizerSpec, normalizer);
    auto noPrefix = std::make_unique<sentencepiece::SentencePieceProcessor>();
    const auto status2 = noPrefix->LoadFromSerializedProto(noPrefixBytes);
    if (!status2.ok())
        throw Error(describe() + ": not a valid SentencePiece model: " + status2.ToString());

    const bool first = !sp;
    sp = std::move(processor);
    spNoPrefix = std::move(noPrefix);
    modelBytes = std::move(bytes);
    pieces = std::move(parsed);
    dummyPrefix = prefix;
    pieceIds.clear();
    for (size_t i = 0; i < pieces.size(); ++i)
        pieceIds.emplace(pieces[i].piece, static_cast<int64_t>(i));
    if (first) {
        bos = sp->bos_id();
        eos = sp->eos_id();
        unk = sp->unk_id();
        pad = sp->pad_id();
    }
    for (size_t i = 0; i < pieces.size(); ++i) {
        const PieceType type = pieces[i].type;
        if ((type == PieceType::Control || type == PieceType::Unknown) && !added.count(i))
            added[static_cast<int64_t>(i)] = {pieces[i].piece, true};
    }
    rebuildMatcher();
}

void Tokenizer::Impl::rebuildMatcher()
{
    matchOrder.clear();
    matchFirstByte.fill(false);
    for (const auto &[id, token] : added) {
        if (token.content.empty())
            continue;
        matchOrder.emplace_back(token.content, id);
        matchFirstByte[static_cast<uint8_t>(token.content[0])] = true;
    }
    std::stable_sort(matchOrder.begin(), matchOrder.end(),
                     [](const auto &a, const auto &b) { return a.first.size() > b.first.size(); });
}

// Appending a field-1 message to the serialized ModelProto adds a piece at the next id.
void Tokenizer::Impl::appendPiece(const std::string &text, PieceType type)
{
    std::string bytes = modelBytes;
    pbwire::writeBytesField(bytes, kModelPieces, pieceMessage({text, 0.0f, type}));
    load(std::move(bytes));
}

void Tokenizer::Impl::markSpecial(int64_t id, bool special)
{
    auto it = added.find(id);
    if (it == added.end())
        added[id] = {pieces[static_cast<size_t>(id)].piece, special};
    else
        it->second.special = it->second.special || special;
    rebuildMatcher();
}

// BOS and EOS are matched in text like HF's special tokens. A pad that is an ordinary
// piece (some configs reuse one) must stay ordinary, or encoding would change.
void Tokenizer::Impl::markIdsSpecial()
{
    for (int64_t id : {bos, eos})
        if (id >= 0)
            markSpecial(id, true);
    if (pad >= 0 && pieces[static_cast<size_t>(pad)].type != PieceType::Normal)
        markSpecial(pad, true);
}

void Tokenizer::Impl::checkId(int64_t id, const char *what) const
{
    if (id < 0 || id >= static_cast<int64_t>(pieces.size()))
        throw Error(describe() + ": " + what + " id " + std::to_string(id)
                    + " is outside the vocabulary of " + std::to_string(pieces.size()));
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

std::shared_ptr<Tokenizer> Tokenizer::fromFile(const std::string &path)
{
    return fromSerializedModel(readTextFile(path), path);
}

std::shared_ptr<Tokenizer> Tokenizer::fromHfJson(const std::string &path)
{
    auto impl = std::make_unique<Impl>();
    impl->source = path;
    impl->hfPath = path;
    impl->hf = hf::HfTokenizer::fromFile(path);
    const hf::HfTokenizer &hft = *impl->hf;
    impl->pieces.resize(size_t(hft.vocabSize()));
    for (int32_t id = 0; id < hft.vocabSize(); ++id) {
        VocabEntry &entry = impl->pieces[size_t(id)];
        entry.piece = hft.idToToken(id);
        entry.type = entry.piece.empty() ? PieceType::Unused : PieceType::Normal;
    }
    for (const hf::AddedToken &token : hft.addedTokens()) {
        impl->pieces[size_t(token.id)].type = token.special ? PieceType::Control : PieceType::UserDefined;
        impl->added[token.id] = {token.content, token.special};
    }
    for (size_t id = 0; id < impl->pieces.size(); ++id)
        if (!impl->pieces[id].piece.empty())
            impl->pieceIds.emplace(impl->pieces[id].piece, int64_t(id));
    impl->dummyPrefix = false;
    impl->unk = hft.unkId();
    const std::vector<int32_t> prefix = hft.specialPrefix();
    impl->bos = prefix.empty() ? -1 : prefix.front();
    impl->addBosToken = !prefix.empty();
    impl->rebuildMatcher();
    return std::shared_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
}

std::shared_ptr<Tokenizer> Tokenizer::fromPath(const std::string &path)
{
    const fs::path p(path);
    fs::path folder = p.parent_path();
    std::shared_ptr<Tokenizer> tokenizer;
    if (fs::is_directory(p)) {
        folder = p;
        if (fs::exists(p / "tokenizer.model"))
            tokenizer = fromFile((p / "tokenizer.model").string());
        else if (fs::exists(p / "tokenizer.json"))
            tokenizer = fromHfJson((p / "tokenizer.json").string());
        else
            throw Error(path + ": holds neither tokenizer.model nor tokenizer.json");
    } else if (p.extension() == ".json") {
        tokenizer = fromHfJson(path);
    } else {
        return fromFile(path);
    }
    tokenizer->applyHfConfig((folder / "tokenizer_config.json").string());
    return tokenizer;
}

bool Tokenizer::isHfJson() const
{
    return d->hf != nullptr;
}

std::shared_ptr<Tokenizer> Tokenizer::fromSerializedModel(const std::string &bytes,
                                                          const std::string &source)
{
    auto impl = std::make_unique<Impl>();
    impl->source = source;
    impl->load(bytes);
    return std::shared_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
}

std::shared_ptr<Tokenizer> Tokenizer::fromVocab(const std::vector<VocabEntry> &vocab,
                                                const std::string &source)
{
    if (vocab.empty())
        throw Error(source + ": the tokenizer vocabulary is empty");
    int64_t unk = -1;
    std::vector<int64_t> controls;
    bool hasBytes = false;
    for (size_t i = 0; i < vocab.size(); ++i) {
        if (vocab[i].type == PieceType::Unknown && unk < 0)
            unk = static_cast<int64_t>(i);
        if (vocab[i].type == PieceType::Control)
            controls.push_back(static_cast<int64_t>(i));
        hasBytes = hasBytes || vocab[i].type == PieceType::Byte;
    }
    if (unk < 0)
        throw Error(source + ": the tokenizer vocabulary has no unknown piece (token type 2)");
    // GGUF names BOS/EOS by id in separate keys (the caller applies them with
    // setSpecialIds); "<s>"/"</s>" or the first two control pieces are Llama's convention.
    const auto findPiece = [&](const std::string &text, size_t fallbackIndex) -> int64_t {
        for (int64_t id : controls)
            if (vocab[static_cast<size_t>(id)].piece == text)
                return id;
        return fallbackIndex < controls.size() ? controls[fallbackIndex] : -1;
    };
    const int64_t bos = findPiece("<s>", 0);
    const int64_t eos = findPiece("</s>", 1);

    // Llama's tokenizer.model: BPE over the pieces' scores, byte fallback, identity
    // normalisation, a dummy "▁" prefix and whitespace kept as written.
    std::string model;
    for (const VocabEntry &entry : vocab) {
        if (entry.piece.empty())
            throw Error(source + ": the tokenizer vocabulary has an empty piece");
        pbwire::writeBytesField(model, kModelPieces, pieceMessage(entry));
    }
    std::string trainer;
    pbwire::writeVarintField(trainer, kTrainerModelType, kModelTypeBpe);
    pbwire::writeInt32Field(trainer, kTrainerVocabSize, static_cast<int32_t>(vocab.size()));
    pbwire::writeVarintField(trainer, kTrainerByteFallback, hasBytes ? 1 : 0);
    pbwire::writeInt32Field(trainer, kTrainerUnkId, static_cast<int32_t>(unk));
    pbwire::writeInt32Field(trainer, kTrainerBosId, static_cast<int32_t>(bos));
    pbwire::writeInt32Field(trainer, kTrainerEosId, static_cast<int32_t>(eos));
    pbwire::writeInt32Field(trainer, kTrainerPadId, -1);
    pbwire::writeBytesField(trainer, kTrainerUnkPiece, vocab[static_cast<size_t>(unk)].piece);
    if (bos >= 0)
        pbwire::writeBytesField(trainer, kTrainerBosPiece, vocab[static_cast<size_t>(bos)].piece);
    if (eos >= 0)
        pbwire::writeBytesField(trainer, kTrainerEosPiece, vocab[static_cast<size_t>(eos)].piece);
    pbwire::writeBytesField(model, kModelTrainerSpec, trainer);
    std::string normalizer;
    pbwire::writeBytesField(normalizer, kNormName, "identity");
    pbwire::writeVarintField(normalizer, kNormAddDummyPrefix, 1);
    pbwire::writeVarintField(normalizer, kNormRemoveExtraWhitespaces, 0);
    pbwire::writeVarintField(normalizer, kNormEscapeWhitespaces, 1);
    pbwire::writeBytesField(model, kModelNormalizerSpec, normalizer);

    auto tokenizer = fromSerializedModel(model, source);
    tokenizer->d->bos = bos;
    tokenizer->d->eos = eos;
    return tokenizer;
}

namespace {

// What to check when SentencePiece could not write PREFIX.model, with the free space.
std::string outputProblem(const std::string &prefix)
{
    const fs::path parent = fs::path(prefix).parent_path();
    const std::string folder = parent.empty() ? std::string(".") : parent.string();
    const long long free = freeDiskBytes(folder);
    return "check that " + folder + " is writable and its disk has room"
        + (free >= 0 ? " (" + std::to_string(free / 1024) + " KiB free)" : std::string());
}

} // namespace

std::shared_ptr<Tokenizer> Tokenizer::train(const TokenizerTrainOptions &options)
{
    requireBackgroundThread("tb::Tokenizer::train");
    const std::string &corpus = options.corpusPath;
    if (!fs::is_regular_file(corpus))
        throw Error(corpus + ": tokenizer training corpus not found");
    if (options.outputPrefix.empty())
        throw Error(corpus + ": tokenizer training needs an output prefix");
    if (options.vocabSize < 1)
        throw Error(corpus + ": tokenizer training needs a vocabulary size of at least 1, not "
                    + std::to_string(options.vocabSize));
    // "char" (one piece per character) is what character-level pre-training uses.
    const std::optional<TokenizerType> type = enumFromName<TokenizerType>(options.modelType);
    if (!type)
        throw Error(corpus + ": tokenizer model type must be one of " + enumNameList<TokenizerType>() + ", not \""
                    + options.modelType + "\"");
    std::string controls;
    for (const std::string &token : options.specialTokens) {
        // SentencePiece takes the list comma-separated, with no escaping.
        if (token.empty() || token.find(',') != std::string::npos)
            throw Error(corpus + ": special token \"" + token
                        + "\" must be non-empty and contain no comma");
        controls += (controls.empty() ? "" : ",") + token;
    }
    const fs::path parent = fs::path(options.outputPrefix).parent_path();
    if (!parent.empty())
        fs::create_directories(parent);

    // Special tokens become control symbols: encode() matches them as single ids while
    // SentencePiece itself never produces them from text, so encodePlain() cannot either.
    // hard_vocab_limit stays on: a corpus too small for the vocabulary is an error that
    // says which size works, not a silently smaller model.
    std::unordered_map<std::string, std::string> args = {
        {"input", corpus},
        {"model_prefix", options.outputPrefix},
        {"model_type", options.modelType},
        {"vocab_size", std::to_string(options.vocabSize)},
        {"byte_fallback", options.byteFallback ? "true" : "false"},
        {"character_coverage", std::to_string(options.characterCoverage)},
        {"hard_vocab_limit", "true"},
        {"input_sentence_size", "200000"},
        {"shuffle_input_sentence", "true"},
        {"num_threads", "2"},
        {"split_digits", "true"},
        {"allow_whitespace_only_pieces", "true"},
        {"normalization_rule_name", "identity"},
        {"remove_extra_whitespaces", "false"},
        {"add_dummy_prefix", "true"},
        {"unk_id", "0"},
        {"bos_id", "1"},
        {"eos_id", "2"},
        {"pad_id", "-1"},
        {"minloglevel", "2"},
    };
    if (!controls.empty())
        args["control_symbols"] = controls;
    if (*type == TokenizerType::Char) {
        // Character level means every character: rare ones get their own piece instead of
        // <unk> (SentencePiece would also merge a run of unknowns into one), and so does the
        // newline, which the line-based trainer never sees inside a sentence. The vocabulary
        // is what the corpus holds; vocab_size is an upper bound.
        args["character_coverage"] = "1.0";
        args["hard_vocab_limit"] = "false";
        args["user_defined_symbols"] = "\n";
    }
    const auto status = sentencepiece::SentencePieceTrainer::Train(args);
    if (!status.ok()) {
        // "Internal: src/trainer_interface.cc(661) [cond] Vocabulary size too high (8000).
        // Please set it to a value <= 1234." -> keep the part a user can act on.
        std::string message = status.error_message();
        const size_t bracket = message.find("] ");
        if (bracket != std::string::npos)
            message = message.substr(bracket + 2);
        if (message.find_first_not_of(" \t\r\n") == std::string::npos)
            message = "SentencePiece gave no reason; " + outputProblem(options.outputPrefix);
        throw Error(corpus + ": tokenizer training failed: " + message);
    }
    // SentencePiece does not check its writes: on a full disk it reports success and leaves
    // a truncated model.
    try {
        return fromFile(options.outputPrefix + ".model");
    } catch (const Error &e) {
        throw Error(corpus + ": tokenizer training failed: the model SentencePiece wrote is incomplete (" + e.what()
                    + "); " + outputProblem(options.outputPrefix));
    }
}

bool Tokenizer::applyHfConfig(const std::string &tokenizerConfigPath)
{
    if (!fs::is_regular_file(tokenizerConfigPath))
        return false;
    const std::string &path = tokenizerConfigPath;
    nlohmann::json config;
    try {
        config = nlohmann::json::parse(readTextFile(path));
    } catch (const nlohmann::json::exception &e) {
        throw Error(path + ": malformed JSON: " + e.what());
    }
    if (!config.is_object())
        throw Error(path + ": expected a JSON object at the top level");

    // Added tokens: {"32000": {"content": "<|im_start|>", "special": true, ...}}, and the
    // older added_tokens.json next to it ({"<|im_start|>": 32000}).
    std::map<int64_t, Impl::AddedToken> declared;
    try {
        if (config.contains("added_tokens_decoder") && config["added_tokens_decoder"].is_object()) {
            for (const auto &[key, value] : config["added_tokens_decoder"].items()) {
                const std::string content = tokenContent(value);
                if (content.empty())
                    throw Error(path + ": added_tokens_decoder[" + key + "] has no content");
                declared[std::stoll(key)] = {content, value.value("special", true)};
            }
        }
        const fs::path addedJson = fs::path(path).parent_path() / "added_tokens.json";
        if (fs::is_regular_file(addedJson)) {
            const auto added = nlohmann::json::parse(readTextFile(addedJson.string()));
            for (const auto &[content, id] : added.items())
                if (!declared.count(id.get<int64_t>()))
                    declared[id.get<int64_t>()] = {content, true};
        }
    } catch (const nlohmann::json::exception &e) {
        throw Error(path + ": malformed added tokens: " + e.what());
    } catch (const std::logic_error &e) { // std::stoll
        throw Error(path + ": added_tokens_decoder has a key that is not a token id");
    }
    if (d->hf)
        declared.clear(); // tokenizer.json lists its added tokens itself, with their flags
    for (const auto &[id, token] : declared) {
        const int64_t size = vocabSize();
        if (id < size) {
            if (d->pieces[static_cast<size_t>(id)].piece != token.content
                && d->pieceIds.count(token.content) && d->pieceIds[token.content] != id)
                throw Error(path + ": added token \"" + token.content + "\" is declared as id "
                            + std::to_string(id) + " but tokenizer.model has it as id "
                            + std::to_string(d->pieceIds[token.content]));
            d->added[id] = token;
        } else if (id == size) {
            if (d->pieceIds.count(token.content))
                throw Error(path + ": added token \"" + token.content + "\" (id "
                            + std::to_string(id) + ") is already in tokenizer.model");
            d->added[id] = token;
            d->appendPiece(token.content, PieceType::Control);
        } else {
            throw Error(path + ": added token id " + std::to_string(id) + " leaves a gap after the "
                        + std::to_string(size) + " pieces of tokenizer.model");
        }
    }
    d->rebuildMatcher();

    const auto lookup = [&](const char *key, int64_t fallback) -> int64_t {
        if (!config.contains(key))
            return fallback;
        if (config[key].is_null())
            return -1;
        const std::string content = tokenContent(config[key]);
        const int64_t id = pieceToId(content);
        if (id < 0) {
            for (const auto &[addedId, token] : d->added)
                if (token.content == content)
                    return addedId;
            throw Error(path + ": " + key + " \"" + content + "\" is not in the vocabulary");
        }
        return id;
    };
    d->bos = lookup("bos_token", d->bos);
    d->eos = lookup("eos_token", d->eos);
    d->unk = lookup("unk_token", d->unk);
    try {
        d->pad = lookup("pad_token", d->pad);
    } catch (const Error &) {
        // HF adds a missing pad token on the fly; here padding just has no token of its own.
        d->pad = -1;
    }
    d->markIdsSpecial();

    if (config.contains("chat_template")) {
        const auto &tmpl = config["chat_template"];
        if (tmpl.is_string()) {
            d->chatTemplate = tmpl.get<std::string>();
        } else if (tmpl.is_array()) {
            // Newer configs list named templates; "default" is the one chat uses.
            for (const auto &entry : tmpl)
                if (entry.is_object() && entry.value("name", "") == "default")
                    d->chatTemplate = entry.value("template", "");
            if (d->chatTemplate.empty() && !tmpl.empty() && tmpl[0].is_object())
                d->chatTemplate = tmpl[0].value("template", "");
        }
    }
    d->legacy = config.contains("legacy") && config["legacy"].is_boolean() ? config["legacy"].get<bool>()
                                                                             : true;
    if (config.contains("add_bos_token") && config["add_bos_token"].is_boolean())
        d->addBosToken = config["add_bos_token"].get<bool>();
    if (config.contains("add_eos_token") && config["add_eos_token"].is_boolean())
        d->addEosToken = config["add_eos_token"].get<bool>();
    return true;
}

void Tokenizer::writeHfFiles(const std::string &dir) const
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw Error(dir + ": cannot create directory: " + ec.message());
    const fs::path root(dir);
    const auto tokenText = [&](int64_t id) -> nlohmann::ordered_json {
        if (id < 0)
            return nullptr;
        return piece(id);
    };

    nlohmann::ordered_json config;
    config["add_bos_token"] = d->addBosToken;
    config["add_eos_token"] = d->addEosToken;
    nlohmann::ordered_json decoder = nlohmann::ordered_json::object();
    nlohmann::ordered_json additional = nlohmann::ordered_json::array();
    for (const auto &[id, token] : d->added) {
        decoder[std::to_string(id)] = {{"content", token.content}, {"lstrip", false},
                                       {"normalized", false},      {"rstrip", false},
                                       {"single_word", false},     {"special", token.special}};
        if (token.special && id != d->bos && id != d->eos && id != d->unk && id != d->pad)
            additional.push_back(token.content);
    }
    config["added_tokens_decoder"] = decoder;
    if (!additional.empty())
        config["additional_special_tokens"] = additional;
    config["bos_token"] = tokenText(d->bos);
    if (!d->chatTemplate.empty())
        config["chat_template"] = d->chatTemplate;
    config["clean_up_tokenization_spaces"] = false;
    config["eos_token"] = tokenText(d->eos);
    config["legacy"] = d->legacy;
    config["pad_token"] = tokenText(d->pad);
    config["sp_model_kwargs"] = nlohmann::ordered_json::object();
    config["tokenizer_class"] = "LlamaTokenizer";
    config["unk_token"] = tokenText(d->unk);

    nlohmann::ordered_json map;
    map["bos_token"] = tokenText(d->bos);
    map["eos_token"] = tokenText(d->eos);
    map["unk_token"] = tokenText(d->unk);
    if (d->pad >= 0)
        map["pad_token"] = tokenText(d->pad);
    if (!additional.empty())
        map["additional_special_tokens"] = additional;

    if (d->hf) {
        config["tokenizer_class"] = "PreTrainedTokenizerFast";
        config.erase("sp_model_kwargs");
        config.erase("legacy");
        writeFileAtomically((root / "tokenizer.json").string(), readTextFile(d->hfPath));
    } else {
        writeFileAtomically((root / "tokenizer.model").string(), serializedModel());
    }
    writeFileAtomically((root / "tokenizer_config.json").string(), config.dump(2) + "\n");
    writeFileAtomically((root / "special_tokens_map.json").string(), map.dump(2) + "\n");
}

std::vector<int64_t> Tokenizer::encodeSegment(std::string_view text, bool atTextStart,
                                              std::vector<Span> *spans) const
{
    std::vector<int64_t> ids;
    if (text.empty())
        return ids;
    if (d->hf) {
        const auto tokens = d->hf->encode(text, false, false, atTextStart);
        if (spans)
            spans->clear();
        for (const auto &t : tokens) {
            ids.push_back(t.id);
            if (spans)
                spans->push_back({t.begin, t.end});
        }
        return ids;
    }
    const sentencepiece::SentencePieceProcessor *processor = d->sp.get();
    std::string input(text);
    size_t shift = 0;
    if (!d->legacy && d->dummyPrefix) {
        // HF's non-legacy LlamaTokenizer: no dummy prefix from SentencePiece; "▁" is
        // prepended by hand to the start of the whole text only.
        processor = d->spNoPrefix.get();
        if (atTextStart) {
            input = kSpace + input;
            shift = kSpace.size();
        }
    }
    if (!spans) {
        std::vector<int> raw;
        const auto status = processor->Encode(input, &raw);
        if (!status.ok())
            throw Error(d->describe() + ": encoding failed: " + status.ToString());
        ids.assign(raw.begin(), raw.end());
        return ids;
    }
    // SentencePieceText {2: repeated {2: id, 4: begin, 5: end}}, byte offsets in `input`.
    const std::string serialized = processor->EncodeAsSerializedProto(input);
    spans->clear();
    pbwire::Reader reader(serialized);
    pbwire::Field field;
    while (reader.next(field)) {
        if (field.number != 2 || field.type != pbwire::WireType::LengthDelimited)
            continue;
        pbwire::Reader pieceReader(field.bytes);
        pbwire::Field sub;
        int64_t id = 0;
        Span span;
        while (pieceReader.next(sub)) {
            if (sub.number == 2)
                id = static_cast<int64_t>(sub.varint);
            else if (sub.number == 4)
                span.begin = static_cast<size_t>(sub.varint);
            else if (sub.number == 5)
                span.end = static_cast<size_t>(sub.varint);
        }
        span.begin = span.begin > shift ? span.begin - shift : 0;
        span.end = span.end > shift ? span.end - shift : 0;
        ids.push_back(id);
        spans->push_back(span);
    }
    if (ids.empty())
        throw Error(d->describe() + ": encoding failed for a text of " + std::to_string(text.size())
                    + " bytes");
    return ids;
}

std::vector<int64_t> Tokenizer::encode(std::string_view text, bool addBos) const
{
    std::vector<int64_t> ids;
    if (d->hf) {
        if (addBos)
            for (int32_t id : d->hf->specialPrefix())
                ids.push_back(id);
        for (const auto &t : d->hf->encode(text, false, true))
            ids.push_back(t.id);
        return ids;
    }
    if (addBos && d->bos >= 0)
        ids.push_back(d->bos);
    size_t segmentStart = 0;
    size_t pos = 0;
    const auto flush = [&](size_t end) {
        const auto part = encodeSegment(text.substr(segmentStart, end - segmentStart), segmentStart == 0);
        ids.insert(ids.end(), part.begin(), part.end());
    };
    while (pos < text.size()) {
        if (d->matchFirstByte[static_cast<uint8_t>(text[pos])]) {
            bool matched = false;
            for (const auto &[content, id] : d->matchOrder) {
                if (text.compare(pos, content.size(), content) == 0) {
                    flush(pos);
                    ids.push_back(id);
                    pos += content.size();
                    segmentStart = pos;
                    matched = true;
                    break;
                }
            }
            if (matched)
                continue;
        }
        ++pos;
    }
    flush(text.size());
    return ids;
}

std::vector<int64_t> Tokenizer::encodePlain(std::string_view text) const
{
    return encodeSegment(text, true);
}

std::string Tokenizer::decode(const std::vector<int64_t> &ids, bool keepSpecial) const
{
    if (d->hf) {
        std::vector<int32_t> narrow;
        narrow.reserve(ids.size());
        for (int64_t id : ids) {
            d->checkId(id, "token");
            narrow.push_back(int32_t(id));
        }
        return d->hf->decode(narrow, !keepSpecial);
    }
    std::string out;
    std::vector<int> run;
    bool runAtStart = true; // nothing precedes the run: SentencePiece may drop its dummy "▁"
    const auto flush = [&]() {
        if (run.empty())
            return;
        // Legacy encoding gave every run its own dummy prefix, so each run drops it again;
        // non-legacy runs after a special token never had one and keep their leading space.
        const auto *processor = (d->legacy || runAtStart) ? d->sp.get() : d->spNoPrefix.get();
        std::string text;
        const auto status = processor->Decode(run, &text);
        if (!status.ok())
            throw Error(d->describe() + ": decoding failed: " + status.ToString());
        out += text;
        run.clear();
    };
    for (size_t i = 0; i < ids.size(); ++i) {
        const int64_t id = ids[i];
        d->checkId(id, "token");
        const auto added = d->added.find(id);
        if (added != d->added.end()) {
            if (added->second.special && !keepSpecial)
                continue;
            flush();
            out += added->second.content;
            runAtStart = false;
            continue;
        }
        if (run.empty())
            runAtStart = (i == 0);
        run.push_back(static_cast<int>(id));
    }
    flush();
    return out;
}

std::string Tokenizer::decodeBytes(const std::vector<int64_t> &ids, bool keepSpecial) const
{
    if (!d->hf)
        return decode(ids, keepSpecial);
    std::vector<int32_t> narrow;
    narrow.reserve(ids.size());
    for (int64_t id : ids) {
        d->checkId(id, "token");
        narrow.push_back(int32_t(id));
    }
    return d->hf->decode(narrow, !keepSpecial, true);
}

std::string Tokenizer::piece(int64_t id) const
{
    d->checkId(id, "token");
    return d->pieces[static_cast<size_t>(id)].piece;
}

int64_t Tokenizer::pieceToId(const std::string &piece) const
{
    const auto it = d->pieceIds.find(piece);
    return it == d->pieceIds.end() ? -1 : it->second;
}

int64_t Tokenizer::vocabSize() const { return static_cast<int64_t>(d->pieces.size()); }
int64_t Tokenizer::bosId() const { return d->bos; }
int64_t Tokenizer::eosId() const { return d->eos; }
int64_t Tokenizer::unkId() const { return d->unk; }
int64_t Tokenizer::padId() const { return d->pad; }

bool Tokenizer::isSpecial(int64_t id) const
{
    const auto it = d->added.find(id);
    return it != d->added.end() && it->second.special;
}

int64_t Tokenizer::addSpecialToken(const std::string &text)
{
    if (text.empty())
        throw Error(d->describe() + ": a special token cannot be empty");
    for (const auto &[id, token] : d->added)
        if (token.content == text) {
            d->markSpecial(id, true);
            return id;
        }
    const int64_t existing = pieceToId(text);
    if (existing >= 0) {
        d->markSpecial(existing, true);
        return existing;
    }
    if (d->hf)
        throw Error(d->describe() + ": cannot add the special token \"" + text
                    + "\" to a tokenizer.json tokenizer (not supported yet)");
    // CONTROL, not USER_DEFINED: SentencePiece never emits control pieces from text, so
    // only encode() matches the token and user content through encodePlain() cannot.
    const int64_t id = vocabSize();
    d->added[id] = {text, true};
    d->appendPiece(text, PieceType::Control);
    return id;
}

std::vector<VocabEntry> Tokenizer::vocab() const { return d->pieces; }
std::string Tokenizer::serializedModel() const
{
    if (d->hf)
        throw Error(d->describe() + ": a tokenizer.json tokenizer has no SentencePiece model to save");
    return d->modelBytes;
}
bool Tokenizer::addDummyPrefix() const { return d->dummyPrefix; }
const std::string &Tokenizer::chatTemplateSource() const { return d->chatTemplate; }
void Tokenizer::setChatTemplateSource(const std::string &source) { d->chatTemplate = source; }
bool Tokenizer::legacy() const { return d->legacy; }
void Tokenizer::setLegacy(bool legacy) { d->legacy = legacy; }

void Tokenizer::setSpecialIds(int64_t bos, int64_t eos, int64_t pad)
{
    d->checkId(bos, "BOS");
    d->checkId(eos, "EOS");
    if (pad >= 0)
        d->checkId(pad, "PAD");
    d->bos = bos;
    d->eos = eos;
    d->pad = pad;
    d->markIdsSpecial();
}

} // namespace tb
