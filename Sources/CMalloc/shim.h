#ifndef ZOO_CMALLOC_SHIM_H
#define ZOO_CMALLOC_SHIM_H
// glibc's allocator tuning (mallopt); elsewhere a no-op that reports failure.
#if defined(__GLIBC__) || (defined(__linux__) && __has_include(<malloc.h>))
#include <malloc.h>
static inline int cmalloc_keep_freed_blocks(void) {
    // Serve large blocks from the heap instead of fresh mmap'ed pages, and do not hand freed memory
    // back to the system: a block freed by one step is reused by the next without page faults.
    int a = mallopt(M_MMAP_MAX, 0);
    int b = mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
    return a && b;
}
#else
static inline int cmalloc_keep_freed_blocks(void) { return 0; }
#endif
#endif
