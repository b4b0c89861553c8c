#include "gguf.h"

#include "error.h"
#include "file_util.h"
#include "imported_model.h"
#include "lora.h"
#include "model_export.h"
#include "rotary_permute.h"
#include "stored_tensor.h"
#include "tokenizer.h"
#include "thread_guard.h"

#include <c10/util/Half.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace tb {

namespace {

constexpr uint32_t kMaxDims = 4;           // GGML_MAX_DIMS
constexpr int64_t kQ8BlockSize = 32;       // Q8_0: one f16 scale + 32 int8 per block
constexpr uint64_t kQ8BlockBytes = 2 + 32;
constexpr int kMaxArrayDepth = 4;          // nested arrays are legal but never needed

std::string hexBytes(const unsigned char *p, size_t n)
{
    std::string out;
    char buf[8];
    for (size_t i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, "%s%02x", i ? " " : "", p[i]);
        out += buf;
    }
    return out;
}

// A name or value from the file as it may appear in a one-line message: control bytes
// escaped, long strings cut, so a damaged file cannot break the message.
std::string shown(const std::string &s)
{
    constexpr size_t kMax = 120;
    std::string out;
    char buf[8];
    for (size_t i = 0; i < s.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += char(c);
        }
    }
    if (s.size() > kMax)
        out += "...";
    return out;
}

std::string printableMagic(const unsigned char *p, size_t n)
{
    std::string out;
    for (size_t i = 0; i < n; ++i)
        out += (p[i] >= 0x20 && p[i] < 0x7f) ? char(p[i]) : '.';
    return out;
}

// Sequential little-endian reads over the header region, buffered so a 32000-entry
// vocabulary is not 100,000 system calls. Every read is checked against the file size first.
class HeaderCursor {
public:
    explicit HeaderCursor(const ReadOnlyFile &file) : m_file(file) {}

    uint64_t pos() const { return m_pos; }
    uint64_t remaining() const { return m_file.size() - m_pos; }

    void require(uint64_t bytes, const std::string &what) const
    {
        if (bytes > remaining())
            throw Error(m_file.path() + ": truncated GGUF file: " + what + " needs " + std::to_string(bytes)
                        + " bytes at offset " + std::to_string(m_pos) + " but the file has "
                        + std::to_string(m_file.size()) + " bytes");
    }

    void read(void *dst, uint64_t bytes, const std::string &what)
    {
        require(bytes, what);
        auto *out = static_cast<char *>(dst);
        while (bytes > 0) {
            if (m_pos < m_bufStart || m_pos >= m_bufStart + m_buf.size())
                refill();
            const uint64_t at = m_pos - m_bufStart;
            const uint64_t n = std::min<uint64_t>(bytes, m_buf.size() - at);
            std::memcpy(out, m_buf.data() + at, size_t(n));
            out += n;
            m_pos += n;
            bytes -= n;
        }
    }

    template <typename T> T get(const std::string &what)
    {
        T value;
        read(&value, sizeof(T), what);
        return value;
    }

    std::string string(const std::string &what)
    {
        const uint64_t length = get<uint64_t>(what + " (length)");
        require(length, what + " (" + std::to_string(length) + " characters)");
        std::string s(size_t(length), '\0');
        read(s.data(), length, what);
        return s;
    }

private:
    void refill()
    {
        constexpr uint64_t kChunk = 1 << 20;
        m_bufStart = m_pos;
        m_buf.resize(size_t(std::min<uint64_t>(kChunk, remaining())));
        readExact(m_file.fd(), m_file.path(), m_pos, m_buf.data(), m_buf.size());
    }

    const ReadOnlyFile &m_file;
    uint64_t m_pos = 0;
    uint64_t m_bufStart = 0;
    std::vector<char> m_buf;
};

// Smallest encoding of one value of `type`: bounds an array's count before allocating.
uint64_t minValueBytes(GgufType type)
{
    switch (type) {
    case GgufType::Uint8:
    case GgufType::Int8:
    case GgufType::Bool:
        return 1;
    case GgufType::Uint16:
    case GgufType::Int16:
        return 2;
    case GgufType::Uint32:
    case GgufType::Int32:
    case GgufType::Float32:
        return 4;
    case GgufType::Uint64:
    case GgufType::Int64:
    case GgufType::Float64:
    case GgufType::String:
        return 8;
    case GgufType::Array:
        return 12;
    }
    return 0;
}

bool isScalarInteger(GgufType t)
{
    switch (t) {
    case GgufType::Uint8:
    case GgufType::Int8:
    case GgufType::Uint16:
    case GgufType::Int16:
    case GgufType::Uint32:
    case GgufType::Int32:
    case GgufType::Uint64:
    case GgufType::Int64:
    case GgufType::Bool:
        return true;
    default:
        return false;
    }
}

const char *gguTypeName(GgufType t)
{
    switch (t) {
    case GgufType::Uint8: return "uint8";
    case GgufType::Int8: return "int8";
    case GgufType::Uint16: return "uint16";
    case GgufType::Int16: return "int16";
    case GgufType::Uint32: return "uint32";
    case GgufType::Int32: return "int32";
    case GgufType::Float32: return "float32";
    case GgufType::Bool: return "bool";
    case GgufType::String: return "string";
    case GgufType::Array: return "array";
    case GgufType::Uint64: return "uint64";
    case GgufType::Int64: return "int64";
    case GgufType::Float64: return "float64";
    }
    return "?";
}

GgufType checkedType(uint32_t raw, const std::string &path, const std::string &what)
{
    if (raw > uint32_t(GgufType::Float64))
        throw Error(path + ": " + what + " has unknown GGUF value type " + std::to_string(raw)
                    + "; expected 0-12");
    return GgufType(raw);
}

// Reads one scalar of an integer type into (u, i).
void readInteger(HeaderCursor &in, GgufType type, uint64_t &u, int64_t &i, const std::string &what)
{
    switch (type) {
    case GgufType::Uint8: u = in.get<uint8_t>(what); i = int64_t(u); break;
    case GgufType::Bool: u = in.get<uint8_t>(what) != 0; i = int64_t(u); break;
    case GgufType::Int8: i = in.get<int8_t>(what); u = uint64_t(i); break;
    case GgufType::Uint16: u = in.get<uint16_t>(what); i = int64_t(u); break;
    case GgufType::Int16: i = in.get<int16_t>(what); u = uint64_t(i); break;
    case GgufType::Uint32: u = in.get<uint32_t>(what); i = int64_t(u); break;
    case GgufType::Int32: i = in.get<int32_t>(what); u = uint64_t(i); break;
    case GgufType::Uint64: u = in.get<uint64_t>(what); i = int64_t(u); break;
    case GgufType::Int64: i = in.get<int64_t>(what); u = uint64_t(i); break;
    default: break;
    }
}

void readValue(HeaderCursor &in, GgufValue &v, GgufType type, const std::string &path,
               const std::string &what, int depth)
{
    v.type = type;
    if (isScalarInteger(type)) {
        readInteger(in, type, v.u, v.i, what);
        return;
    }
    switch (type) {
    case GgufType::Float32: v.f = in.get<float>(what); return;
    case GgufType::Float64: v.f = in.get<double>(what); return;
    case GgufType::String: v.s = in.string(what); return;
    case GgufType::Array: break;
    default: return;
    }
    v.arrayType = checkedType(in.get<uint32_t>(what + " (array type)"), path, what);
    const uint64_t count = in.get<uint64_t>(what + " (array length)");
    const uint64_t minBytes = minValueBytes(v.arrayType);
    if (count > in.remaining() / minBytes)
        throw Error(path + ": " + what + " claims " + std::to_string(count) + " array elements but only "
                    + std::to_string(in.remaining()) + " bytes remain in the file (truncated or corrupt)");
    if (v.arrayType == GgufType::Array) {
        if (depth >= kMaxArrayDepth)
            throw Error(path + ": " + what + " nests arrays deeper than " + std::to_string(kMaxArrayDepth));
        for (uint64_t k = 0; k < count; ++k) {
            GgufValue skipped;
            readValue(in, skipped, GgufType::Array, path, what, depth + 1);
        }
        return;
    }
    if (isScalarInteger(v.arrayType)) {
        v.ints.resize(static_cast<size_t>(count));
        for (uint64_t k = 0; k < count; ++k) {
            uint64_t u = 0;
            int64_t i = 0;
            readInteger(in, v.arrayType, u, i, what);
            v.ints[size_t(k)] = i;
        }
    } else if (v.arrayType == GgufType::Float32) {
        std::vector<float> tmp(static_cast<size_t>(count));
        in.read(tmp.data(), count * 4, what);
        v.floats.assign(tmp.begin(), tmp.end());
    } else if (v.arrayType == GgufType::Float64) {
        v.floats.resize(static_cast<size_t>(count));
        in.read(v.floats.data(), count * 8, what);
    } else if (v.arrayType == GgufType::String) {
        v.strings.resize(static_cast<size_t>(count));
        for (uint64_t k = 0; k < count; ++k)
            v.strings[size_t(k)] = in.string(what + " element " + std::to_string(k));
    }
}

// Bytes of `numel` elements of a type Tunebench reads; 0 otherwise.
uint64_t tensorBytes(GgmlType type, uint64_t numel)
{
    switch (type) {
    case GgmlType::F32: return numel * 4;
    case GgmlType::F16:
    case GgmlType::BF16: return numel * 2;
    case GgmlType::Q8_0: return numel % kQ8BlockSize ? 0 : numel / kQ8BlockSize * kQ8BlockBytes;
    }
    return 0;
}

std::string storedDtypeName(GgmlType type)
{
    return ggmlTypeName(uint32_t(type));
}

uint64_t alignUp(uint64_t x, uint64_t a)
{
    return (x + a - 1) / a * a;
}

} // namespace

std::string ggmlTypeName(uint32_t type)
{
    static const std::map<uint32_t, const char *> names = {
        {0, "F32"},      {1, "F16"},     {2, "Q4_0"},    {3, "Q4_1"},     {6, "Q5_0"},     {7, "Q5_1"},
        {8, "Q8_0"},     {9, "Q8_1"},    {10, "Q2_K"},   {11, "Q3_K"},    {12, "Q4_K"},    {13, "Q5_K"},
        {14, "Q6_K"},    {15, "Q8_K"},   {16, "IQ2_XXS"}, {17, "IQ2_XS"}, {18, "IQ3_XXS"}, {19, "IQ1_S"},
        {20, "IQ4_NL"},  {21, "IQ3_S"},  {22, "IQ2_S"},  {23, "IQ4_XS"},  {24, "I8"},      {25, "I16"},
        {26, "I32"},     {27, "I64"},    {28, "F64"},    {29, "IQ1_M"},   {30, "BF16"},    {34, "TQ1_0"},
        {35, "TQ2_0"},   {39, "MXFP4"},
    };
    auto it = names.find(type);
    return it != names.end() ? it->second : "type " + std::to_string(type);
}

uint64_t ggmlTensorBytes(GgmlType type, int64_t numel)
{
    return numel < 0 ? 0 : tensorBytes(type, uint64_t(numel));
}

bool GgufValue::isInteger() const
{
    return isScalarInteger(type);
}

int64_t GgufValue::toInt(const std::string &where) const
{
    if (!isInteger())
        throw Error(where + " is a " + gguTypeName(type) + "; expected an integer");
    return i;
}

double GgufValue::toDouble(const std::string &where) const
{
    if (type == GgufType::Float32 || type == GgufType::Float64)
        return f;
    if (isInteger())
        return double(i);
    throw Error(where + " is a " + gguTypeName(type) + "; expected a number");
}

uint64_t GgufValue::arraySize() const
{
    return ints.size() + floats.size() + strings.size();
}

int64_t GgufTensorInfo::numel() const
{
    int64_t n = 1;
    for (int64_t d : ne)
        n *= d;
    return n;
}

GgufFile::GgufFile(const std::string &path) : m_path(path), m_file(std::make_shared<ReadOnlyFile>(path))
{
    HeaderCursor in(*m_file);
    unsigned char magic[4] = {0, 0, 0, 0};
    const size_t magicBytes = size_t(std::min<uint64_t>(4, m_file->size()));
    if (magicBytes > 0)
        readExact(m_file->fd(), path, 0, magic, magicBytes);
    if (magicBytes < 4 || std::memcmp(magic, "GGUF", 4) != 0)
        throw Error(path + ": not a GGUF file (magic '" + printableMagic(magic, magicBytes) + "' = "
                    + hexBytes(magic, magicBytes) + "); expected 'GGUF'");
    in.get<uint32_t>("magic");
    m_version = in.get<uint32_t>("version");
    if (m_version != 2 && m_version != 3)
        throw Error(path + ": unsupported GGUF version " + std::to_string(m_version)
                    + "; expected 2 or 3 (convert the model again with a current llama.cpp)");
    const uint64_t tensorCount = in.get<uint64_t>("tensor count");
    const uint64_t kvCount = in.get<uint64_t>("metadata count");
    // A key/value pair is at least 8 + 4 + 1 bytes, a tensor info at least 8 + 4 + 8 + 4 + 8.
    if (kvCount > in.remaining() / 13)
        throw Error(path + ": truncated GGUF file or corrupt header: it claims " + std::to_string(kvCount)
                    + " metadata entries, more than a " + std::to_string(m_file->size()) + "-byte file can hold");
    if (tensorCount > in.remaining() / 32)
        throw Error(path + ": truncated GGUF file or corrupt header: it claims " + std::to_string(tensorCount)
                    + " tensors, more than a " + std::to_string(m_file->size()) + "-byte file can hold");

    for (uint64_t k = 0; k < kvCount; ++k) {
        const std::string what = "metadata entry " + std::to_string(k);
        std::string key = in.string(what + " key");
        const std::string where = "metadata key '" + shown(key) + "'";
        const GgufType type = checkedType(in.get<uint32_t>(where + " type"), path, where);
        GgufValue value;
        readValue(in, value, type, path, where, 0);
        if (m_metadata.count(key))
            throw Error(path + ": duplicate " + where);
        m_metadata.emplace(std::move(key), std::move(value));
    }

    if (const GgufValue *a = find("general.alignment")) {
        if (a->type != GgufType::Uint32 || a->u == 0 || (a->u & (a->u - 1)) != 0)
            throw Error(path + ": general.alignment must be a power-of-two uint32; found "
                        + (a->isInteger() ? std::to_string(a->i) : std::string(gguTypeName(a->type))));
        m_alignment = a->u;
    }

    m_tensors.reserve(size_t(tensorCount));
    for (uint64_t k = 0; k < tensorCount; ++k) {
        GgufTensorInfo info;
        info.name = in.string("tensor info " + std::to_string(k) + " name");
        const std::string where = "tensor '" + shown(info.name) + "'";
        const uint32_t dims = in.get<uint32_t>(where + " dimension count");
        if (dims == 0 || dims > kMaxDims)
            throw Error(path + ": " + where + " has " + std::to_string(dims) + " dimensions; expected 1 to "
                        + std::to_string(kMaxDims));
        uint64_t numel = 1;
        for (uint32_t d = 0; d < dims; ++d) {
            const int64_t n = in.get<int64_t>(where + " shape");
            if (n <= 0 || uint64_t(n) > m_file->size() * 8 / numel) // > 8 elements per byte: impossible
                throw Error(path + ": " + where + " has dimension " + std::to_string(d) + " = " + std::to_string(n)
                            + ", impossible for a " + std::to_string(m_file->size()) + "-byte file");
            numel *= uint64_t(n);
            info.ne.push_back(n);
        }
        const uint32_t rawType = in.get<uint32_t>(where + " type");
        if (rawType != uint32_t(GgmlType::F32) && rawType != uint32_t(GgmlType::F16)
            && rawType != uint32_t(GgmlType::BF16) && rawType != uint32_t(GgmlType::Q8_0))
            throw Error(path + ": " + where + " has tensor type " + ggmlTypeName(rawType)
                        + ", which Tunebench cannot read; expected F32, F16, BF16 or Q8_0");
        info.type = GgmlType(rawType);
        info.bytes = tensorBytes(info.type, numel);
        if (info.bytes == 0)
            throw Error(path + ": " + where + " is Q8_0 but its row of " + std::to_string(info.ne[0])
                        + " elements is not a multiple of the block size 32");
        info.offset = in.get<uint64_t>(where + " data offset");
        if (m_tensorIndex.count(info.name))
            throw Error(path + ": duplicate " + where);
        m_tensorIndex[info.name] = m_tensors.size();
        m_tensors.push_back(std::move(info));
    }

    m_dataOffset = alignUp(in.pos(), m_alignment);
    const uint64_t size = m_file->size();
    for (GgufTensorInfo &info : m_tensors) {
        const std::string where = "tensor '" + shown(info.name) + "'";
        if (info.offset % m_alignment != 0)
            throw Error(path + ": " + where + " data offset " + std::to_string(info.offset)
                        + " is not a multiple of the alignment " + std::to_string(m_alignment));
        if (m_dataOffset > size || info.offset > size - m_dataOffset
            || info.bytes > size - m_dataOffset - info.offset)
            throw Error(path + ": " + where + " data (" + std::to_string(info.bytes) + " bytes at offset "
                        + std::to_string(m_dataOffset + info.offset) + ") lies past the end of the "
                        + std::to_string(size) + "-byte file (truncated or corrupt)");
        info.offset += m_dataOffset;
    }
}

GgufFile::~GgufFile() = default;

const GgufValue *GgufFile::find(const std::string &key) const
{
    auto it = m_metadata.find(key);
    return it == m_metadata.end() ? nullptr : &it->second;
}

std::string GgufFile::getString(const std::string &key) const
{
    const GgufValue *v = find(key);
    if (!v)
        throw Error(m_path + ": metadata key '" + key + "' is missing");
    if (v->type != GgufType::String)
        throw Error(m_path + ": metadata key '" + key + "' is a " + gguTypeName(v->type) + "; expected a string");
    return v->s;
}

int64_t GgufFile::getInt(const std::string &key) const
{
    const GgufValue *v = find(key);
    if (!v)
        throw Error(m_path + ": metadata key '" + key + "' is missing");
    return v->toInt(m_path + ": metadata key '" + key + "'");
}

double GgufFile::getDouble(const std::string &key) const
{
    const GgufValue *v = find(key);
    if (!v)
        throw Error(m_path + ": metadata key '" + key + "' is missing");
    return v->toDouble(m_path + ": metadata key '" + key + "'");
}

std::string GgufFile::getString(const std::string &key, const std::string &fallback) const
{
    return find(key) ? getString(key) : fallback;
}

int64_t GgufFile::getInt(const std::string &key, int64_t fallback) const
{
    return find(key) ? getInt(key) : fallback;
}

double GgufFile::getDouble(const std::string &key, double fallback) const
{
    return find(key) ? getDouble(key) : fallback;
}

const GgufTensorInfo *GgufFile::tensor(const std::string &name) const
{
    auto it = m_tensorIndex.find(name);
    return it == m_tensorIndex.end() ? nullptr : &m_tensors[it->second];
}

std::string GgufFile::readRaw(const GgufTensorInfo &info) const
{
    std::string bytes(size_t(info.bytes), '\0');
    readExact(m_file->fd(), m_path, info.offset, bytes.data(), info.bytes);
    return bytes;
}

// ---------------------------------------------------------------------------------------
// Writer

namespace {

void putBytes(std::string &out, const void *p, size_t n)
{
    out.append(static_cast<const char *>(p), n);
}

template <typename T> void put(std::string &out, T value)
{
    putBytes(out, &value, sizeof(T));
}

void putString(std::string &out, const std::string &s)
{
    put<uint64_t>(out, s.size());
    out += s;
}

} // namespace

GgufWriter::GgufWriter(std::string path, uint64_t alignment) : m_path(std::move(path)), m_alignment(alignment)
{
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        throw Error(m_path + ": GGUF alignment must be a power of two; got " + std::to_string(alignment));
    if (alignment != 32)
        setUint32("general.alignment", uint32_t(alignment));
}

void GgufWriter::setRaw(const std::string &key, GgufType type, const std::string &valueBytes)
{
    putString(m_kv, key);
    put<uint32_t>(m_kv, uint32_t(type));
    m_kv += valueBytes;
    ++m_kvCount;
}

void GgufWriter::setUint32(const std::string &key, uint32_t value)
{
    std::string v;
    put(v, value);
    setRaw(key, GgufType::Uint32, v);
}

void GgufWriter::setInt32(const std::string &key, int32_t value)
{
    std::string v;
    put(v, value);
    setRaw(key, GgufType::Int32, v);
}

void GgufWriter::setUint64(const std::string &key, uint64_t value)
{
    std::string v;
    put(v, value);
    setRaw(key, GgufType::Uint64, v);
}

void GgufWriter::setFloat32(const std::string &key, float value)
{
    std::string v;
    put(v, value);
    setRaw(key, GgufType::Float32, v);
}

void GgufWriter::setBool(const std::string &key, bool value)
{
    std::string v;
    put<uint8_t>(v, value ? 1 : 0);
    setRaw(key, GgufType::Bool, v);
}

void GgufWriter::setString(const std::string &key, const std::string &value)
{
    std::string v;
    putString(v, value);
    setRaw(key, GgufType::String, v);
}

void GgufWriter::setStringArray(const std::string &key, const std::vector<std::string> &values)
{
    std::string v;
    put<uint32_t>(v, uint32_t(GgufType::String));
    put<uint64_t>(v, values.size());
    for (const std::string &s : values)
        putString(v, s);
    setRaw(key, GgufType::Array, v);
}

void GgufWriter::setFloat32Array(const std::string &key, const std::vector<float> &values)
{
    std::string v;
    put<uint32_t>(v, uint32_t(GgufType::Float32));
    put<uint64_t>(v, values.size());
    putBytes(v, values.data(), values.size() * sizeof(float));
    setRaw(key, GgufType::Array, v);
}

void GgufWriter::setInt32Array(const std::string &key, const std::vector<int32_t> &values)
{
    std::string v;
    put<uint32_t>(v, uint32_t(GgufType::Int32));
    put<uint64_t>(v, values.size());
    putBytes(v, values.data(), values.size() * sizeof(int32_t));
    setRaw(key, GgufType::Array, v);
}

void GgufWriter::addTensor(const std::string &name, const std::vector<int64_t> &ne, GgmlType type,
                           std::function<std::string()> produce)
{
    int64_t numel = 1;
    for (int64_t d : ne)
        numel *= d;
    const uint64_t bytes = ggmlTensorBytes(type, numel);
    if (ne.empty() || ne.size() > kMaxDims || bytes == 0)
        throw Error(m_path + ": cannot write tensor '" + name + "' of type " + ggmlTypeName(uint32_t(type))
                    + " with " + std::to_string(ne.size()) + " dimensions and " + std::to_string(numel)
                    + " elements");
    m_tensors.push_back({name, ne, type, bytes, std::move(produce)});
}

void GgufWriter::finish()
{
    std::string header;
    header += "GGUF";
    put<uint32_t>(header, 3);
    put<uint64_t>(header, m_tensors.size());
    put<uint64_t>(header, m_kvCount);
    header += m_kv;
    uint64_t offset = 0;
    for (const PendingTensor &t : m_tensors) {
        putString(header, t.name);
        put<uint32_t>(header, uint32_t(t.ne.size()));
        for (int64_t d : t.ne)
            put<int64_t>(header, d);
        put<uint32_t>(header, uint32_t(t.type));
        put<uint64_t>(header, offset);
        offset = alignUp(offset + t.bytes, m_alignment);
    }
    header.resize(size_t(alignUp(header.size(), m_alignment)), '\0');

    AtomicFileWriter out(m_path);
    out.write(header);
    const std::string zeros(size_t(m_alignment), '\0');
    for (PendingTensor &t : m_tensors) {
        const std::string bytes = t.produce();
        if (bytes.size() != t.bytes)
            throw Error(m_path + ": tensor '" + t.name + "' produced " + std::to_string(bytes.size())
                        + " bytes; expected " + std::to_string(t.bytes));
        out.write(bytes);
        const uint64_t pad = alignUp(t.bytes, m_alignment) - t.bytes;
        out.write(zeros.data(), size_t(pad));
        t.produce = nullptr; // release whatever the producer captured
    }
    out.commit();
}

// ---------------------------------------------------------------------------------------
// Names

namespace {

struct NamePair {
    const char *gguf;
    const char *hf;
};

// Per-layer tensors: GGUF suffix after "blk.N." and HF suffix after "model.layers.N.".
const NamePair kLayerNames[] = {
    {"attn_norm.weight", "input_layernorm.weight"},
    {"attn_q.weight", "self_attn.q_proj.weight"},
    {"attn_k.weight", "self_attn.k_proj.weight"},
    {"attn_v.weight", "self_attn.v_proj.weight"},
    {"attn_output.weight", "self_attn.o_proj.weight"},
    {"ffn_norm.weight", "post_attention_layernorm.weight"},
    {"ffn_gate.weight", "mlp.gate_proj.weight"},
    {"ffn_up.weight", "mlp.up_proj.weight"},
    {"ffn_down.weight", "mlp.down_proj.weight"},
};

const NamePair kGlobalNames[] = {
    {"token_embd.weight", "model.embed_tokens.weight"},
    {"output_norm.weight", "model.norm.weight"},
    {"output.weight", "lm_head.weight"},
};

// "blk.12.rest" -> (12, "rest") for a layer prefix; -1 when it is not one.
int64_t splitLayer(const std::string &name, const std::string &prefix, std::string &rest)
{
    if (name.compare(0, prefix.size(), prefix) != 0)
        return -1;
    size_t i = prefix.size();
    size_t j = i;
    while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j])))
        ++j;
    if (j == i || j - i > 6 || j >= name.size() || name[j] != '.')
        return -1;
    rest = name.substr(j + 1);
    return std::stoll(name.substr(i, j - i));
}

} // namespace

std::string ggufToHfName(const std::string &g)
{
    for (const NamePair &p : kGlobalNames)
        if (g == p.gguf)
            return p.hf;
    std::string rest;
    const int64_t layer = splitLayer(g, "blk.", rest);
    if (layer < 0)
        return {};
    for (const NamePair &p : kLayerNames)
        if (rest == p.gguf)
            return "model.layers." + std::to_string(layer) + "." + p.hf;
    return {};
}

std::string hfToGgufName(const std::string &h)
{
    for (const NamePair &p : kGlobalNames)
        if (h == p.hf)
            return p.gguf;
    std::string rest;
    const int64_t layer = splitLayer(h, "model.layers.", rest);
    if (layer < 0)
        return {};
    for (const NamePair &p : kLayerNames)
        if (rest == p.hf)
            return "blk." + std::to_string(layer) + "." + p.gguf;
    return {};
}

// ---------------------------------------------------------------------------------------
// Import

namespace {

// A float32 hyperparameter as the converter most likely wrote it: 1e-5 stored as float32
// reads back as 9.99999975e-06; its 7 significant digits give the double 1e-5 again.
double fromFloat32(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.7g", value);
    return std::strtod(buf, nullptr);
}

// Q8_0 -> float32: each block of 32 values is an f16 scale d followed by 32 int8 q; x = d * q.
void dequantizeQ8_0(const std::string &raw, float *out, int64_t numel)
{
    const auto *p = reinterpret_cast<const unsigned char *>(raw.data());
    for (int64_t b = 0; b < numel / kQ8BlockSize; ++b) {
        const unsigned char *block = p + b * kQ8BlockBytes;
        uint16_t bits;
        std::memcpy(&bits, block, 2);
        const float d = c10::detail::fp16_ieee_to_fp32_value(bits);
        const auto *q = reinterpret_cast<const int8_t *>(block + 2);
        for (int64_t j = 0; j < kQ8BlockSize; ++j)
            out[b * kQ8BlockSize + j] = d * float(q[j]);
    }
}

std::shared_ptr<Tokenizer> importTokenizer(const GgufFile &gguf, std::string &tokenizerError)
{
    const std::string &path = gguf.path();
    const GgufValue *model = gguf.find("tokenizer.ggml.model");
    if (!model)
        return nullptr;
    const std::string kind = gguf.getString("tokenizer.ggml.model");
    if (kind != "llama") {
        tokenizerError = path + ": tokenizer model '" + shown(kind)
                         + "' is not supported; only SentencePiece (llama) vocabularies are supported";
        return nullptr;
    }
    const GgufValue *tokens = gguf.find("tokenizer.ggml.tokens");
    if (!tokens || tokens->type != GgufType::Array || tokens->arrayType != GgufType::String)
        throw Error(path + ": tokenizer.ggml.tokens is missing or not an array of strings");
    const size_t n = tokens->strings.size();
    const GgufValue *scores = gguf.find("tokenizer.ggml.scores");
    const GgufValue *types = gguf.find("tokenizer.ggml.token_type");
    if (scores && (scores->type != GgufType::Array || scores->floats.size() != n))
        throw Error(path + ": tokenizer.ggml.scores has " + std::to_string(scores->arraySize())
                    + " numbers; expected one per token (" + std::to_string(n) + ")");
    if (types && (types->type != GgufType::Array || types->ints.size() != n))
        throw Error(path + ": tokenizer.ggml.token_type has " + std::to_string(types->arraySize())
                    + " integers; expected one per token (" + std::to_string(n) + ")");
    std::vector<VocabEntry> vocab(n);
    for (size_t i = 0; i < n; ++i) {
        vocab[i].piece = tokens->strings[i];
        vocab[i].score = scores ? float(scores->floats[i]) : 0.0f;
        const int64_t t = types ? types->ints[i] : int64_t(PieceType::Normal);
        if (t < int64_t(PieceType::Normal) || t > int64_t(PieceType::Byte))
            throw Error(path + ": tokenizer.ggml.token_type of token " + std::to_string(i) + " is "
                        + std::to_string(t) + "; expected 1-6");
        vocab[i].type = PieceType(int32_t(t));
    }
    auto tokenizer = Tokenizer::fromVocab(vocab, path);
    tokenizer->setChatTemplateSource(gguf.getString("tokenizer.chat_template", ""));
    return tokenizer;
}

} // namespace

ImportedModel importGguf(const std::string &path)
{
    auto gguf = std::make_shared<GgufFile>(path);
    const std::string arch = gguf->getString("general.architecture", "");
    if (arch != "llama")
        throw Error(path + ": architecture '" + shown(arch) + "' is not supported; expected 'llama'");

    ModelConfig c;
    c.hiddenSize = gguf->getInt("llama.embedding_length");
    c.intermediateSize = gguf->getInt("llama.feed_forward_length");
    c.numLayers = gguf->getInt("llama.block_count");
    c.numHeads = gguf->getInt("llama.attention.head_count");
    c.numKvHeads = gguf->getInt("llama.attention.head_count_kv", c.numHeads);
    c.maxPositions = gguf->getInt("llama.context_length");
    c.rmsNormEps = fromFloat32(gguf->getDouble("llama.attention.layer_norm_rms_epsilon"));
    c.ropeTheta = fromFloat32(gguf->getDouble("llama.rope.freq_base", 10000.0));
    const GgufTensorInfo *embd = gguf->tensor("token_embd.weight");
    if (!embd || embd->ne.size() != 2)
        throw Error(path + ": tensor 'token_embd.weight' is missing or not 2-D");
    c.vocabSize = embd->ne[1];
    c.tieWordEmbeddings = gguf->tensor("output.weight") == nullptr;
    c.bosTokenId = gguf->getInt("tokenizer.ggml.bos_token_id", c.bosTokenId);
    c.eosTokenId = gguf->getInt("tokenizer.ggml.eos_token_id", c.eosTokenId);
    if (c.numHeads <= 0 || c.hiddenSize % c.numHeads != 0)
        throw Error(path + ": llama.embedding_length " + std::to_string(c.hiddenSize)
                    + " is not a multiple of llama.attention.head_count " + std::to_string(c.numHeads));
    const int64_t ropeDims = gguf->getInt("llama.rope.dimension_count", c.headDim());
    if (ropeDims != c.headDim())
        throw Error(path + ": llama.rope.dimension_count is " + std::to_string(ropeDims)
                    + "; Tunebench needs full rotary embeddings over the head size " + std::to_string(c.headDim()));
    const int64_t keyLength = gguf->getInt("llama.attention.key_length", c.headDim());
    if (keyLength != c.headDim())
        throw Error(path + ": llama.attention.key_length is " + std::to_string(keyLength)
                    + "; expected embedding_length / head_count = " + std::to_string(c.headDim()));
    const std::string scaling = gguf->getString("llama.rope.scaling.type", "none");
    if (scaling != "none")
        throw Error(path + ": RoPE scaling '" + shown(scaling) + "' is not supported; expected none");
    c.validate(path);

    ImportedModel out;
    out.config = c;
    out.format = "gguf";
    out.path = path;

    std::map<std::string, uint64_t> bytesByType;
    auto file = gguf->file();
    for (const GgufTensorInfo &info : gguf->tensors()) {
        const std::string hf = ggufToHfName(info.name);
        if (hf.empty())
            throw Error(path + ": tensor '" + shown(info.name) + "' has no Llama counterpart Tunebench knows");
        int64_t permuteHeads = 0;
        if (info.name.size() > 14 && info.name.compare(info.name.size() - 14, 14, ".attn_q.weight") == 0)
            permuteHeads = c.numHeads;
        else if (info.name.size() > 14 && info.name.compare(info.name.size() - 14, 14, ".attn_k.weight") == 0)
            permuteHeads = c.numKvHeads;
        if (permuteHeads > 0 && (info.ne.size() != 2 || info.ne[1] % (2 * permuteHeads) != 0))
            throw Error(path + ": tensor '" + shown(info.name) + "' cannot be split into " + std::to_string(permuteHeads)
                        + " rotary heads");

        StoredTensor t;
        t.name = hf;
        t.dtype = storedDtypeName(info.type);
        t.shape = info.torchShape();
        t.file = path;
        bytesByType[t.dtype] += info.bytes;
        t.readInto = [file, info, permuteHeads](torch::Tensor &dst) {
            torch::NoGradGuard noGrad;
            if (dst.numel() != info.numel())
                throw Error(file->path() + ": tensor '" + shown(info.name) + "' has " + std::to_string(info.numel())
                            + " elements; the destination has " + std::to_string(dst.numel()));
            const auto shape = info.torchShape();
            torch::Tensor values;
            if (info.type == GgmlType::Q8_0) {
                std::string raw(size_t(info.bytes), '\0');
                readExact(file->fd(), file->path(), info.offset, raw.data(), info.bytes);
                values = torch::empty(shape, torch::kFloat);
                dequantizeQ8_0(raw, values.data_ptr<float>(), info.numel());
            } else if (permuteHeads == 0) {
                readPlainInto(file->fd(), file->path(), info.offset, storedDtypeName(info.type), dst);
                return;
            } else {
                values = torch::empty(shape, storedTorchDtype(storedDtypeName(info.type)));
                readPlainInto(file->fd(), file->path(), info.offset, storedDtypeName(info.type), values);
            }
            if (permuteHeads > 0)
                values = interleavedToHalves(values, permuteHeads);
            dst.copy_(values.view(dst.sizes()));
        };
        out.tensors.emplace(hf, std::move(t));
    }
    // Every tensor the metadata implies, with its shape, before anyone allocates a model
    // from that metadata: a corrupt block_count or embedding_length ends here, not in a
    // multi-gigabyte allocation.
    auto expect = [&](const std::string &hf, const std::vector<int64_t> &shape) {
        auto it = out.tensors.find(hf);
        std::vector<int64_t> ne(shape.rbegin(), shape.rend());
        if (it == out.tensors.end())
            throw Error(path + ": tensor '" + hfToGgufName(hf) + "' is missing; llama.block_count is "
                        + std::to_string(c.numLayers));
        if (it->second.shape != shape) {
            auto text = [](const std::vector<int64_t> &v) {
                std::string s = "[";
                for (size_t i = 0; i < v.size(); ++i)
                    s += (i ? ", " : "") + std::to_string(v[i]);
                return s + "]";
            };
            const std::vector<int64_t> found(it->second.shape.rbegin(), it->second.shape.rend());
            throw Error(path + ": tensor '" + hfToGgufName(hf) + "' has ne " + text(found) + "; the llama.* metadata implies "
                        + text(ne));
        }
    };
    const int64_t C = c.hiddenSize, I = c.intermediateSize, KV = c.kvDim();
    expect("model.embed_tokens.weight", {c.vocabSize, C});
    expect("model.norm.weight", {C});
    if (!c.tieWordEmbeddings)
        expect("lm_head.weight", {c.vocabSize, C});
    for (int64_t i = 0; i < c.numLayers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        expect(p + "input_layernorm.weight", {C});
        expect(p + "post_attention_layernorm.weight", {C});
        expect(p + "self_attn.q_proj.weight", {c.numHeads * c.headDim(), C});
        expect(p + "self_attn.k_proj.weight", {KV, C});
        expect(p + "self_attn.v_proj.weight", {KV, C});
        expect(p + "self_attn.o_proj.weight", {C, c.numHeads * c.headDim()});
        expect(p + "mlp.gate_proj.weight", {I, C});
        expect(p + "mlp.up_proj.weight", {I, C});
        expect(p + "mlp.down_proj.weight", {C, I});
    }

    uint64_t best = 0;
    for (const auto &[dtype, bytes] : bytesByType)
        if (bytes > best) {
            best = bytes;
            out.storedDtype = dtype;
        }
    out.tokenizer = importTokenizer(*gguf, out.tokenizerError);
    return out;
}

// ---------------------------------------------------------------------------------------
// Export

void exportGguf(LlamaModel &model, const Tokenizer *tokenizer, const std::string &path, const std::string &dtype)
{
    requireBackgroundThread("tb::exportGguf");
    if (dtype != "F32" && dtype != "F16")
        throw Error(path + ": GGUF export dtype '" + dtype + "' is not supported; expected F32 or F16");
    if (hasLora(model)) // GGUF has no place for unmerged adapters
        throw Error(path + ": the model has LoRA adapters; merge them first (mergeLora or mergedCopy) to export "
                    "merged weights");
    const bool f16 = dtype == "F16";
    const ModelConfig &c = model->config();

    GgufWriter w(path);
    w.setString("general.architecture", "llama");
    std::string name = path.substr(path.find_last_of('/') + 1);
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".gguf") == 0)
        name.resize(name.size() - 5);
    w.setString("general.name", name);
    w.setUint32("general.file_type", f16 ? 1 : 0); // LLAMA_FTYPE_ALL_F32 / MOSTLY_F16
    w.setUint32("llama.vocab_size", uint32_t(c.vocabSize));
    w.setUint32("llama.context_length", uint32_t(c.maxPositions));
    w.setUint32("llama.embedding_length", uint32_t(c.hiddenSize));
    w.setUint32("llama.block_count", uint32_t(c.numLayers));
    w.setUint32("llama.feed_forward_length", uint32_t(c.intermediateSize));
    w.setUint32("llama.rope.dimension_count", uint32_t(c.headDim()));
    w.setUint32("llama.attention.head_count", uint32_t(c.numHeads));
    w.setUint32("llama.attention.head_count_kv", uint32_t(c.numKvHeads));
    w.setFloat32("llama.attention.layer_norm_rms_epsilon", float(c.rmsNormEps));
    w.setFloat32("llama.rope.freq_base", float(c.ropeTheta));

    if (tokenizer) {
        std::vector<VocabEntry> vocab = tokenizer->vocab();
        if (int64_t(vocab.size()) > c.vocabSize)
            throw Error(path + ": the tokenizer has " + std::to_string(vocab.size())
                        + " pieces but the model only " + std::to_string(c.vocabSize) + " embedding rows");
        // Embedding rows past the tokenizer (a padded vocabulary) get placeholder pieces, as
        // llama.cpp's converter writes them, so llama.cpp's vocab size matches token_embd.
        for (int64_t id = int64_t(vocab.size()); id < c.vocabSize; ++id)
            vocab.push_back({"[PAD" + std::to_string(id) + "]", 0.0f, PieceType::Unused});
        std::vector<std::string> pieces;
        std::vector<float> scores;
        std::vector<int32_t> types;
        pieces.reserve(vocab.size());
        for (const VocabEntry &e : vocab) {
            pieces.push_back(e.piece);
            scores.push_back(e.score);
            types.push_back(int32_t(e.type));
        }
        w.setString("tokenizer.ggml.model", "llama");
        w.setStringArray("tokenizer.ggml.tokens", pieces);
        w.setFloat32Array("tokenizer.ggml.scores", scores);
        w.setInt32Array("tokenizer.ggml.token_type", types);
        w.setUint32("tokenizer.ggml.bos_token_id", uint32_t(tokenizer->bosId()));
        w.setUint32("tokenizer.ggml.eos_token_id", uint32_t(tokenizer->eosId()));
        w.setUint32("tokenizer.ggml.unknown_token_id", uint32_t(tokenizer->unkId()));
        if (tokenizer->padId() >= 0)
            w.setUint32("tokenizer.ggml.padding_token_id", uint32_t(tokenizer->padId()));
        w.setBool("tokenizer.ggml.add_bos_token", true);
        w.setBool("tokenizer.ggml.add_eos_token", false);
        if (!tokenizer->addDummyPrefix())
            w.setBool("tokenizer.ggml.add_space_prefix", false);
        if (!tokenizer->chatTemplateSource().empty())
            w.setString("tokenizer.chat_template", tokenizer->chatTemplateSource());
    }

    for (const auto &param : model->named_parameters()) {
        const std::string &hf = param.key();
        const std::string g = hfToGgufName(hf);
        if (g.empty())
            throw Error(path + ": parameter '" + hf + "' has no GGUF name");
        torch::Tensor t = param.value();
        std::vector<int64_t> ne(t.sizes().rbegin(), t.sizes().rend());
        // Norms (1-D) stay F32 in an F16 file, as llama.cpp's converter keeps them.
        const bool half = f16 && t.dim() >= 2;
        int64_t permuteHeads = 0;
        if (hf.find(".self_attn.q_proj.") != std::string::npos)
            permuteHeads = c.numHeads;
        else if (hf.find(".self_attn.k_proj.") != std::string::npos)
            permuteHeads = c.numKvHeads;
        w.addTensor(g, ne, half ? GgmlType::F16 : GgmlType::F32, [t, half, permuteHeads]() {
            torch::NoGradGuard noGrad;
            torch::Tensor v = t.detach().to(torch::kCPU, torch::kFloat);
            if (permuteHeads > 0)
                v = halvesToInterleaved(v, permuteHeads); // HF rotate-half -> Meta interleaved
            v = v.to(half ? torch::kHalf : torch::kFloat).contiguous();
            return std::string(static_cast<const char *>(v.data_ptr()), size_t(v.nbytes()));
        });
    }
    w.finish();
}

} // namespace tb
