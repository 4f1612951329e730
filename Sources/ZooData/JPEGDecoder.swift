import CJPEG

/// JPEG through libjpeg-turbo (the library Pillow links) with Pillow's decoder settings: the
/// default islow IDCT and fancy upsampling, no DCT scaling. Grayscale stays one channel; CMYK and
/// YCCK are converted to RGB as PIL does (Adobe-inverted CMYK, then PIL's `cmyk2rgb`).
///
/// All libjpeg calls happen in `CJPEG`'s C shim, whose error_exit longjmps to a setjmp in the
/// same C function; a truncated file (which libjpeg would pad with grey) is an error.
enum JPEGDecoder {
    /// libjpeg's working memory cap (progressive files buffer every coefficient): 1 GiB.
    static let maxMemory = 1 << 30

    /// The header of a JPEG file, without decoding pixels.
    static func header(_ bytes: UnsafeRawBufferPointer, name: String, limits: ImageLimits) throws(DataError) -> cjpeg_info {
        try run(bytes, name: name, limits: limits, out: nil)
    }

    /// Decodes a whole JPEG file.
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String, limits: ImageLimits) throws(DataError) -> PixelImage {
        let info = try header(bytes, name: name, limits: limits)
        try limits.check(width: Int(info.width), height: Int(info.height), name: name)
        let w = Int(info.width), h = Int(info.height), components = Int(info.out_components)
        var raw = [UInt8](repeating: 0, count: w * h * components)
        try raw.withTypedMutableBytes { (out: UnsafeMutableRawBufferPointer) throws(DataError) in
            _ = try run(bytes, name: name, limits: limits, out: out)
        }
        switch components {
        case 1, 3:
            return PixelImage(width: w, height: h, channels: components, pixels: raw)
        case 4:
            return PixelImage(width: w, height: h, channels: 3, pixels: cmykToRGB(raw, pixels: w * h))
        default:
            throw DataError(.unsupported, "\(name): JPEG with \(components) output components is not supported")
        }
    }

    /// PIL reads 4-component JPEGs as Adobe-inverted CMYK (`"CMYK;I"`) and converts to RGB with
    /// `r = (255 - k) - (c * (255 - k)) / 255`, the division rounded as its `MULDIV255` does.
    static func cmykToRGB(_ raw: [UInt8], pixels: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: pixels * 3)
        @inline(__always) func muldiv255(_ a: Int, _ b: Int) -> Int {
            let t = a * b + 128
            return ((t >> 8) + t) >> 8
        }
        for p in 0..<pixels {
            let k = 255 - Int(raw[p * 4 + 3])
            let nk = 255 - k
            for c in 0..<3 {
                let ink = 255 - Int(raw[p * 4 + c])
                out[p * 3 + c] = UInt8(clamping: nk - muldiv255(ink, nk))
            }
        }
        return out
    }

    private static func run(_ bytes: UnsafeRawBufferPointer, name: String, limits: ImageLimits,
                            out: UnsafeMutableRawBufferPointer?) throws(DataError) -> cjpeg_info {
        var info = cjpeg_info()
        var message = [CChar](repeating: 0, count: 256)
        let side = UInt32(clamping: limits.maxSide)
        let status = message.withUnsafeMutableBufferPointer { text in
            cjpeg_decode(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, side, side,
                         UInt64(clamping: limits.maxPixels), maxMemory, &info,
                         out?.baseAddress?.assumingMemoryBound(to: UInt8.self), out?.count ?? 0,
                         text.baseAddress, text.count)
        }
        let reason = CMessage.text(message)
        switch status {
        case 0: return info
        case -2: throw DataError(.undecodable, "\(name): the JPEG data ends early; the file is truncated")
        case -3: throw DataError(.limitExceeded, "\(name): the JPEG declares \(info.width)x\(info.height) pixels, more than the limits (\(limits.maxPixels) pixels, \(limits.maxSide) a side); it may be a decompression bomb")
        default: throw DataError(.undecodable, "\(name): not a valid JPEG (\(reason.isEmpty ? "libjpeg error" : reason))")
        }
    }
}
