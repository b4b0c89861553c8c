// Compiled with -ffp-contract=off (engine/io/CMakeLists.txt): a fused multiply-add in
// `d * q - m` would round once instead of twice and change the last bit of some values.
#include "gguf_quant.h"

#include "error.h"

#include <c10/util/Half.h>

#include <cstring>

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

// Q6_K: value i = h*128 + s*64 + l (l < 64) has its low nibble in ql[h*64 + l] (s = 0 low,
// s = 1 high); value i = h*128 + p*32 + l (l < 32) has its top two bits at bits 2p..2p+1 of
// qh[h*32 + l]; group i/16 has an int8 scale; x = d*scale * (q - 32).
void blockQ6_K(const uint8_t *b, float *y)
{
    const uint8_t *ql = b;
    const uint8_t *qh = b + 128;
    const auto *scales = reinterpret_cast<const int8_t *>(b + 192);
    const float d = halfAt(b + 208);
    for (int i = 0; i < kSuper; ++i) {
        const int h = i / 128, r = i % 128;
        const int low = (ql[h * 64 + r % 64] >> (4 * (r / 64))) & 0x0F;
        const int high = (qh[h * 32 + r % 32] >> (2 * (r / 32))) & 3;
        const float d1 = d * float(scales[i / 16]);
        y[i] = d1 * float((low | high << 4) - 32);
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
