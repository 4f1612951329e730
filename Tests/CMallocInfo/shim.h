#ifndef ZOO_CMALLOCINFO_SHIM_H
#define ZOO_CMALLOCINFO_SHIM_H
// glibc's heap statistics (mallinfo2), for tests that check a loop keeps no memory.
#if defined(__linux__)
#include <malloc.h>
#endif
#endif
