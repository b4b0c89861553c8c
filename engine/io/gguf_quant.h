#pragma once

#include "gguf_file.h"

#include <cstdint>
#include <string>

namespace tb {

// ggml's block formats, as llama.cpp defines them (ggml-common.h) and gguf-py dequantises
// them. Each tensor row is a whole number of blocks; a block holds `blockSize` values in
// `blockBytes` bytes, little-endian. Float types are "blocks" of one value.
//
//   type   values bytes  layout of one block
//   Q4_0     32    18    f16 d; 16 B nibbles (value j: low nibble of byte j, j+16: high); x = d*(q-8)
//   Q4_1     32    20    f16 d, f16 m; 16 B nibbles as Q4_0; x = d*q + m
//   Q5_0     32    22    f16 d; u32 fifth bits (bit j for value j); 16 B nibbles; x = d*(q-16)
//   Q5_1     32    24    f16 d, f16 m; u32 fifth bits; 16 B nibbles; x = d*q + m
//   Q8_0     32    34    f16 d; 32 int8 q; x = d*q
//   Q2_K    256    84    16 B scales (low nibble: scale, high: min); 64 B 2-bit q; f16 d, f16 dmin
//   Q3_K    256   110    32 B high-bit mask; 64 B 2-bit q; 12 B 16 six-bit scales; f16 d
//   Q4_K    256   144    f16 d, f16 dmin; 12 B 8 six-bit scales + 8 six-bit mins; 128 B nibbles
//   Q5_K    256   176    as Q4_K, then 32 B high bits before the 128 B nibbles
//   Q6_K    256   210    128 B low nibbles; 64 B 2-bit highs; 16 int8 scales; f16 d
struct GgmlBlockLayout {
    int64_t blockSize = 0;  // values per block
    uint64_t blockBytes = 0; // bytes per block
    bool known() const { return blockSize > 0; }
};

// The layout of a tensor type Tunebench reads (F32, F16, BF16 and the quantised types
// above), or an empty layout for any other ggml_type number.
GgmlBlockLayout ggmlBlockLayout(uint32_t type);

// True for the block-quantised types (everything readable but F32, F16 and BF16).
bool ggmlIsQuantized(GgmlType type);

// "F32, F16, BF16, Q4_0, ..." for messages that list what Tunebench reads.
std::string ggmlReadableTypeNames();

// Bytes of one row of `n` values of `type`; 0 when the type is unknown or `n` is not a
// whole number of blocks.
uint64_t ggmlRowBytes(uint32_t type, int64_t n);

// Dequantises `n` consecutive values of `type` from `bytes` (n / blockSize whole blocks)
// into `out`, exactly as llama.cpp's reference dequantisers do: every value is the same
// float32 products and sums in the same order, so the results match bit for bit.
// Throws tb::Error for an unknown type or an `n` that is not a whole number of blocks.
void dequantizeRow(GgmlType type, const void *bytes, int64_t n, float *out);

// True for the types quantizeRow writes: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K.
bool ggmlCanQuantize(GgmlType type);

// Quantises `n` float32 values (whole blocks) into ggmlRowBytes(type, n) bytes at `out` with
// llama.cpp's reference algorithms (quantize_row_*_ref, no importance matrix): Q8_0 and
// Q4_0/Q4_1/Q5_0/Q5_1 from each block's range, Q4_K/Q5_K by a weighted least-squares search
// for each sub-block's scale and min, Q6_K by a search for each 16-value group's scale.
// Throws tb::Error for another type or an `n` that is not a whole number of blocks.
void quantizeRow(GgmlType type, const float *x, int64_t n, void *out);

} // namespace tb
