// CRC-32 (ISO-HDLC, zlib's) by folding with carry-less multiplication, after Gopal et al., "Fast
// CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction" (Intel, 2009): four 128-bit
// accumulators fold forward by 512 bits per step (64 bytes), or with AVX-512 four 512-bit ones by
// 2048 bits (256 bytes), then into one, then a Barrett reduction to 32 bits. The constants are
// x^k mod P(x) bit-reflected and shifted left by one (k named beside each).
#include "zoo_kernels.h"

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

int zoo_crc32_fold_available(void) {
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    }
    return available;
}

// Whether the 512-bit folding loop can run (AVX-512 with VPCLMULQDQ).
static int wide_available(void) {
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("vpclmulqdq");
    }
    return available;
}

// Folds 256 bytes a step with four 512-bit accumulators (each 128-bit lane forward by 2048 bits),
// then the accumulators into one, whose four lanes go to x[0..3] as the 128-bit loop leaves its
// four accumulators. Needs length >= 256; returns the bytes consumed (a multiple of 256).
__attribute__((target("avx512f,vpclmulqdq,pclmul,sse4.1")))
static size_t fold_wide(uint32_t crc, const uint8_t *bytes, size_t length, __m128i x[4]) {
    const __m512i k2048 = _mm512_broadcast_i32x4(_mm_set_epi64x(0x01322d1430, 0x011542778a)); // x^(2048-32), x^(2048+32)
    const __m512i k512 = _mm512_broadcast_i32x4(_mm_set_epi64x(0x01c6e41596, 0x0154442bd4));  // x^(512-32), x^(512+32)
    const uint8_t *start = bytes;
    __m512i z0 = _mm512_loadu_si512((const void *)(bytes + 0x00));
    __m512i z1 = _mm512_loadu_si512((const void *)(bytes + 0x40));
    __m512i z2 = _mm512_loadu_si512((const void *)(bytes + 0x80));
    __m512i z3 = _mm512_loadu_si512((const void *)(bytes + 0xC0));
    z0 = _mm512_xor_si512(z0, _mm512_zextsi128_si512(_mm_cvtsi32_si128((int)~crc)));
    bytes += 256;
    length -= 256;
    while (length >= 256) {
        z0 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(z0, k2048, 0x00), _mm512_clmulepi64_epi128(z0, k2048, 0x11),
                                       _mm512_loadu_si512((const void *)(bytes + 0x00)), 0x96);
        z1 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(z1, k2048, 0x00), _mm512_clmulepi64_epi128(z1, k2048, 0x11),
                                       _mm512_loadu_si512((const void *)(bytes + 0x40)), 0x96);
        z2 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(z2, k2048, 0x00), _mm512_clmulepi64_epi128(z2, k2048, 0x11),
                                       _mm512_loadu_si512((const void *)(bytes + 0x80)), 0x96);
        z3 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(z3, k2048, 0x00), _mm512_clmulepi64_epi128(z3, k2048, 0x11),
                                       _mm512_loadu_si512((const void *)(bytes + 0xC0)), 0x96);
        bytes += 256;
        length -= 256;
    }
    // Each accumulator forward by 512 bits into the next (0x96: a ^ b ^ c).
    z1 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(z0, k512, 0x00), _mm512_clmulepi64_epi128(z0, k512, 0x11), z1, 0x96);
    z2 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(z1, k512, 0x00), _mm512_clmulepi64_epi128(z1, k512, 0x11), z2, 0x96);
    z3 = _mm512_ternarylogic_epi64(_mm512_clmulepi64_epi128(z2, k512, 0x00), _mm512_clmulepi64_epi128(z2, k512, 0x11), z3, 0x96);
    x[0] = _mm512_extracti32x4_epi32(z3, 0);
    x[1] = _mm512_extracti32x4_epi32(z3, 1);
    x[2] = _mm512_extracti32x4_epi32(z3, 2);
    x[3] = _mm512_extracti32x4_epi32(z3, 3);
    return (size_t)(bytes - start);
}

__attribute__((target("pclmul,sse4.1")))
uint32_t zoo_crc32_fold(uint32_t crc, const uint8_t *bytes, size_t length) {
    const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4); // x^(4*128-32), x^(4*128+32)
    const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0); // x^(128-32), x^(128+32)
    const __m128i k5 = _mm_set_epi64x(0, 0x0163cd6124);              // x^64
    const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641); // mu, P(x)
    const __m128i mask32 = _mm_setr_epi32(~0, 0, ~0, 0);

    __m128i x1, x2, x3, x4;
    if (length >= 256 && wide_available()) {
        __m128i x[4];
        size_t done = fold_wide(crc, bytes, length, x);
        bytes += done;
        length -= done;
        x1 = x[0];
        x2 = x[1];
        x3 = x[2];
        x4 = x[3];
    } else {
        x1 = _mm_loadu_si128((const __m128i *)(bytes + 0x00));
        x2 = _mm_loadu_si128((const __m128i *)(bytes + 0x10));
        x3 = _mm_loadu_si128((const __m128i *)(bytes + 0x20));
        x4 = _mm_loadu_si128((const __m128i *)(bytes + 0x30));
        x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)~crc));
        bytes += 64;
        length -= 64;
    }

    while (length >= 64) {
        __m128i x5 = _mm_clmulepi64_si128(x1, k1k2, 0x00);
        __m128i x6 = _mm_clmulepi64_si128(x2, k1k2, 0x00);
        __m128i x7 = _mm_clmulepi64_si128(x3, k1k2, 0x00);
        __m128i x8 = _mm_clmulepi64_si128(x4, k1k2, 0x00);
        x1 = _mm_clmulepi64_si128(x1, k1k2, 0x11);
        x2 = _mm_clmulepi64_si128(x2, k1k2, 0x11);
        x3 = _mm_clmulepi64_si128(x3, k1k2, 0x11);
        x4 = _mm_clmulepi64_si128(x4, k1k2, 0x11);
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), _mm_loadu_si128((const __m128i *)(bytes + 0x00)));
        x2 = _mm_xor_si128(_mm_xor_si128(x2, x6), _mm_loadu_si128((const __m128i *)(bytes + 0x10)));
        x3 = _mm_xor_si128(_mm_xor_si128(x3, x7), _mm_loadu_si128((const __m128i *)(bytes + 0x20)));
        x4 = _mm_xor_si128(_mm_xor_si128(x4, x8), _mm_loadu_si128((const __m128i *)(bytes + 0x30)));
        bytes += 64;
        length -= 64;
    }

    // Four accumulators into one.
    __m128i x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), x2), x5);
    x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), x3), x5);
    x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
    x1 = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x1, k3k4, 0x11), x4), x5);

    while (length >= 16) {
        x5 = _mm_clmulepi64_si128(x1, k3k4, 0x00);
        x1 = _mm_clmulepi64_si128(x1, k3k4, 0x11);
        x1 = _mm_xor_si128(_mm_xor_si128(x1, x5), _mm_loadu_si128((const __m128i *)bytes));
        bytes += 16;
        length -= 16;
    }

    // 128 bits to 64, then Barrett reduction to 32.
    x2 = _mm_clmulepi64_si128(x1, k3k4, 0x10);
    x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), x2);
    x2 = _mm_srli_si128(x1, 4);
    x1 = _mm_and_si128(x1, mask32);
    x1 = _mm_xor_si128(_mm_clmulepi64_si128(x1, k5, 0x00), x2);
    x2 = _mm_and_si128(x1, mask32);
    x2 = _mm_clmulepi64_si128(x2, poly, 0x10);
    x2 = _mm_and_si128(x2, mask32);
    x2 = _mm_clmulepi64_si128(x2, poly, 0x00);
    x1 = _mm_xor_si128(x1, x2);
    return ~(uint32_t)_mm_extract_epi32(x1, 1);
}

#else

int zoo_crc32_fold_available(void) { return 0; }

uint32_t zoo_crc32_fold(uint32_t crc, const uint8_t *bytes, size_t length) {
    (void)bytes;
    (void)length;
    return crc;
}

#endif
