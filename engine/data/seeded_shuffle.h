#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace tb {

// Fisher-Yates driven by splitmix64. Splits and epoch orders must come out the same on every
// standard library, which std::shuffle's distributions do not promise.
inline void seededShuffle(std::vector<size_t> &order, uint64_t seed)
{
    uint64_t state = seed;
    auto next = [&state] {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    for (size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[size_t(next() % i)]);
}

} // namespace tb
