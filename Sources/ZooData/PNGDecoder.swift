import CPNG

/// PNG through libpng (the library Pillow uses), decoded the way PIL's `open` + `convert("RGB")`
/// does: palette expanded, 1/2/4-bit gray scaled to 8 bits, 16-bit samples cut to their high byte,
/// alpha dropped, no gamma or colour-profile correction.
///
/// All libpng calls happen in `CPNG`'s C shim, under its own setjmp, so a corrupt file is an error
/// value here, never a longjmp through Swift.
enum PNGDecoder {
    /// The header of a PNG file, without decoding pixels.
    static func header(_ bytes: UnsafeRawBufferPointer, name: String, limits: ImageLimits) throws(DataError) -> cpng_info {
        try run(bytes, name: name, limits: limits, out: nil)
    }

    /// Decodes a whole PNG file.
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String, limits: ImageLimits) throws(DataError) -> PixelImage {
        let info = try header(bytes, name: name, limits: limits)
        try limits.check(width: Int(info.width), height: Int(info.height), name: name)
        let channels = Int(info.channels)
        guard (1...4).contains(channels), info.row_bytes == Int(info.width) * channels else {
            throw DataError(.unsupported, "\(name): PNG decodes to \(channels) channels of \(info.row_bytes) bytes a row, a layout ZooData does not handle")
        }
        let rowBytes = Int(info.row_bytes)
        var raw = [UInt8](repeating: 0, count: rowBytes * Int(info.height))
        try raw.withTypedMutableBytes { (out: UnsafeMutableRawBufferPointer) throws(DataError) in
            _ = try run(bytes, name: name, limits: limits, out: out)
        }
        let w = Int(info.width), h = Int(info.height)
        switch channels {
        case 1, 3:
            return PixelImage(width: w, height: h, channels: channels, pixels: raw)
        default:
            // Gray+alpha or RGBA: drop alpha, as convert("RGB") does (no compositing onto a background).
            let kept = channels - 1
            var pixels = [UInt8](repeating: 0, count: w * h * kept)
            raw.withUnsafeBufferPointer { src in
                pixels.withUnsafeMutableBufferPointer { dst in
                    for p in 0..<(w * h) {
                        for c in 0..<kept { dst[p * kept + c] = src[p * channels + c] }
                    }
                }
            }
            return PixelImage(width: w, height: h, channels: kept, pixels: pixels)
        }
    }

    private static func run(_ bytes: UnsafeRawBufferPointer, name: String, limits: ImageLimits,
                            out: UnsafeMutableRawBufferPointer?) throws(DataError) -> cpng_info {
        var info = cpng_info()
        var message = [CChar](repeating: 0, count: 256)
        let side = UInt32(clamping: limits.maxSide)
        let status = message.withUnsafeMutableBufferPointer { text in
            cpng_decode(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count, side, side, &info,
                        out?.baseAddress?.assumingMemoryBound(to: UInt8.self), out?.count ?? 0,
                        text.baseAddress, text.count)
        }
        guard status == 0 else {
            let reason = CMessage.text(message)
            if reason.contains("Image width exceeds user limit") || reason.contains("Image height exceeds user limit") {
                throw DataError(.limitExceeded, "\(name): the PNG declares more than \(limits.maxSide) pixels on a side; it may be a decompression bomb")
            }
            throw DataError(.undecodable, "\(name): not a valid PNG (\(reason.isEmpty ? "libpng error" : reason))")
        }
        return info
    }
}
