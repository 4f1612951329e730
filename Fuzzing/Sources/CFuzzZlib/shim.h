#ifndef ZOO_CFUZZZLIB_SHIM_H
#define ZOO_CFUZZZLIB_SHIM_H
#include <zlib.h>

// The reference inflater of the differential targets; inflateInit2 is a macro Swift cannot call.
static inline int cfuzz_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
