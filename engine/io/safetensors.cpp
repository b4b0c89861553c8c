#include "safetensors.h"

#include "error.h"
#include "file_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <torch/torch.h>

namespace tb {

namespace {

constexpr uint64_t kMaxHeaderBytes = 100u << 20; // the format's own limit is 100 MB

int64_t elementSizeOrZero(const std::string &dtype)
{
    static const std::map<std::string, int64_t> sizes = {
        {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4}, {"I16", 2},
        {"I8", 1},  {"U8", 1},  {"BOOL", 1}, {"U16", 2}, {"U32", 4}, {"U64", 8}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
    auto it = sizes.find(dtype);
    return it == sizes.end() ? 0 : it->second;
}

} // namespace

StoredTensors readSafetensors(const std::string &path, std::map<std::string, std::string> *metadata)
{
    auto file = std::make_shared<ReadOnlyFile>(path);
    if (file->size() < 8)
        throw Error(path + ": " + std::to_string(file->size()) + " bytes is too short for a safetensors file");
    uint64_t headerLen = 0;
    readExact(file->fd(), path, 0, &headerLen, 8); // little-endian u64, as on every supported host
    if (headerLen > file->size() - 8)
        throw Error(path + ": header length " + std::to_string(headerLen) + " runs past the end of the "
                    + std::to_string(file->size()) + "-byte file (truncated or not safetensors)");
    if (headerLen > kMaxHeaderBytes)
        throw Error(path + ": header length " + std::to_string(headerLen) + " exceeds the 100 MB limit");
    std::string header(headerLen, '\0');
    readExact(file->fd(), path, 8, header.data(), headerLen);

    nlohmann::json j;
    try {
        j = nlohmann::json::parse(header);
    } catch (const std::exception &e) {
        throw Error(path + ": header is not valid JSON (" + std::string(e.what()) + ")");
    }
    if (!j.is_object())
        throw Error(path + ": header must be a JSON object");

    const uint64_t dataStart = 8 + headerLen;
    const uint64_t dataSize = file->size() - dataStart;
    StoredTensors tensors;
    std::vector<std::pair<std::pair<uint64_t, uint64_t>, std::string>> ranges;
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key() == "__metadata__") {
            if (metadata && it.value().is_object())
                for (auto m = it.value().begin(); m != it.value().end(); ++m)
                    if (m.value().is_string())
                        (*metadata)[m.key()] = m.value().get<std::string>();
            continue;
        }
        const std::string &name = it.key();
        const auto &info = it.value();
        auto bad = [&](const std::string &what) { return Error(path + ": tensor '" + name + "': " + what); };
        if (!info.is_object() || !info.contains("dtype") || !info["dtype"].is_string() || !info.contains("shape")
            || !info["shape"].is_array() || !info.contains("data_offsets") || !info["data_offsets"].is_array()
            || info["data_offsets"].size() != 2)
            throw bad("expected {dtype, shape, data_offsets:[begin,end]}");
        StoredTensor t;
        t.name = name;
        t.file = path;
        t.dtype = info["dtype"].get<std::string>();
        uint64_t numel = 1;
        for (const auto &d : info["shape"]) {
            if (!d.is_number_unsigned())
                throw bad("shape must hold non-negative integers");
            t.shape.push_back(d.get<int64_t>());
            numel *= d.get<uint64_t>();
        }
        const auto &offs = info["data_offsets"];
        if (!offs[0].is_number_unsigned() || !offs[1].is_number_unsigned())
            throw bad("data_offsets must be non-negative integers");
        const uint64_t begin = offs[0].get<uint64_t>(), end = offs[1].get<uint64_t>();
        if (begin > end || end > dataSize)
            throw bad("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end)
                      + "] lie outside the " + std::to_string(dataSize) + "-byte data section");
        const int64_t elemSize = elementSizeOrZero(t.dtype);
        if (elemSize == 0)
            throw bad("unknown dtype '" + t.dtype + "'");
        if (numel * uint64_t(elemSize) != end - begin)
            throw bad("shape needs " + std::to_string(numel * uint64_t(elemSize)) + " bytes but data_offsets span "
                      + std::to_string(end - begin));
        ranges.push_back({{begin, end}, name});
        const uint64_t offset = dataStart + begin;
        const std::string dtype = t.dtype;
        t.readInto = [file, offset, dtype, name](torch::Tensor &dst) {
            if (storedElementSize(dtype) == 0)
                throw Error(file->path() + ": tensor '" + name + "' has dtype " + dtype
                            + "; supported dtypes are F32, F16 and BF16");
            readPlainInto(file->fd(), file->path(), offset, dtype, dst);
        };
        tensors.emplace(name, std::move(t));
    }
    std::sort(ranges.begin(), ranges.end());
    for (size_t i = 1; i < ranges.size(); ++i)
        if (ranges[i].first.first < ranges[i - 1].first.second)
            throw Error(path + ": tensors '" + ranges[i - 1].second + "' and '" + ranges[i].second
                        + "' overlap in the data section");
    return tensors;
}

void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, torch::Tensor>> &tensors,
                      const std::string &dtype, const std::map<std::string, std::string> &metadata)
{
    const auto type = storedTorchDtype(dtype);
    const int64_t elemSize = storedElementSize(dtype);
    nlohmann::ordered_json header;
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto &[name, tensor] : tensors) {
        const uint64_t bytes = uint64_t(tensor.numel()) * uint64_t(elemSize);
        header[name] = {{"dtype", dtype}, {"shape", tensor.sizes().vec()}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' '); // keep the data 8-byte aligned
    const uint64_t headerLen = text.size();

    AtomicFileWriter out(path);
    out.write(&headerLen, 8);
    out.write(text);
    for (const auto &entry : tensors) {
        // One tensor converted at a time: never a second copy of the whole model.
        torch::Tensor t = entry.second.detach().to(torch::kCPU).to(type).contiguous();
        out.write(t.data_ptr(), size_t(t.numel()) * size_t(elemSize));
    }
    out.commit();
}

} // namespace tb
