#include "device.h"

#include "error.h"

#include <ATen/Context.h>
#include <torch/cuda.h>

namespace tb {

namespace {

bool mpsAvailable()
{
    return at::hasMPS();
}

} // namespace

std::vector<std::string> availableDevices()
{
    std::vector<std::string> out{"cpu"};
    if (torch::cuda::is_available())
        for (size_t i = 0; i < torch::cuda::device_count(); ++i)
            out.push_back("cuda:" + std::to_string(i));
    if (mpsAvailable())
        out.push_back("mps");
    return out;
}

c10::Device resolveDevice(const std::string &name)
{
    if (name.empty() || name == "auto") {
        if (torch::cuda::is_available())
            return c10::Device(c10::kCUDA, 0);
        if (mpsAvailable())
            return c10::Device(c10::kMPS);
        return c10::Device(c10::kCPU);
    }
    if (name == "cpu")
        return c10::Device(c10::kCPU);
    if (name == "mps") {
        if (!mpsAvailable())
            throw Error("device 'mps' is not available: this LibTorch build has no MPS (Metal) support or this is "
                        "not an Apple-silicon Mac; use --device cpu");
        return c10::Device(c10::kMPS);
    }
    if (name == "cuda" || name.rfind("cuda:", 0) == 0) {
        int index = 0;
        if (name.size() > 5) {
            const std::string digits = name.substr(5);
            if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
                throw Error("device '" + name + "': expected cuda or cuda:N with N a GPU number");
            index = std::stoi(digits);
        }
        if (!torch::cuda::is_available())
            throw Error("device '" + name + "' is not available: this LibTorch build has no CUDA support or no GPU "
                        "was found (install a CUDA build of LibTorch and the NVIDIA driver); use --device cpu");
        const int count = int(torch::cuda::device_count());
        if (index >= count)
            throw Error("device '" + name + "' is not available: this machine has " + std::to_string(count) +
                        " CUDA GPU(s), numbered from 0");
        return c10::Device(c10::kCUDA, c10::DeviceIndex(index));
    }
    throw Error("unknown device '" + name + "': use auto, cpu, cuda, cuda:N or mps");
}

} // namespace tb
