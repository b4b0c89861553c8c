#include "stored_tensor.h"

#include "error.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <torch/torch.h>

namespace tb {

void readExact(int fd, const std::string &path, uint64_t offset, void *dst, uint64_t bytes)
{
    auto *out = static_cast<char *>(dst);
    while (bytes > 0) {
        const size_t chunk = size_t(std::min<uint64_t>(bytes, uint64_t(1) << 30));
        const ssize_t n = ::pread(fd, out, chunk, off_t(offset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw Error(path + ": read failed at byte " + std::to_string(offset) + ": " + std::strerror(errno));
        }
        if (n == 0)
            throw Error(path + ": file ends at byte " + std::to_string(offset) + " but "
                        + std::to_string(bytes) + " more bytes were expected (truncated file?)");
        out += n;
        offset += uint64_t(n);
        bytes -= uint64_t(n);
    }
}

int64_t storedElementSize(const std::string &dtype)
{
    if (dtype == "F32")
        return 4;
    if (dtype == "F16" || dtype == "BF16")
        return 2;
    return 0;
}

torch::Dtype storedTorchDtype(const std::string &dtype)
{
    if (dtype == "F32")
        return torch::kFloat;
    if (dtype == "F16")
        return torch::kHalf;
    if (dtype == "BF16")
        return torch::kBFloat16;
    throw Error("unsupported tensor dtype " + dtype);
}

void readPlainInto(int fd, const std::string &path, uint64_t offset, const std::string &dtype, torch::Tensor &dst)
{
    const auto type = storedTorchDtype(dtype);
    const uint64_t bytes = uint64_t(dst.numel()) * uint64_t(storedElementSize(dtype));
    if (dst.scalar_type() == type && dst.is_contiguous()) {
        readExact(fd, path, offset, dst.data_ptr(), bytes);
        return;
    }
    auto tmp = torch::empty(dst.sizes(), torch::TensorOptions().dtype(type));
    readExact(fd, path, offset, tmp.data_ptr(), bytes);
    dst.copy_(tmp);
}

} // namespace tb
