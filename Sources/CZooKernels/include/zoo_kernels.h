#ifndef ZOO_KERNELS_H
#define ZOO_KERNELS_H
// The few loops of ZooFormat that Swift cannot express at full speed: carry-less multiplication
// for CRC-32 (PCLMULQDQ) and the byte-plane transpose (AVX2 shuffles). Chosen at run time from the CPU's features; callers fall back to zlib
// when a kernel is not available. Pure functions over the bytes they are given.
#include <stddef.h>
#include <stdint.h>

/// Whether zoo_crc32_fold can run on this CPU (x86-64 with PCLMULQDQ and SSE4.1).
int zoo_crc32_fold_available(void);

/// The zlib CRC-32 of `length` bytes at `bytes` continuing from `crc` (0 to start, as zlib's
/// crc32()). `length` must be at least 64 and a multiple of 16; call only when
/// zoo_crc32_fold_available() is true.
uint32_t zoo_crc32_fold(uint32_t crc, const uint8_t *bytes, size_t length);

/// The `planes` codec's transpose (formats/zckpt-v1.md, §5.3) for 4- and 2-byte elements, with
/// rotation 0 or 1: merge reassembles `count` elements into `out` from their planes (rotating
/// right), split writes the planes of `count` elements of `in` one after another into `planes`
/// (rotating left first; plane p at `planes + p * count`). Each returns how many leading
/// elements it did: a multiple of 32, or 0 without AVX2; the caller does the rest.
size_t zoo_planes_merge4(const uint8_t *p0, const uint8_t *p1, const uint8_t *p2, const uint8_t *p3,
                         int rotation, size_t count, uint8_t *out);
size_t zoo_planes_merge2(const uint8_t *p0, const uint8_t *p1, int rotation, size_t count, uint8_t *out);
size_t zoo_planes_split4(const uint8_t *in, int rotation, size_t count, uint8_t *planes);
size_t zoo_planes_split2(const uint8_t *in, int rotation, size_t count, uint8_t *planes);

#endif
