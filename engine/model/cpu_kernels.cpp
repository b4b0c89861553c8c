#include "cpu_kernels.h"

#include <ATen/Parallel.h>
#include <torch/types.h>

// The AVX-512 decode kernels need GCC/Clang target attributes on x86-64; other compilers
// and CPUs (MSVC, Apple silicon) build LibTorch's calls only.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TB_AVX512_GEMV 1
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstdint>

namespace tb {

#ifdef TB_AVX512_GEMV
namespace {

// Batch-1 decode is bound by streaming each weight from memory once. LibTorch 1.13's calls
// for y = W x reach ~65% of the machine's bandwidth in f32 (OpenBLAS sgemv through mv) and
// less in bf16 (oneDNN linear); see docs/PERFORMANCE.md. These kernels read W four rows at
// a time with AVX-512 and accumulate in float32; CPUs without AVX-512 keep LibTorch's calls.
bool hasAvx512()
{
    static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
    return has;
}

// 16 bf16 values widened to float32 exactly (bf16 is the top half of a float32).
__attribute__((target("avx512f,avx512bw,avx512vl"))) inline __m512 loadRow(const c10::BFloat16 *p, __mmask16 m)
{
    const __m256i raw = m == 0xFFFF ? _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p))
                                    : _mm256_maskz_loadu_epi16(m, p);
    // The maskz forms: GCC 12 flags the plain ones' _mm512_undefined_* as maybe-uninitialised.
    return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xFFFF, _mm512_maskz_cvtepu16_epi32(0xFFFF, raw), 16));
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) inline __m512 loadRow(const float *p, __mmask16 m)
{
    return _mm512_maskz_loadu_ps(m, p);
}

// Horizontal sum; _mm512_reduce_add_ps trips the same GCC 12 warning.
__attribute__((target("avx512f"))) inline float sum16(__m512 v)
{
    alignas(64) float t[16];
    _mm512_store_ps(t, v);
    float s = 0.0f;
    for (float f : t)
        s += f;
    return s;
}

// out[r - r0] = dot(W[r, :], x) for r in [r0, r1). W is (rows, in) row-major in T (float
// or BFloat16); x is float32.
template <typename T>
__attribute__((target("avx512f,avx512bw,avx512vl,fma"))) void gemvRows(const T *w, const float *x, float *out, int64_t in,
                                                              int64_t r0, int64_t r1)
{
    const int64_t full = in - in % 16;
    const __mmask16 tail = __mmask16((1u << (in % 16)) - 1);
    int64_t r = r0;
    for (; r + 4 <= r1; r += 4) {
        const T *w0 = w + r * in, *w1 = w0 + in, *w2 = w1 + in, *w3 = w2 + in;
        __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps(), a2 = _mm512_setzero_ps(),
               a3 = _mm512_setzero_ps();
        for (int64_t i = 0; i < full; i += 16) {
            const __m512 xv = _mm512_loadu_ps(x + i);
            a0 = _mm512_fmadd_ps(loadRow(w0 + i, 0xFFFF), xv, a0);
            a1 = _mm512_fmadd_ps(loadRow(w1 + i, 0xFFFF), xv, a1);
            a2 = _mm512_fmadd_ps(loadRow(w2 + i, 0xFFFF), xv, a2);
            a3 = _mm512_fmadd_ps(loadRow(w3 + i, 0xFFFF), xv, a3);
        }
        if (tail) {
            const __m512 xv = _mm512_maskz_loadu_ps(tail, x + full);
            a0 = _mm512_fmadd_ps(loadRow(w0 + full, tail), xv, a0);
            a1 = _mm512_fmadd_ps(loadRow(w1 + full, tail), xv, a1);
            a2 = _mm512_fmadd_ps(loadRow(w2 + full, tail), xv, a2);
            a3 = _mm512_fmadd_ps(loadRow(w3 + full, tail), xv, a3);
        }
        out[r - r0] = sum16(a0);
        out[r - r0 + 1] = sum16(a1);
        out[r - r0 + 2] = sum16(a2);
        out[r - r0 + 3] = sum16(a3);
    }
    for (; r < r1; ++r) {
        const T *w0 = w + r * in;
        __m512 a0 = _mm512_setzero_ps();
        for (int64_t i = 0; i < full; i += 16)
            a0 = _mm512_fmadd_ps(loadRow(w0 + i, 0xFFFF), _mm512_loadu_ps(x + i), a0);
        if (tail)
            a0 = _mm512_fmadd_ps(loadRow(w0 + full, tail), _mm512_maskz_loadu_ps(tail, x + full), a0);
        out[r - r0] = sum16(a0);
    }
}

// y (out) = W (out, in) x (in), W and x both float32 or both bfloat16; y in W's dtype.
torch::Tensor gemv(const torch::Tensor &weight, const torch::Tensor &xIn)
{
    const int64_t rows = weight.size(0), in = weight.size(1);
    const torch::Tensor x = xIn.to(torch::kFloat).contiguous(); // (in): a few KB
    const float *xp = x.data_ptr<float>();
    torch::Tensor y = torch::empty({rows}, torch::TensorOptions().dtype(weight.scalar_type()));
    // Chunks of >= 64K weights: smaller ones (the fixture's 64-wide layers) run on one
    // thread, where waking the pool would cost more than it saves.
    const int64_t grain = std::max<int64_t>(4, (int64_t(1) << 16) / std::max<int64_t>(in, 1));
    if (weight.scalar_type() == torch::kFloat) {
        const float *w = weight.data_ptr<float>();
        float *yp = y.data_ptr<float>();
        at::parallel_for(0, rows, grain, [&](int64_t r0, int64_t r1) { gemvRows(w, xp, yp + r0, in, r0, r1); });
    } else {
        const auto *w = weight.data_ptr<c10::BFloat16>();
        auto *yp = y.data_ptr<c10::BFloat16>();
        at::parallel_for(0, rows, grain, [&](int64_t r0, int64_t r1) {
            float buf[256];
            for (int64_t r = r0; r < r1; r += 256) {
                const int64_t n = std::min<int64_t>(256, r1 - r);
                gemvRows(w, xp, buf, in, r, r + n);
                for (int64_t j = 0; j < n; ++j)
                    yp[r + j] = c10::BFloat16(buf[j]); // round to nearest even, as LibTorch does
            }
        });
    }
    return y;
}

} // namespace
#endif // TB_AVX512_GEMV

torch::Tensor cpuGemv(const torch::Tensor &weight, const torch::Tensor &x)
{
#ifdef TB_AVX512_GEMV
    const auto type = x.scalar_type();
    if (hasAvx512() && weight.is_cpu() && type == weight.scalar_type() && weight.is_contiguous()
        && (type == torch::kFloat || type == torch::kBFloat16))
        return gemv(weight, x);
#endif
    (void)weight;
    (void)x;
    return {};
}

} // namespace tb
