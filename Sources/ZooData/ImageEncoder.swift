import CJPEG
import CPNG

/// PNG and JPEG writers over the same libraries, for test fixtures, benchmarks and looking at
/// what preprocessing made. The training path never encodes.
public enum ImageEncoder {
    /// An 8-bit gray or RGB image as a PNG file.
    public static func png(_ image: PixelImage, interlaced: Bool = false) throws(DataError) -> [UInt8] {
        try png(rows: image.pixels, width: image.width, height: image.height, bitDepth: 8,
                colorType: image.channels == 1 ? 0 : 2, interlaced: interlaced)
    }

    /// A PNG from rows already in PNG sample layout: `colorType` 0 gray, 2 RGB, 3 palette,
    /// 4 gray+alpha, 6 RGBA; 16-bit samples big-endian; 1/2/4-bit samples packed, rows padded to a
    /// byte. `palette` holds RGB triples, `transparency` alpha per palette entry.
    public static func png(rows: [UInt8], width: Int, height: Int, bitDepth: Int, colorType: Int, interlaced: Bool = false,
                           palette: [UInt8] = [], transparency: [UInt8] = []) throws(DataError) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = rows.withUnsafeBufferPointer { r in
            palette.withUnsafeBufferPointer { p in
                transparency.withUnsafeBufferPointer { t in
                    message.withUnsafeMutableBufferPointer { m in
                        cpng_encode(r.baseAddress, UInt32(width), UInt32(height), Int32(bitDepth), Int32(colorType), interlaced ? 1 : 0,
                                    p.baseAddress, Int32(palette.count / 3), t.baseAddress, Int32(transparency.count),
                                    &out, &size, m.baseAddress, m.count)
                    }
                }
            }
        }
        defer { free(out) }
        guard status == 0, let out else {
            throw DataError(.invalidArgument, "PNG encoding failed: \(CMessage.text(message))")
        }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// An 8-bit gray or RGB image as a baseline (or progressive) JPEG, libjpeg's defaults
    /// (4:2:0 chroma subsampling for RGB).
    public static func jpeg(_ image: PixelImage, quality: Int = 90, progressive: Bool = false) throws(DataError) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = image.pixels.withUnsafeBufferPointer { p in
            message.withUnsafeMutableBufferPointer { m in
                cjpeg_encode(p.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels), Int32(quality),
                             progressive ? 1 : 0, &out, &size, m.baseAddress, m.count)
            }
        }
        defer { free(out) }
        guard status == 0, let out else {
            throw DataError(.invalidArgument, "JPEG encoding failed: \(CMessage.text(message))")
        }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
