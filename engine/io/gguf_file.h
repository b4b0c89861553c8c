#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tb {

class ReadOnlyFile;

// Metadata value types, numbered as in the GGUF specification (gguf_type).
enum class GgufType : uint32_t {
    Uint8 = 0,
    Int8 = 1,
    Uint16 = 2,
    Int16 = 3,
    Uint32 = 4,
    Int32 = 5,
    Float32 = 6,
    Bool = 7,
    String = 8,
    Array = 9,
    Uint64 = 10,
    Int64 = 11,
    Float64 = 12,
};

// Tensor types, numbered as ggml_type. Only the ones Tunebench reads or writes; their block
// layouts and dequantisers are in gguf_quant.h.
enum class GgmlType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    BF16 = 30,
};

// "F32", "Q4_K", ... for any ggml_type number, "type 99" for an unknown one.
std::string ggmlTypeName(uint32_t type);

// One metadata value. Scalars use the member matching `type`; arrays fill one of the
// vectors according to `arrayType` (nested arrays are parsed and skipped: Llama needs none).
struct GgufValue {
    GgufType type = GgufType::Uint32;
    GgufType arrayType = GgufType::Uint8;
    uint64_t u = 0; // unsigned integers and bool
    int64_t i = 0;  // signed integers
    double f = 0.0; // float32 / float64
    std::string s;
    std::vector<int64_t> ints; // every integer or bool array (uint64 values above 2^63 wrap)
    std::vector<double> floats;
    std::vector<std::string> strings;

    bool isInteger() const;
    // The value as an integer / a number; throws tb::Error naming `where` on a type mismatch.
    int64_t toInt(const std::string &where) const;
    double toDouble(const std::string &where) const;
    uint64_t arraySize() const;
};

struct GgufTensorInfo {
    std::string name;       // GGUF name, e.g. blk.0.attn_q.weight
    std::vector<int64_t> ne; // GGUF order: ne[0] is the fastest-varying dimension
    GgmlType type = GgmlType::F32;
    uint64_t offset = 0;    // absolute byte offset in the file
    uint64_t bytes = 0;
    // The same shape in PyTorch / Hugging Face order (dims reversed).
    std::vector<int64_t> torchShape() const { return {ne.rbegin(), ne.rend()}; }
    int64_t numel() const;
};

// A parsed GGUF v2/v3 file: header, metadata and tensor directory. Every length and count
// is checked against the file size before anything is allocated, so a damaged or hostile
// file ends in a one-line tb::Error naming the file, never in a crash or a huge allocation.
// Tensor data is read on demand, one tensor at a time.
class GgufFile {
public:
    explicit GgufFile(const std::string &path);
    ~GgufFile();

    const std::string &path() const { return m_path; }
    uint32_t version() const { return m_version; }
    uint64_t alignment() const { return m_alignment; }
    uint64_t dataOffset() const { return m_dataOffset; }
    std::shared_ptr<ReadOnlyFile> file() const { return m_file; }

    const std::map<std::string, GgufValue> &metadata() const { return m_metadata; }
    const GgufValue *find(const std::string &key) const; // null when absent
    // Typed lookups: throw tb::Error naming the file and key when absent or mistyped.
    std::string getString(const std::string &key) const;
    int64_t getInt(const std::string &key) const;
    double getDouble(const std::string &key) const;
    std::string getString(const std::string &key, const std::string &fallback) const;
    int64_t getInt(const std::string &key, int64_t fallback) const;
    double getDouble(const std::string &key, double fallback) const;

    const std::vector<GgufTensorInfo> &tensors() const { return m_tensors; }
    const GgufTensorInfo *tensor(const std::string &name) const; // null when absent
    // The tensor's bytes exactly as stored (for tests and tools; loading uses readInto).
    std::string readRaw(const GgufTensorInfo &info) const;

private:
    std::string m_path;
    std::shared_ptr<ReadOnlyFile> m_file;
    uint32_t m_version = 0;
    uint64_t m_alignment = 32;
    uint64_t m_dataOffset = 0;
    std::map<std::string, GgufValue> m_metadata;
    std::vector<GgufTensorInfo> m_tensors;
    std::map<std::string, size_t> m_tensorIndex;
};

// Writes a GGUF v3 file: metadata first, then tensors that are produced one at a time while
// the file is written, so a model is never held twice in memory. Written to `path`.tmp and
// renamed on finish(); a failure leaves any previous file untouched.
class GgufWriter {
public:
    explicit GgufWriter(std::string path, uint64_t alignment = 32);

    void setUint32(const std::string &key, uint32_t value);
    void setInt32(const std::string &key, int32_t value);
    void setUint64(const std::string &key, uint64_t value);
    void setFloat32(const std::string &key, float value);
    void setBool(const std::string &key, bool value);
    void setString(const std::string &key, const std::string &value);
    void setStringArray(const std::string &key, const std::vector<std::string> &values);
    void setFloat32Array(const std::string &key, const std::vector<float> &values);
    void setInt32Array(const std::string &key, const std::vector<int32_t> &values);
    // Raw key/type/value bytes, for tests that need a value this API refuses to write.
    void setRaw(const std::string &key, GgufType type, const std::string &valueBytes);

    // `ne` in GGUF order (fastest first). `produce` returns the tensor's bytes when it is
    // written; their length must match the type and shape.
    void addTensor(const std::string &name, const std::vector<int64_t> &ne, GgmlType type,
                   std::function<std::string()> produce);

    void finish();

private:
    struct PendingTensor {
        std::string name;
        std::vector<int64_t> ne;
        GgmlType type;
        uint64_t bytes;
        std::function<std::string()> produce;
    };
    std::string m_path;
    uint64_t m_alignment;
    uint64_t m_kvCount = 0;
    std::string m_kv; // serialised key/value pairs
    std::vector<PendingTensor> m_tensors;
};

// Q8_0: each block is one f16 scale and 32 int8 values.
constexpr int64_t kQ8BlockSize = 32;
constexpr uint64_t kQ8BlockBytes = 2 + 32;

// Bytes of a tensor of `type` and `numel` elements; 0 if the type is not one Tunebench reads
// or numel does not fill whole blocks (gguf_quant.h).
uint64_t ggmlTensorBytes(GgmlType type, int64_t numel);

} // namespace tb
