#pragma once

// tokenizer.json "decoder": ByteLevel, ByteFallback, Fuse, Strip, Replace, Metaspace,
// WordPiece, BPEDecoder and Sequence. A decoder turns token strings back into text.
#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <string>
#include <vector>

namespace tb::hf {

class Decoder {
public:
    virtual ~Decoder() = default;
    // The library's decode_chain. With `raw`, byte-producing decoders (ByteLevel,
    // ByteFallback) emit the bytes as they are instead of replacing invalid UTF-8 by U+FFFD,
    // so a stream can hold a character that a later token completes.
    virtual void decodeChain(std::vector<std::string> &tokens, bool raw) const = 0;
};

// nullptr for a JSON null. Throws tb::Error (without the file name) for an unknown type.
std::unique_ptr<Decoder> makeDecoder(const nlohmann::json &config);

} // namespace tb::hf
