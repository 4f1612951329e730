#ifndef ZOO_CPNG_SHIM_H
#define ZOO_CPNG_SHIM_H
// libpng reports errors by longjmp from its error callback. Every libpng call is made here, in C,
// under a setjmp set in the same C function, so an error unwinds only C frames and returns a
// status with a message; it never jumps across Swift frames and never aborts. Input comes from a
// memory buffer through a C read callback (no Swift callback that libpng could jump out of).
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/// The header of a PNG file and the layout `cpng_decode` produces (8 bits per sample, palette
/// expanded to RGB, alpha kept for the caller to drop).
typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;      // as stored: 1, 2, 4, 8 or 16
    int color_type;     // PNG_COLOR_TYPE_*
    int interlaced;     // 1 for Adam7
    int channels;       // channels of the decoded rows: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    size_t row_bytes;   // bytes of one decoded row
} cpng_info;

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char *message;
    size_t message_size;
} cpng_source;

static inline void cpng_set_message(cpng_source *source, const char *text) {
    if (source->message && source->message_size > 0) {
        strncpy(source->message, text ? text : "unknown libpng error", source->message_size - 1);
        source->message[source->message_size - 1] = 0;
    }
}

static inline void cpng_error_fn(png_structp png, png_const_charp text) {
    cpng_set_message((cpng_source *)png_get_error_ptr(png), text);
    png_longjmp(png, 1);
}

// Warnings (bad ancillary chunks, for example) are not errors, as for PIL; they are not printed.
static inline void cpng_warning_fn(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static inline void cpng_read_fn(png_structp png, png_bytep out, png_size_t length) {
    cpng_source *source = (cpng_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        png_error(png, "the file is truncated");
    }
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

// Reads the header, sets the decoding transforms and fills `info`. `png` and `pnginfo` are valid.
static inline void cpng_prepare(png_structp png, png_infop pnginfo, uint32_t max_width, uint32_t max_height,
                                cpng_info *info) {
    png_set_user_limits(png, max_width, max_height);
    png_set_sig_bytes(png, 0);
    png_read_info(png, pnginfo);
    info->width = png_get_image_width(png, pnginfo);
    info->height = png_get_image_height(png, pnginfo);
    info->bit_depth = png_get_bit_depth(png, pnginfo);
    info->color_type = png_get_color_type(png, pnginfo);
    info->interlaced = png_get_interlace_type(png, pnginfo) == PNG_INTERLACE_ADAM7;
    if (info->color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (info->color_type == PNG_COLOR_TYPE_GRAY && info->bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    // 16-bit samples keep their high byte, as PIL's "RGB;16B" unpacking does (no rounding).
    if (info->bit_depth == 16) png_set_strip_16(png);
    // No gamma or colour-profile handling: PIL ignores gAMA, cHRM and iCCP too.
    png_set_interlace_handling(png);
    png_read_update_info(png, pnginfo);
    info->channels = png_get_channels(png, pnginfo);
    info->row_bytes = png_get_rowbytes(png, pnginfo);
}

/// Decodes a PNG held in memory. With `out` NULL only the header is read and `info` filled;
/// otherwise `out` must hold `info.row_bytes * info.height` bytes (from a first call) and receives
/// the rows. Returns 0 on success, -1 with `message` set on any libpng error.
static inline int cpng_decode(const unsigned char *data, size_t size, uint32_t max_width, uint32_t max_height,
                              cpng_info *info, unsigned char *out, size_t out_size,
                              char *message, size_t message_size) {
    cpng_source source = {data, size, 0, message, message_size};
    if (size < 8 || png_sig_cmp((png_const_bytep)data, 0, 8) != 0) {
        cpng_set_message(&source, "not a PNG file (bad signature)");
        return -1;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, cpng_error_fn, cpng_warning_fn);
    if (!png) {
        cpng_set_message(&source, "libpng could not allocate a decoder");
        return -1;
    }
    png_infop volatile pnginfo = png_create_info_struct(png);
    if (!pnginfo) {
        png_destroy_read_struct(&png, NULL, NULL);
        cpng_set_message(&source, "libpng could not allocate a decoder");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_infop i = pnginfo;
        png_destroy_read_struct(&png, &i, NULL);
        return -1;
    }
    png_set_read_fn(png, &source, cpng_read_fn);
    cpng_prepare(png, pnginfo, max_width, max_height, info);
    if (out) {
        if (out_size < info->row_bytes * (size_t)info->height) {
            png_error(png, "output buffer too small");
        }
        int passes = png_set_interlace_handling(png);
        for (int pass = 0; pass < passes; pass++) {
            for (uint32_t y = 0; y < info->height; y++) {
                png_read_row(png, out + (size_t)y * info->row_bytes, NULL);
            }
        }
        png_read_end(png, NULL);
    }
    png_infop i = pnginfo;
    png_destroy_read_struct(&png, &i, NULL);
    return 0;
}

/// A growable output buffer for `cpng_encode`; free `data` with `free`.
typedef struct {
    unsigned char *data;
    size_t size;
    size_t capacity;
    int failed;
} cpng_sink;

static inline void cpng_write_fn(png_structp png, png_bytep bytes, png_size_t length) {
    cpng_sink *sink = (cpng_sink *)png_get_io_ptr(png);
    if (sink->size + length > sink->capacity) {
        size_t capacity = sink->capacity ? sink->capacity : 4096;
        while (capacity < sink->size + length) capacity *= 2;
        unsigned char *grown = (unsigned char *)realloc(sink->data, capacity);
        if (!grown) {
            sink->failed = 1;
            png_error(png, "out of memory");
        }
        sink->data = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->size, bytes, length);
    sink->size += length;
}

static inline void cpng_flush_fn(png_structp png) { (void)png; }

/// Encodes rows already in PNG sample layout (16-bit samples big-endian, sub-byte samples packed)
/// for tests and benchmarks. `palette` is `palette_count` RGB triples (palette images only);
/// `trans` is `trans_count` alpha values for palette entries (or NULL). On success `*out` and
/// `*out_size` hold a malloc'd PNG file. Returns 0, or -1 with `message` set.
static inline int cpng_encode(const unsigned char *rows, uint32_t width, uint32_t height, int bit_depth,
                              int color_type, int interlaced, const unsigned char *palette, int palette_count,
                              const unsigned char *trans, int trans_count,
                              unsigned char **out, size_t *out_size, char *message, size_t message_size) {
    cpng_source errors = {NULL, 0, 0, message, message_size};
    cpng_sink sink = {NULL, 0, 0, 0};
    cpng_sink *volatile sinkp = &sink;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &errors, cpng_error_fn, cpng_warning_fn);
    if (!png) return -1;
    png_infop volatile pnginfo = png_create_info_struct(png);
    if (!pnginfo) {
        png_destroy_write_struct(&png, NULL);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_infop i = pnginfo;
        png_destroy_write_struct(&png, &i);
        free(sinkp->data);
        return -1;
    }
    png_set_write_fn(png, &sink, cpng_write_fn, cpng_flush_fn);
    png_set_IHDR(png, pnginfo, width, height, bit_depth, color_type,
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (palette && palette_count > 0) png_set_PLTE(png, pnginfo, (png_const_colorp)palette, palette_count);
    if (trans && trans_count > 0) png_set_tRNS(png, pnginfo, trans, trans_count, NULL);
    png_write_info(png, pnginfo);
    size_t row_bytes = png_get_rowbytes(png, pnginfo);
    int passes = png_set_interlace_handling(png);
    for (int pass = 0; pass < passes; pass++) {
        for (uint32_t y = 0; y < height; y++) {
            png_write_row(png, rows + (size_t)y * row_bytes);
        }
    }
    png_write_end(png, NULL);
    png_infop i = pnginfo;
    png_destroy_write_struct(&png, &i);
    *out = sink.data;
    *out_size = sink.size;
    return 0;
}
#endif
