#include "protobuf_wire.h"

#include "error.h"

#include <cstring>

namespace tb::pbwire {

float Field::asFloat() const
{
    const uint32_t bits = static_cast<uint32_t>(varint);
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

uint64_t Reader::readVarint()
{
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (m_pos >= m_data.size())
            throw Error("truncated protobuf varint at byte " + std::to_string(m_pos));
        const uint8_t byte = static_cast<uint8_t>(m_data[m_pos++]);
        value |= static_cast<uint64_t>(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return value;
    }
    throw Error("protobuf varint longer than 10 bytes at byte " + std::to_string(m_pos));
}

bool Reader::next(Field &field)
{
    if (m_pos >= m_data.size())
        return false;
    const size_t start = m_pos;
    const uint64_t tag = readVarint();
    field.number = static_cast<uint32_t>(tag >> 3);
    if (field.number == 0)
        throw Error("protobuf field number 0 at byte " + std::to_string(start));
    field.bytes = {};
    field.varint = 0;
    const auto need = [&](size_t n) {
        if (m_data.size() - m_pos < n)
            throw Error("truncated protobuf field " + std::to_string(field.number) + " at byte "
                        + std::to_string(start));
    };
    switch (tag & 7) {
    case 0:
        field.type = WireType::Varint;
        field.varint = readVarint();
        break;
    case 1:
        field.type = WireType::Fixed64;
        need(8);
        for (int i = 0; i < 8; ++i)
            field.varint |= static_cast<uint64_t>(static_cast<uint8_t>(m_data[m_pos + i])) << (8 * i);
        m_pos += 8;
        break;
    case 2: {
        field.type = WireType::LengthDelimited;
        const uint64_t length = readVarint();
        need(length);
        field.bytes = m_data.substr(m_pos, length);
        m_pos += length;
        break;
    }
    case 5:
        field.type = WireType::Fixed32;
        need(4);
        for (int i = 0; i < 4; ++i)
            field.varint |= static_cast<uint64_t>(static_cast<uint8_t>(m_data[m_pos + i])) << (8 * i);
        m_pos += 4;
        break;
    default:
        throw Error("unsupported protobuf wire type " + std::to_string(tag & 7) + " at byte "
                    + std::to_string(start));
    }
    field.raw = m_data.substr(start, m_pos - start);
    return true;
}

void writeVarint(std::string &out, uint64_t value)
{
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

void writeTag(std::string &out, uint32_t number, WireType type)
{
    writeVarint(out, (static_cast<uint64_t>(number) << 3) | static_cast<uint64_t>(type));
}

void writeVarintField(std::string &out, uint32_t number, uint64_t value)
{
    writeTag(out, number, WireType::Varint);
    writeVarint(out, value);
}

void writeInt32Field(std::string &out, uint32_t number, int32_t value)
{
    writeVarintField(out, number, static_cast<uint64_t>(static_cast<int64_t>(value)));
}

void writeBytesField(std::string &out, uint32_t number, std::string_view bytes)
{
    writeTag(out, number, WireType::LengthDelimited);
    writeVarint(out, bytes.size());
    out.append(bytes.data(), bytes.size());
}

void writeFloatField(std::string &out, uint32_t number, float value)
{
    writeTag(out, number, WireType::Fixed32);
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

} // namespace tb::pbwire
