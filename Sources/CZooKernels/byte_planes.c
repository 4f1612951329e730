// The byte-plane transpose of the `planes` codec (formats/zckpt-v1.md, §5.3) with AVX2 shuffles:
// 32 elements a step, rotation 0 or 1. Swift's SIMD types widen bytes lane by lane through
// generic conversions, several times slower than the unpack and shuffle instructions here; this
// loop runs over every byte a planes tensor decodes. Each function returns how many elements it
// did (a multiple of 32, or 0 where AVX2 is missing); the caller's scalar loop does the rest.
#include "zoo_kernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

static int avx2_available(void) {
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = __builtin_cpu_supports("avx2");
    }
    return available;
}

__attribute__((target("avx2")))
static size_t merge4_avx2(const uint8_t *p0, const uint8_t *p1, const uint8_t *p2, const uint8_t *p3,
                          int rotation, size_t n, uint8_t *out) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(p0 + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(p1 + i));
        __m256i c = _mm256_loadu_si256((const __m256i *)(p2 + i));
        __m256i d = _mm256_loadu_si256((const __m256i *)(p3 + i));
        // Within each 128-bit lane: bytes of planes 0,1 and 2,3 interleaved, then the pairs.
        __m256i ab_lo = _mm256_unpacklo_epi8(a, b), ab_hi = _mm256_unpackhi_epi8(a, b);
        __m256i cd_lo = _mm256_unpacklo_epi8(c, d), cd_hi = _mm256_unpackhi_epi8(c, d);
        __m256i w0 = _mm256_unpacklo_epi16(ab_lo, cd_lo); // elements 0-3 | 16-19
        __m256i w1 = _mm256_unpackhi_epi16(ab_lo, cd_lo); // 4-7 | 20-23
        __m256i w2 = _mm256_unpacklo_epi16(ab_hi, cd_hi); // 8-11 | 24-27
        __m256i w3 = _mm256_unpackhi_epi16(ab_hi, cd_hi); // 12-15 | 28-31
        __m256i e0 = _mm256_permute2x128_si256(w0, w1, 0x20);
        __m256i e1 = _mm256_permute2x128_si256(w2, w3, 0x20);
        __m256i e2 = _mm256_permute2x128_si256(w0, w1, 0x31);
        __m256i e3 = _mm256_permute2x128_si256(w2, w3, 0x31);
        if (rotation) {
            e0 = _mm256_or_si256(_mm256_srli_epi32(e0, 1), _mm256_slli_epi32(e0, 31));
            e1 = _mm256_or_si256(_mm256_srli_epi32(e1, 1), _mm256_slli_epi32(e1, 31));
            e2 = _mm256_or_si256(_mm256_srli_epi32(e2, 1), _mm256_slli_epi32(e2, 31));
            e3 = _mm256_or_si256(_mm256_srli_epi32(e3, 1), _mm256_slli_epi32(e3, 31));
        }
        _mm256_storeu_si256((__m256i *)(out + 4 * i), e0);
        _mm256_storeu_si256((__m256i *)(out + 4 * i + 32), e1);
        _mm256_storeu_si256((__m256i *)(out + 4 * i + 64), e2);
        _mm256_storeu_si256((__m256i *)(out + 4 * i + 96), e3);
    }
    return i;
}

__attribute__((target("avx2")))
static size_t merge2_avx2(const uint8_t *p0, const uint8_t *p1, int rotation, size_t n, uint8_t *out) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(p0 + i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(p1 + i));
        __m256i lo = _mm256_unpacklo_epi8(a, b); // elements 0-7 | 16-23
        __m256i hi = _mm256_unpackhi_epi8(a, b); // 8-15 | 24-31
        __m256i e0 = _mm256_permute2x128_si256(lo, hi, 0x20);
        __m256i e1 = _mm256_permute2x128_si256(lo, hi, 0x31);
        if (rotation) {
            e0 = _mm256_or_si256(_mm256_srli_epi16(e0, 1), _mm256_slli_epi16(e0, 15));
            e1 = _mm256_or_si256(_mm256_srli_epi16(e1, 1), _mm256_slli_epi16(e1, 15));
        }
        _mm256_storeu_si256((__m256i *)(out + 2 * i), e0);
        _mm256_storeu_si256((__m256i *)(out + 2 * i + 32), e1);
    }
    return i;
}

__attribute__((target("avx2")))
static size_t split4_avx2(const uint8_t *in, int rotation, size_t n, uint8_t *planes) {
    // Per 128-bit lane (4 elements): byte 0 of each, then byte 1, 2, 3.
    const __m256i gather = _mm256_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15,
                                            0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    // Then per vector (8 elements): plane 0's 8 bytes, plane 1's, 2's, 3's as its four qwords.
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i v[4];
        for (int k = 0; k < 4; k++) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(in + 4 * i + 32 * k));
            if (rotation) x = _mm256_or_si256(_mm256_slli_epi32(x, 1), _mm256_srli_epi32(x, 31));
            v[k] = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(x, gather), order);
        }
        // A 4 x 4 transpose of qwords: plane p gets qword p of v[0..3].
        __m256i t0 = _mm256_unpacklo_epi64(v[0], v[1]), t1 = _mm256_unpackhi_epi64(v[0], v[1]);
        __m256i t2 = _mm256_unpacklo_epi64(v[2], v[3]), t3 = _mm256_unpackhi_epi64(v[2], v[3]);
        _mm256_storeu_si256((__m256i *)(planes + i), _mm256_permute2x128_si256(t0, t2, 0x20));
        _mm256_storeu_si256((__m256i *)(planes + n + i), _mm256_permute2x128_si256(t1, t3, 0x20));
        _mm256_storeu_si256((__m256i *)(planes + 2 * n + i), _mm256_permute2x128_si256(t0, t2, 0x31));
        _mm256_storeu_si256((__m256i *)(planes + 3 * n + i), _mm256_permute2x128_si256(t1, t3, 0x31));
    }
    return i;
}

__attribute__((target("avx2")))
static size_t split2_avx2(const uint8_t *in, int rotation, size_t n, uint8_t *planes) {
    // Per 128-bit lane (8 elements): the low bytes, then the high bytes.
    const __m256i gather = _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15,
                                            0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i x0 = _mm256_loadu_si256((const __m256i *)(in + 2 * i));
        __m256i x1 = _mm256_loadu_si256((const __m256i *)(in + 2 * i + 32));
        if (rotation) {
            x0 = _mm256_or_si256(_mm256_slli_epi16(x0, 1), _mm256_srli_epi16(x0, 15));
            x1 = _mm256_or_si256(_mm256_slli_epi16(x1, 1), _mm256_srli_epi16(x1, 15));
        }
        // Qwords low(0-7), high(0-7), low(8-15), high(8-15) -> low(0-15) | high(0-15).
        x0 = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(x0, gather), 0xD8);
        x1 = _mm256_permute4x64_epi64(_mm256_shuffle_epi8(x1, gather), 0xD8);
        _mm256_storeu_si256((__m256i *)(planes + i), _mm256_permute2x128_si256(x0, x1, 0x20));
        _mm256_storeu_si256((__m256i *)(planes + n + i), _mm256_permute2x128_si256(x0, x1, 0x31));
    }
    return i;
}

size_t zoo_planes_merge4(const uint8_t *p0, const uint8_t *p1, const uint8_t *p2, const uint8_t *p3,
                         int rotation, size_t count, uint8_t *out) {
    return avx2_available() ? merge4_avx2(p0, p1, p2, p3, rotation, count, out) : 0;
}

size_t zoo_planes_merge2(const uint8_t *p0, const uint8_t *p1, int rotation, size_t count, uint8_t *out) {
    return avx2_available() ? merge2_avx2(p0, p1, rotation, count, out) : 0;
}

size_t zoo_planes_split4(const uint8_t *in, int rotation, size_t count, uint8_t *planes) {
    return avx2_available() ? split4_avx2(in, rotation, count, planes) : 0;
}

size_t zoo_planes_split2(const uint8_t *in, int rotation, size_t count, uint8_t *planes) {
    return avx2_available() ? split2_avx2(in, rotation, count, planes) : 0;
}

#else
size_t zoo_planes_merge4(const uint8_t *p0, const uint8_t *p1, const uint8_t *p2, const uint8_t *p3,
                         int rotation, size_t count, uint8_t *out) { return 0; }
size_t zoo_planes_merge2(const uint8_t *p0, const uint8_t *p1, int rotation, size_t count, uint8_t *out) { return 0; }
size_t zoo_planes_split4(const uint8_t *in, int rotation, size_t count, uint8_t *planes) { return 0; }
size_t zoo_planes_split2(const uint8_t *in, int rotation, size_t count, uint8_t *planes) { return 0; }
#endif
