// Compiled with -ffp-contract=off (engine/io/CMakeLists.txt): a fused multiply-add in
// `d * q - m` would round once instead of twice and change the last bit of some values.
#include "gguf_quant.h"

#include "error.h"

#include <c10/util/Half.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace tb {

namespace {

constexpr int64_t kBlock32 = 32; // Q4_0, Q4_1, Q5_0, Q5_1, Q8_0
constexpr int64_t kSuper = 256;  // QK_K: the K-quant super-block

float halfAt(const uint8_t *p)
{
    uint16_t bits;
    std::memcpy(&bits, p, 2);
    return c10::detail::fp16_ieee_to_fp32_value(bits);
}

float bf16At(const uint8_t *p)
{
    uint16_t bits;
    std::memcpy(&bits, p, 2);
    const uint32_t wide = uint32_t(bits) << 16;
    float f;
    std::memcpy(&f, &wide, 4);
    return f;
}

// The nibble of value j (0..31) of a 32-value block: low nibbles first, then high ones.
inline int nibble32(const uint8_t *qs, int j)
{
    return j < 16 ? (qs[j] & 0x0F) : (qs[j - 16] >> 4);
}

void blockQ4_0(const uint8_t *b, float *y)
{
    const float d = halfAt(b);
    const uint8_t *qs = b + 2;
    for (int j = 0; j < 32; ++j)
        y[j] = d * float(nibble32(qs, j) - 8);
}

void blockQ4_1(const uint8_t *b, float *y)
{
    const float d = halfAt(b);
    const float m = halfAt(b + 2);
    const uint8_t *qs = b + 4;
    for (int j = 0; j < 32; ++j)
        y[j] = d * float(nibble32(qs, j)) + m;
}

uint32_t fifthBits(const uint8_t *p)
{
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

void blockQ5_0(const uint8_t *b, float *y)
{
    const float d = halfAt(b);
    const uint32_t qh = fifthBits(b + 2);
    const uint8_t *qs = b + 6;
    for (int j = 0; j < 32; ++j) {
        const int q = nibble32(qs, j) | int((qh >> j) & 1u) << 4;
        y[j] = d * float(q - 16);
    }
}

void blockQ5_1(const uint8_t *b, float *y)
{
    const float d = halfAt(b);
    const float m = halfAt(b + 2);
    const uint32_t qh = fifthBits(b + 4);
    const uint8_t *qs = b + 8;
    for (int j = 0; j < 32; ++j) {
        const int q = nibble32(qs, j) | int((qh >> j) & 1u) << 4;
        y[j] = d * float(q) + m;
    }
}

void blockQ8_0(const uint8_t *b, float *y)
{
    const float d = halfAt(b);
    const auto *qs = reinterpret_cast<const int8_t *>(b + 2);
    for (int j = 0; j < 32; ++j)
        y[j] = float(qs[j]) * d;
}

// Q2_K: value i = h*128 + s*32 + l (half h, shift s, lane l) is bits 2s..2s+1 of qs[h*32 + l];
// group i/16 has a 4-bit scale (low nibble) and a 4-bit min (high nibble).
void blockQ2_K(const uint8_t *b, float *y)
{
    const uint8_t *scales = b;
    const uint8_t *qs = b + 16;
    const float d = halfAt(b + 80);
    const float dmin = halfAt(b + 82);
    for (int i = 0; i < kSuper; ++i) {
        const int h = i / 128, s = (i / 32) % 4, l = i % 32;
        const uint8_t sc = scales[i / 16];
        const float dl = d * float(sc & 0x0F);
        const float ml = dmin * float(sc >> 4);
        const int q = (qs[h * 32 + l] >> (2 * s)) & 3;
        y[i] = dl * float(q) - ml;
    }
}

// Q3_K's 16 six-bit scales: the low four bits are the nibbles of bytes 0-7 (scales 0-7 low
// nibbles, 8-15 high nibbles), the top two bits are the bit pairs of bytes 8-11 (scale
// 4*p + k: bits 2p..2p+1 of byte 8 + k). Each is stored with an offset of 32.
int q3kScale(const uint8_t *sc, int g)
{
    const int low = g < 8 ? (sc[g] & 0x0F) : (sc[g - 8] >> 4);
    const int high = (sc[8 + g % 4] >> (2 * (g / 4))) & 3;
    return (low | high << 4) - 32;
}

// Q3_K: value i = h*128 + s*32 + l has its low two bits as in Q2_K and its high bit at bit
// i/32 of hmask[l]; a clear high bit means "minus 4".
void blockQ3_K(const uint8_t *b, float *y)
{
    const uint8_t *hmask = b;
    const uint8_t *qs = b + 32;
    const uint8_t *scales = b + 96;
    const float d = halfAt(b + 108);
    for (int i = 0; i < kSuper; ++i) {
        const int h = i / 128, s = (i / 32) % 4, l = i % 32;
        const float dl = d * float(q3kScale(scales, i / 16));
        const int low = (qs[h * 32 + l] >> (2 * s)) & 3;
        const int high = (hmask[l] >> (i / 32)) & 1;
        y[i] = dl * float(low - (high ? 0 : 4));
    }
}

// Q4_K/Q5_K's eight six-bit scales and mins in 12 bytes: scale j < 4 is the low six bits of
// byte j, min j < 4 those of byte j + 4; for j >= 4 the low four bits come from byte j + 4
// (scale: low nibble, min: high nibble) and the top two from the top bits of byte j - 4
// (scale) or byte j (min).
void kScaleMin(const uint8_t *sc, int j, int &scale, int &min)
{
    if (j < 4) {
        scale = sc[j] & 63;
        min = sc[j + 4] & 63;
    } else {
        scale = (sc[j + 4] & 0x0F) | ((sc[j - 4] >> 6) << 4);
        min = (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4);
    }
}

// Q4_K: sub-block j (32 values) takes the low (j even) or high (j odd) nibbles of
// qs[(j/2)*32 .. +32]; x = d*scale * q - dmin*min.
void blockQ4_K(const uint8_t *b, float *y)
{
    const float d = halfAt(b);
    const float dmin = halfAt(b + 2);
    const uint8_t *scales = b + 4;
    const uint8_t *qs = b + 16;
    for (int j = 0; j < 8; ++j) {
        int sc, m;
        kScaleMin(scales, j, sc, m);
        const float d1 = d * float(sc);
        const float m1 = dmin * float(m);
        const uint8_t *q = qs + (j / 2) * 32;
        const int shift = (j % 2) * 4;
        for (int l = 0; l < 32; ++l)
            y[j * 32 + l] = d1 * float((q[l] >> shift) & 0x0F) - m1;
    }
}

// Q5_K: as Q4_K, plus a fifth bit for sub-block j at bit j of qh[l].
void blockQ5_K(const uint8_t *b, float *y)
{
    const float d = halfAt(b);
    const float dmin = halfAt(b + 2);
    const uint8_t *scales = b + 4;
    const uint8_t *qh = b + 16;
    const uint8_t *qs = b + 48;
    for (int j = 0; j < 8; ++j) {
        int sc, m;
        kScaleMin(scales, j, sc, m);
        const float d1 = d * float(sc);
        const float m1 = dmin * float(m);
        const uint8_t *q = qs + (j / 2) * 32;
        const int shift = (j % 2) * 4;
        for (int l = 0; l < 32; ++l) {
            const int v = ((q[l] >> shift) & 0x0F) | ((qh[l] >> j) & 1) << 4;
            y[j * 32 + l] = d1 * float(v) - m1;
        }
    }
}

// Q6_K: in each half h of 128 values, value r = p*32 + l (quarter p, lane l < 32) has its
// low nibble in ql[h*64 + (p%2)*32 + l] (quarters 0-1 low nibbles, 2-3 high) and its top two
// bits at bits 2p..2p+1 of qh[h*32 + l]; group i/16 has an int8 scale; x = d*scale * (q - 32).
void blockQ6_K(const uint8_t *b, float *y)
{
    const uint8_t *ql = b;
    const uint8_t *qh = b + 128;
    const auto *scales = reinterpret_cast<const int8_t *>(b + 192);
    const float d = halfAt(b + 208);
    float dg[16];
    for (int g = 0; g < 16; ++g)
        dg[g] = d * float(scales[g]);
    for (int h = 0; h < 2; ++h)
        for (int p = 0; p < 4; ++p) {
            const uint8_t *low = ql + h * 64 + (p % 2) * 32;
            const int lowShift = 4 * (p / 2);
            for (int l = 0; l < 32; ++l) {
                const int q = ((low[l] >> lowShift) & 0x0F) | ((qh[h * 32 + l] >> (2 * p)) & 3) << 4;
                y[h * 128 + p * 32 + l] = dg[h * 8 + p * 2 + l / 16] * float(q - 32);
            }
        }
}

using BlockFn = void (*)(const uint8_t *, float *);

struct TypeEntry {
    GgmlType type;
    GgmlBlockLayout layout;
    BlockFn block; // null for the float types
};

const TypeEntry kTypes[] = {
    {GgmlType::F32, {1, 4}, nullptr},
    {GgmlType::F16, {1, 2}, nullptr},
    {GgmlType::BF16, {1, 2}, nullptr},
    {GgmlType::Q4_0, {kBlock32, 18}, blockQ4_0},
    {GgmlType::Q4_1, {kBlock32, 20}, blockQ4_1},
    {GgmlType::Q5_0, {kBlock32, 22}, blockQ5_0},
    {GgmlType::Q5_1, {kBlock32, 24}, blockQ5_1},
    {GgmlType::Q8_0, {kBlock32, 34}, blockQ8_0},
    {GgmlType::Q2_K, {kSuper, 84}, blockQ2_K},
    {GgmlType::Q3_K, {kSuper, 110}, blockQ3_K},
    {GgmlType::Q4_K, {kSuper, 144}, blockQ4_K},
    {GgmlType::Q5_K, {kSuper, 176}, blockQ5_K},
    {GgmlType::Q6_K, {kSuper, 210}, blockQ6_K},
};

const TypeEntry *entryFor(uint32_t type)
{
    for (const TypeEntry &e : kTypes)
        if (uint32_t(e.type) == type)
            return &e;
    return nullptr;
}

} // namespace

GgmlBlockLayout ggmlBlockLayout(uint32_t type)
{
    const TypeEntry *e = entryFor(type);
    return e ? e->layout : GgmlBlockLayout{};
}

bool ggmlIsQuantized(GgmlType type)
{
    const TypeEntry *e = entryFor(uint32_t(type));
    return e && e->block != nullptr;
}

std::string ggmlReadableTypeNames()
{
    std::string out;
    for (const TypeEntry &e : kTypes)
        out += (out.empty() ? "" : ", ") + ggmlTypeName(uint32_t(e.type));
    return out;
}

uint64_t ggmlRowBytes(uint32_t type, int64_t n)
{
    const GgmlBlockLayout l = ggmlBlockLayout(type);
    if (!l.known() || n < 0 || n % l.blockSize != 0)
        return 0;
    return uint64_t(n / l.blockSize) * l.blockBytes;
}

void dequantizeRow(GgmlType type, const void *bytes, int64_t n, float *out)
{
    const TypeEntry *e = entryFor(uint32_t(type));
    if (!e)
        throw Error("cannot dequantise tensor type " + ggmlTypeName(uint32_t(type)) + "; Tunebench reads "
                    + ggmlReadableTypeNames());
    if (n < 0 || n % e->layout.blockSize != 0)
        throw Error("cannot dequantise " + std::to_string(n) + " values of " + ggmlTypeName(uint32_t(type))
                    + ": not a whole number of " + std::to_string(e->layout.blockSize) + "-value blocks");
    const auto *p = static_cast<const uint8_t *>(bytes);
    switch (type) {
    case GgmlType::F32: std::memcpy(out, p, size_t(n) * 4); return;
    case GgmlType::F16:
        for (int64_t i = 0; i < n; ++i)
            out[i] = halfAt(p + 2 * i);
        return;
    case GgmlType::BF16:
        for (int64_t i = 0; i < n; ++i)
            out[i] = bf16At(p + 2 * i);
        return;
    default: break;
    }
    const int64_t blocks = n / e->layout.blockSize;
    for (int64_t k = 0; k < blocks; ++k)
        e->block(p + k * e->layout.blockBytes, out + k * e->layout.blockSize);
}

} // namespace tb

// ---------------------------------------------------------------------------------------
// Quantisers: llama.cpp's reference algorithms (quantize_row_*_ref), step for step, so a
// file written here holds the bytes llama-quantize would write from the same floats (up to
// the contractions a compiler may make in llama.cpp's own build).

namespace tb {

namespace {

constexpr float kGroupMaxEps = 1e-15f; // GROUP_MAX_EPS: a group this small is all zeros

void putHalf(uint8_t *p, float f)
{
    const uint16_t bits = c10::detail::fp16_ieee_from_fp32_value(f);
    std::memcpy(p, &bits, 2);
}

// Round half to even, as llama.cpp's nearest_int (its magic-number addition rounds so).
inline int roundEven(float f)
{
    return int(std::nearbyint(f));
}

template <typename T> T clampTo(T v, T lo, T hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

// The value of largest magnitude, signed; the first one wins a tie.
float signedAbsMax(const float *x, int n)
{
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < n; ++j)
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    return max;
}

void rangeOf(const float *x, int n, float &min, float &max)
{
    min = std::numeric_limits<float>::max();
    max = -std::numeric_limits<float>::max();
    for (int j = 0; j < n; ++j) {
        if (x[j] < min)
            min = x[j];
        if (x[j] > max)
            max = x[j];
    }
}

void quantQ8_0(const float *x, uint8_t *b)
{
    float amax = 0.0f;
    for (int j = 0; j < 32; ++j)
        amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    putHalf(b, d);
    for (int j = 0; j < 32; ++j)
        b[2 + j] = uint8_t(int8_t(std::round(x[j] * id))); // half away from zero
}

// Q4_0 and Q5_0: d = -max / 2^(bits-1), q = trunc(x/d + offset + 0.5). llama.cpp's build
// computes x*id + (offset + 0.5) as one fused multiply-add (gguf-py copies that in float64),
// so it is written as std::fma here: a separate product can cross an integer boundary.
void quantSymmetric(const float *x, uint8_t *b, int bits)
{
    const float offset = float(1 << (bits - 1));
    const float d = signedAbsMax(x, 32) / -offset;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    putHalf(b, d);
    uint8_t q[32];
    const int top = (1 << bits) - 1;
    for (int j = 0; j < 32; ++j)
        q[j] = uint8_t(std::min(top, int(int8_t(std::fma(x[j], id, offset + 0.5f)))));
    uint8_t *qs = b + 2;
    if (bits == 5) {
        uint32_t qh = 0;
        for (int j = 0; j < 32; ++j)
            qh |= uint32_t(q[j] >> 4) << j;
        std::memcpy(b + 2, &qh, 4); // little-endian hosts only, as the whole reader
        qs = b + 6;
    }
    for (int j = 0; j < 16; ++j)
        qs[j] = uint8_t((q[j] & 0x0F) | (q[j + 16] & 0x0F) << 4);
}

// Q4_1 and Q5_1: d = (max - min) / (2^bits - 1), m = min, q = trunc((x - min)/d + 0.5).
void quantAffine(const float *x, uint8_t *b, int bits)
{
    float min, max;
    rangeOf(x, 32, min, max);
    const float d = (max - min) / float((1 << bits) - 1);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    putHalf(b, d);
    putHalf(b + 2, min);
    uint8_t q[32];
    for (int j = 0; j < 32; ++j) {
        const float v = (x[j] - min) * id + 0.5f;
        q[j] = bits == 4 ? uint8_t(std::min(15, int(int8_t(v)))) : uint8_t(v);
    }
    uint8_t *qs = b + 4;
    if (bits == 5) {
        uint32_t qh = 0;
        for (int j = 0; j < 32; ++j)
            qh |= uint32_t((q[j] >> 4) & 1) << j;
        std::memcpy(b + 4, &qh, 4);
        qs = b + 8;
    }
    for (int j = 0; j < 16; ++j)
        qs[j] = uint8_t((q[j] & 0x0F) | (q[j + 16] & 0x0F) << 4);
}

// llama.cpp's make_qkx2_quants (squared error): the scale and min of one sub-block of
// Q4_K/Q5_K, x ~ scale * L - theMin with 0 <= L <= nmax, minimising the weighted squared
// error over nstep + 1 trial scales around nmax / (max - min). Returns the scale.
float fitScaleAndMin(int n, int nmax, const float *x, const float *w, uint8_t *L, float &theMin, float rmin,
                     float rdelta, int nstep)
{
    float min = x[0], max = x[0];
    float sumW = w[0];
    float sumX = sumW * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < min)
            min = x[i];
        if (x[i] > max)
            max = x[i];
        sumW += w[i];
        sumX += w[i] * x[i];
    }
    if (min > 0)
        min = 0;
    if (max == min) {
        std::fill(L, L + n, uint8_t(0));
        theMin = -min;
        return 0.0f;
    }
    float iscale = float(nmax) / (max - min);
    float scale = 1 / iscale;
    float bestError = 0;
    for (int i = 0; i < n; ++i) {
        L[i] = uint8_t(clampTo(roundEven(iscale * (x[i] - min)), 0, nmax));
        const float diff = scale * float(L[i]) + min - x[i];
        bestError += w[i] * (diff * diff);
    }
    uint8_t trial[32];
    for (int step = 0; step <= nstep; ++step) {
        iscale = (rmin + rdelta * float(step) + float(nmax)) / (max - min);
        float sumL = 0, sumL2 = 0, sumXL = 0;
        for (int i = 0; i < n; ++i) {
            const int l = clampTo(roundEven(iscale * (x[i] - min)), 0, nmax);
            trial[i] = uint8_t(l);
            sumL += w[i] * float(l);
            sumL2 += w[i] * float(l) * float(l);
            sumXL += w[i] * float(l) * x[i];
        }
        const float D = sumW * sumL2 - sumL * sumL;
        if (D > 0) {
            float thisScale = (sumW * sumXL - sumX * sumL) / D;
            float thisMin = (sumL2 * sumX - sumL * sumXL) / D;
            if (thisMin > 0) {
                thisMin = 0;
                thisScale = sumXL / sumL2;
            }
            float error = 0;
            for (int i = 0; i < n; ++i) {
                const float diff = thisScale * float(trial[i]) + thisMin - x[i];
                error += w[i] * (diff * diff);
            }
            if (error < bestError) {
                std::copy(trial, trial + n, L);
                bestError = error;
                scale = thisScale;
                min = thisMin;
            }
        }
    }
    theMin = -min;
    return scale;
}

// Q4_K (bits 4) and Q5_K (bits 5): eight sub-blocks of 32, each with a scale and a min
// found by fitScaleAndMin, both then quantised to 6 bits against the block's largest.
void quantKAffine(const float *x, uint8_t *b, int bits)
{
    const int nmax = (1 << bits) - 1;
    uint8_t L[256];
    float scales[8], mins[8];
    float maxScale = 0, maxMin = 0;
    for (int j = 0; j < 8; ++j) {
        const float *xs = x + 32 * j;
        float sumX2 = 0;
        for (int l = 0; l < 32; ++l)
            sumX2 += xs[l] * xs[l];
        const float avX = std::sqrt(sumX2 / 32);
        float weights[32];
        for (int l = 0; l < 32; ++l)
            weights[l] = avX + std::fabs(xs[l]);
        scales[j] = bits == 4 ? fitScaleAndMin(32, nmax, xs, weights, L + 32 * j, mins[j], -1.0f, 0.1f, 20)
                              : fitScaleAndMin(32, nmax, xs, weights, L + 32 * j, mins[j], -0.5f, 0.1f, 15);
        if (scales[j] > maxScale)
            maxScale = scales[j];
        if (mins[j] > maxMin)
            maxMin = mins[j];
    }
    const float invScale = maxScale > 0 ? 63.0f / maxScale : 0.0f;
    const float invMin = maxMin > 0 ? 63.0f / maxMin : 0.0f;
    uint8_t *sc = b + 4;
    std::memset(sc, 0, 12);
    for (int j = 0; j < 8; ++j) {
        const uint8_t ls = std::min<uint8_t>(63, uint8_t(roundEven(invScale * scales[j])));
        const uint8_t lm = std::min<uint8_t>(63, uint8_t(roundEven(invMin * mins[j])));
        if (j < 4) {
            sc[j] = ls;
            sc[j + 4] = lm;
        } else {
            sc[j + 4] = uint8_t((ls & 0x0F) | (lm & 0x0F) << 4);
            sc[j - 4] |= uint8_t((ls >> 4) << 6);
            sc[j] |= uint8_t((lm >> 4) << 6);
        }
    }
    putHalf(b, maxScale / 63.0f);
    putHalf(b + 2, maxMin / 63.0f);
    // Quantise again against the scales as stored.
    const float d = halfAt(b), dmin = halfAt(b + 2);
    for (int j = 0; j < 8; ++j) {
        int s, m;
        kScaleMin(sc, j, s, m);
        const float dj = d * float(s);
        if (dj == 0.0f)
            continue;
        const float mj = dmin * float(m);
        for (int l = 0; l < 32; ++l)
            L[32 * j + l] = uint8_t(clampTo(roundEven((x[32 * j + l] + mj) / dj), 0, nmax));
    }
    uint8_t *qh = b + 16;
    uint8_t *qs = bits == 4 ? b + 16 : b + 48;
    if (bits == 5)
        std::memset(qh, 0, 32);
    for (int pair = 0; pair < 4; ++pair) // sub-blocks 2*pair (low nibbles) and 2*pair + 1 (high)
        for (int l = 0; l < 32; ++l) {
            const int lo = L[64 * pair + l], hi = L[64 * pair + 32 + l];
            if (bits == 5)
                qh[l] |= uint8_t((lo >> 4) << (2 * pair) | (hi >> 4) << (2 * pair + 1));
            qs[32 * pair + l] = uint8_t((lo & 0x0F) | (hi & 0x0F) << 4);
        }
}

// llama.cpp's make_qx_quants with rmse_type 1: a symmetric scale for one group of Q6_K,
// x ~ scale * (L - nmax) with -nmax <= L - nmax < nmax, weighted by x^2, searched over 19
// trial scales around -nmax / max. L holds L - nmax + nmax (0 .. 2*nmax - 1).
float fitSymmetricScale(int n, int nmax, const float *x, int8_t *L)
{
    float max = 0, amax = 0;
    for (int i = 0; i < n; ++i)
        if (std::fabs(x[i]) > amax) {
            amax = std::fabs(x[i]);
            max = x[i];
        }
    if (amax < kGroupMaxEps) {
        std::fill(L, L + n, int8_t(0));
        return 0.0f;
    }
    auto levels = [&](float iscale, float &sumLX, float &sumL2, bool store) {
        sumLX = sumL2 = 0;
        for (int i = 0; i < n; ++i) {
            const int l = clampTo(roundEven(iscale * x[i]), -nmax, nmax - 1);
            if (store)
                L[i] = int8_t(l + nmax);
            const float w = x[i] * x[i];
            sumLX += w * x[i] * float(l);
            sumL2 += w * float(l) * float(l);
        }
    };
    float sumLX, sumL2;
    levels(float(-nmax) / max, sumLX, sumL2, true);
    float scale = sumL2 != 0.0f ? sumLX / sumL2 : 0.0f;
    float best = scale * sumLX;
    for (int step = -9; step <= 9; ++step) {
        if (step == 0)
            continue;
        const float iscale = -(float(nmax) + 0.1f * float(step)) / max;
        levels(iscale, sumLX, sumL2, false);
        if (sumL2 > 0 && sumLX * sumLX > best * sumL2) {
            levels(iscale, sumLX, sumL2, true);
            scale = sumLX / sumL2;
            best = scale * sumLX;
        }
    }
    return scale;
}

void quantQ6_K(const float *x, uint8_t *b)
{
    int8_t L[256];
    float scales[16];
    float maxScale = 0, maxAbsScale = 0;
    for (int g = 0; g < 16; ++g) {
        scales[g] = fitSymmetricScale(16, 32, x + 16 * g, L + 16 * g);
        if (std::fabs(scales[g]) > maxAbsScale) {
            maxAbsScale = std::fabs(scales[g]);
            maxScale = scales[g];
        }
    }
    std::memset(b, 0, 210);
    if (maxAbsScale < kGroupMaxEps)
        return; // all zeros, d = 0
    const float iscale = -128.0f / maxScale;
    putHalf(b + 208, 1 / iscale);
    auto *sc = reinterpret_cast<int8_t *>(b + 192);
    for (int g = 0; g < 16; ++g)
        sc[g] = int8_t(std::min(127, roundEven(iscale * scales[g])));
    const float d = halfAt(b + 208);
    for (int g = 0; g < 16; ++g) {
        const float dg = d * float(sc[g]);
        if (dg == 0.0f)
            continue;
        for (int i = 0; i < 16; ++i)
            L[16 * g + i] = int8_t(clampTo(roundEven(x[16 * g + i] / dg), -32, 31) + 32);
    }
    uint8_t *ql = b, *qh = b + 128;
    for (int h = 0; h < 2; ++h) // halves of 128: ql 64 bytes, qh 32 bytes each
        for (int l = 0; l < 32; ++l) {
            const int q0 = L[128 * h + l], q1 = L[128 * h + l + 32], q2 = L[128 * h + l + 64], q3 = L[128 * h + l + 96];
            ql[64 * h + l] = uint8_t((q0 & 0x0F) | (q2 & 0x0F) << 4);
            ql[64 * h + l + 32] = uint8_t((q1 & 0x0F) | (q3 & 0x0F) << 4);
            qh[32 * h + l] = uint8_t((q0 >> 4) | (q1 >> 4) << 2 | (q2 >> 4) << 4 | (q3 >> 4) << 6);
        }
}

} // namespace

bool ggmlCanQuantize(GgmlType type)
{
    switch (type) {
    case GgmlType::Q4_0:
    case GgmlType::Q4_1:
    case GgmlType::Q5_0:
    case GgmlType::Q5_1:
    case GgmlType::Q8_0:
    case GgmlType::Q4_K:
    case GgmlType::Q5_K:
    case GgmlType::Q6_K: return true;
    default: return false;
    }
}

void quantizeRow(GgmlType type, const float *x, int64_t n, void *out)
{
    if (!ggmlCanQuantize(type))
        throw Error("cannot quantise to " + ggmlTypeName(uint32_t(type))
                    + "; Tunebench writes Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K and Q6_K");
    const GgmlBlockLayout l = ggmlBlockLayout(uint32_t(type));
    if (n < 0 || n % l.blockSize != 0)
        throw Error("cannot quantise " + std::to_string(n) + " values to " + ggmlTypeName(uint32_t(type))
                    + ": not a whole number of " + std::to_string(l.blockSize) + "-value blocks");
    auto *b = static_cast<uint8_t *>(out);
    for (int64_t k = 0; k < n / l.blockSize; ++k, x += l.blockSize, b += l.blockBytes) {
        switch (type) {
        case GgmlType::Q8_0: quantQ8_0(x, b); break;
        case GgmlType::Q4_0: quantSymmetric(x, b, 4); break;
        case GgmlType::Q5_0: quantSymmetric(x, b, 5); break;
        case GgmlType::Q4_1: quantAffine(x, b, 4); break;
        case GgmlType::Q5_1: quantAffine(x, b, 5); break;
        case GgmlType::Q4_K: quantKAffine(x, b, 4); break;
        case GgmlType::Q5_K: quantKAffine(x, b, 5); break;
        case GgmlType::Q6_K: quantQ6_K(x, b); break;
        default: break;
        }
    }
}

} // namespace tb
