#ifndef ZOO_KERNELS_H
#define ZOO_KERNELS_H
// The few loops of ZooFormat that Swift cannot express at full speed: carry-less multiplication
// for CRC-32 (PCLMULQDQ). Chosen at run time from the CPU's features; callers fall back to zlib
// when a kernel is not available. Pure functions over the bytes they are given.
#include <stddef.h>
#include <stdint.h>

/// Whether zoo_crc32_fold can run on this CPU (x86-64 with PCLMULQDQ and SSE4.1).
int zoo_crc32_fold_available(void);

/// The zlib CRC-32 of `length` bytes at `bytes` continuing from `crc` (0 to start, as zlib's
/// crc32()). `length` must be at least 64 and a multiple of 16; call only when
/// zoo_crc32_fold_available() is true.
uint32_t zoo_crc32_fold(uint32_t crc, const uint8_t *bytes, size_t length);

#endif
