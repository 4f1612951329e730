#ifndef ZOO_CJPEG_SHIM_H
#define ZOO_CJPEG_SHIM_H
// libjpeg's default error_exit prints and calls exit(). Here error_exit longjmps back to a setjmp
// set in the same C function that made the libjpeg call, so a corrupt file unwinds only C frames
// and returns a status with libjpeg's message; it never jumps across Swift frames or ends the
// process. Warnings are silent, except that a premature end of data (which libjpeg would pad with
// grey) is reported, so a truncated file is an error as it is for PIL.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

/// A JPEG file's header.
typedef struct {
    uint32_t width;
    uint32_t height;
    int components;        // 1 grayscale, 3 YCbCr or RGB, 4 CMYK or YCCK
    int color_space;       // J_COLOR_SPACE of the file
    int progressive;
    int out_components;    // what cjpeg_decode writes: 1 gray, 3 RGB, 4 CMYK (as libjpeg gives it)
} cjpeg_info;

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *message;
    size_t message_size;
    int truncated;
    int max_scans;
} cjpeg_error;

static inline void cjpeg_error_exit(j_common_ptr cinfo) {
    cjpeg_error *error = (cjpeg_error *)cinfo->err;
    if (error->message && error->message_size > 0) {
        char text[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, text);
        strncpy(error->message, text, error->message_size - 1);
        error->message[error->message_size - 1] = 0;
    }
    longjmp(error->jump, 1);
}

static inline void cjpeg_emit_message(j_common_ptr cinfo, int level) {
    cjpeg_error *error = (cjpeg_error *)cinfo->err;
    if (level < 0) {
        cinfo->err->num_warnings++;
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) error->truncated = 1;
    }
}

// Too many progressive scans make decoding slow without making the image larger (a known
// denial of service); real files have at most a few dozen.
static inline void cjpeg_progress(j_common_ptr cinfo) {
    cjpeg_error *error = (cjpeg_error *)cinfo->err;
    if (cinfo->is_decompressor) {
        j_decompress_ptr d = (j_decompress_ptr)cinfo;
        if (d->input_scan_number > error->max_scans) {
            if (error->message && error->message_size > 0) {
                snprintf(error->message, error->message_size, "more than %d progressive scans", error->max_scans);
            }
            longjmp(error->jump, 1);
        }
    }
}

static inline void cjpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

// The error manager every call uses: errors longjmp back, warnings are counted, nothing is printed.
static inline struct jpeg_error_mgr *cjpeg_init_error(cjpeg_error *error, char *message, size_t message_size) {
    memset(error, 0, sizeof(*error));
    struct jpeg_error_mgr *pub = jpeg_std_error(&error->pub);
    error->pub.error_exit = cjpeg_error_exit;
    error->pub.emit_message = cjpeg_emit_message;
    error->pub.output_message = cjpeg_output_message;
    error->message = message;
    error->message_size = message_size;
    error->max_scans = 1000;
    if (message && message_size > 0) message[0] = 0;
    return pub;
}

static inline int cjpeg_out_components(J_COLOR_SPACE space) {
    switch (space) {
    case JCS_GRAYSCALE: return 1;
    case JCS_CMYK:
    case JCS_YCCK: return 4;
    default: return 3;
    }
}

/// Decodes a JPEG held in memory with libjpeg's defaults, which are Pillow's (islow integer IDCT,
/// fancy upsampling, no scaling): grayscale stays gray, YCbCr and RGB become RGB, CMYK and YCCK
/// come out as libjpeg's CMYK. With `out` NULL only the header is read. Otherwise `out` must hold
/// `width * height * out_components` bytes. Images wider or taller than the limits, or with more
/// than `max_pixels` pixels, are refused before any pixel buffer is allocated; libjpeg's own
/// working memory is capped at `max_memory` bytes.
/// Returns 0 on success; -1 with `message` set on an error; -2 when the data ends early.
static inline int cjpeg_decode(const unsigned char *data, size_t size, uint32_t max_width, uint32_t max_height,
                               uint64_t max_pixels, long max_memory, cjpeg_info *info, unsigned char *out,
                               size_t out_size, char *message, size_t message_size) {
    struct jpeg_decompress_struct cinfo;
    cjpeg_error error;
    struct jpeg_progress_mgr progress;
    memset(&cinfo, 0, sizeof(cinfo));
    cinfo.err = cjpeg_init_error(&error, message, message_size);
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8) {
        if (message && message_size > 0) snprintf(message, message_size, "not a JPEG file (no SOI marker)");
        return -1;
    }
    if (setjmp(error.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    cinfo.mem->max_memory_to_use = max_memory;
    progress.progress_monitor = cjpeg_progress;
    cinfo.progress = &progress;
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    info->width = cinfo.image_width;
    info->height = cinfo.image_height;
    info->components = cinfo.num_components;
    info->color_space = cinfo.jpeg_color_space;
    info->progressive = jpeg_has_multiple_scans(&cinfo) ? 1 : 0;
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE: cinfo.out_color_space = JCS_GRAYSCALE; break;
    case JCS_CMYK:
    case JCS_YCCK: cinfo.out_color_space = JCS_CMYK; break;
    default: cinfo.out_color_space = JCS_RGB; break;
    }
    info->out_components = cjpeg_out_components(cinfo.out_color_space);
    if (info->width > max_width || info->height > max_height ||
        (uint64_t)info->width * (uint64_t)info->height > max_pixels) {
        if (message && message_size > 0) {
            snprintf(message, message_size, "%u x %u pixels is more than the limit", info->width, info->height);
        }
        jpeg_destroy_decompress(&cinfo);
        return -3;
    }
    if (!out) {
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    size_t row_bytes = (size_t)info->width * (size_t)info->out_components;
    if (out_size < row_bytes * (size_t)info->height) {
        if (message && message_size > 0) snprintf(message, message_size, "output buffer too small");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_width != info->width || cinfo.output_height != info->height ||
        cinfo.output_components != info->out_components) {
        if (message && message_size > 0) snprintf(message, message_size, "unexpected output layout");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + (size_t)cinfo.output_scanline * row_bytes;
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
        if (error.truncated) break;
    }
    int truncated = error.truncated || cinfo.output_scanline < cinfo.output_height;
    if (!truncated) {
        jpeg_finish_decompress(&cinfo);
        truncated = error.truncated;
    }
    jpeg_destroy_decompress(&cinfo);
    if (truncated) {
        if (message && message_size > 0) snprintf(message, message_size, "the JPEG data ends early (the file is truncated)");
        return -2;
    }
    return 0;
}

/// Encodes 8-bit pixels (`components` 1 gray or 3 RGB, rows packed) as a baseline or progressive
/// JPEG, for tests and benchmarks. On success `*out`/`*out_size` hold a malloc'd file.
static inline int cjpeg_encode(const unsigned char *pixels, uint32_t width, uint32_t height, int components,
                               int quality, int progressive, unsigned char **out, size_t *out_size,
                               char *message, size_t message_size) {
    struct jpeg_compress_struct cinfo;
    cjpeg_error error;
    unsigned char *buffer = NULL;
    unsigned long length = 0;
    memset(&cinfo, 0, sizeof(cinfo));
    cinfo.err = cjpeg_init_error(&error, message, message_size);
    if (setjmp(error.jump)) {
        jpeg_destroy_compress(&cinfo);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buffer, &length);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    size_t row_bytes = (size_t)width * (size_t)components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = length;
    return 0;
}
#endif
