#include "gguf_file.h"

#include "error.h"
#include "gguf_quant.h"
#include "file_util.h"
#include "text_util.h"
#include "stored_tensor.h"

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
    return ggmlRowBytes(uint32_t(type), numel);
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
        const std::string where = "metadata key '" + printableText(key) + "'";
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
        const std::string where = "tensor '" + printableText(info.name) + "'";
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
        const GgmlBlockLayout layout = ggmlBlockLayout(rawType);
        if (!layout.known())
            throw Error(path + ": " + where + " has tensor type " + ggmlTypeName(rawType)
                        + ", which Tunebench cannot read; expected one of " + ggmlReadableTypeNames());
        info.type = GgmlType(rawType);
        // Whole blocks per row: ggml never splits a block across rows.
        if (info.ne[0] % layout.blockSize != 0)
            throw Error(path + ": " + where + " is " + ggmlTypeName(rawType) + " but its row of "
                        + std::to_string(info.ne[0]) + " values is not a whole number of "
                        + std::to_string(layout.blockSize) + "-value blocks");
        info.bytes = numel / uint64_t(layout.blockSize) * layout.blockBytes;
        info.offset = in.get<uint64_t>(where + " data offset");
        if (m_tensorIndex.count(info.name))
            throw Error(path + ": duplicate " + where);
        m_tensorIndex[info.name] = m_tensors.size();
        m_tensors.push_back(std::move(info));
    }

    m_dataOffset = alignUp(in.pos(), m_alignment);
    const uint64_t size = m_file->size();
    for (GgufTensorInfo &info : m_tensors) {
        const std::string where = "tensor '" + printableText(info.name) + "'";
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
    // Whole blocks per row, as the reader requires.
    const uint64_t bytes = ne.empty() || ne[0] <= 0 ? 0 : ggmlRowBytes(uint32_t(type), ne[0]) * uint64_t(numel / ne[0]);
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

} // namespace tb
