#pragma once

#include <c10/core/Device.h>

#include <string>
#include <vector>

namespace tb {

// The devices this LibTorch build can compute on, as the names resolveDevice() accepts:
// always "cpu", then "cuda:0".."cuda:N-1" when it is a CUDA build with GPUs present, and "mps"
// on Apple silicon with an MPS build.
std::vector<std::string> availableDevices();

// "auto" (the first GPU if any, else the CPU), "cpu", "cuda", "cuda:N" or "mps" to a device.
// Throws tb::Error with one line naming what is missing when this LibTorch build or machine
// lacks the device (e.g. Debian's CPU-only LibTorch asked for "cuda").
c10::Device resolveDevice(const std::string &name);

} // namespace tb
