#ifndef KINDLING_CZLIB_SHIM_H
#define KINDLING_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit2 and inflateInit2 are macros (they pass ZLIB_VERSION and sizeof(z_stream)), which Swift
// cannot import: these wrappers make them functions. windowBits picks the format: 15 zlib ("deflate"),
// -15 raw deflate ("deflate-raw"), 31 gzip.
static inline int kindling_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

static inline int kindling_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

#endif
