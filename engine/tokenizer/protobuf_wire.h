#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// A minimal protobuf wire-format reader and writer. SentencePiece's generated
// sentencepiece_model.pb.h would drag protobuf-lite symbols into the process, which
// clash with LibTorch's libprotobuf (a program linking both crashes before main()), so the few ModelProto fields the
// tokenizer needs are read and written by hand.
namespace tb::pbwire {

enum class WireType : uint8_t { Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5 };

struct Field {
    uint32_t number = 0;
    WireType type = WireType::Varint;
    uint64_t varint = 0;     // Varint, Fixed64 and Fixed32 values (raw bits for fixed)
    std::string_view bytes;  // LengthDelimited payload, a view into the reader's buffer
    std::string_view raw;    // the whole field, tag included (for copying it unchanged)

    float asFloat() const;
    bool asBool() const { return varint != 0; }
    int64_t asInt64() const { return static_cast<int64_t>(varint); } // int32 -1 is sign-extended
};

// Iterates over the top-level fields of one message. Throws tb::Error on malformed input
// (the caller rethrows with the file name).
class Reader {
public:
    explicit Reader(std::string_view data) : m_data(data) {}
    bool next(Field &field);

private:
    uint64_t readVarint();
    std::string_view m_data;
    size_t m_pos = 0;
};

void writeVarint(std::string &out, uint64_t value);
void writeTag(std::string &out, uint32_t number, WireType type);
void writeVarintField(std::string &out, uint32_t number, uint64_t value);
// int32 fields store negative values as 10-byte sign-extended varints.
void writeInt32Field(std::string &out, uint32_t number, int32_t value);
void writeBytesField(std::string &out, uint32_t number, std::string_view bytes);
void writeFloatField(std::string &out, uint32_t number, float value);

} // namespace tb::pbwire
