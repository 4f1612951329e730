/// Netpbm graymaps and pixmaps: P2 and P3 (decimal text), P5 and P6 (binary; two bytes a sample,
/// big-endian, when maxval is above 255). Comments (`#` to the end of the line) may appear between
/// header fields, and in the text formats between samples.
///
/// Samples are scaled to 8 bits as PIL does for PPM: `round(v / maxval * 255)` (round half to even).
/// PIL keeps a 16-bit PGM as 32-bit integers and then saturates it in `convert("RGB")`; ZooData
/// scales it like every other maxval instead (formats/data.md).
enum PNMDecoder {
    /// The header: format digit, size, maxval, and where the raster starts.
    struct Header {
        var kind: UInt8
        var width: Int
        var height: Int
        var maxval: Int
        var rasterOffset: Int
        var channels: Int { kind == UInt8(ascii: "3") || kind == UInt8(ascii: "6") ? 3 : 1 }
        var isText: Bool { kind == UInt8(ascii: "2") || kind == UInt8(ascii: "3") }
    }

    static func header(_ bytes: UnsafeRawBufferPointer, name: String) throws(DataError) -> Header {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"),
              [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(bytes[1]) else {
            throw DataError(.undecodable, "\(name): not a PGM/PPM file (expected P2, P3, P5 or P6)")
        }
        var cursor = 2
        var fields: [Int] = []
        for field in ["width", "height", "maxval"] {
            guard let value = try token(bytes, &cursor, name: name, what: field) else {
                throw DataError(.undecodable, "\(name): the PGM/PPM header ends before its \(field); the file is truncated")
            }
            fields.append(value)
        }
        guard cursor < bytes.count || bytes[1] == UInt8(ascii: "2") || bytes[1] == UInt8(ascii: "3") else {
            throw DataError(.undecodable, "\(name): the PGM/PPM file ends after its header; the file is truncated")
        }
        guard fields[2] >= 1 && fields[2] <= 65535 else {
            throw DataError(.undecodable, "\(name): the PGM/PPM maxval is \(fields[2]); it must be from 1 to 65535")
        }
        // Exactly one whitespace byte separates maxval from a binary raster.
        return Header(kind: bytes[1], width: fields[0], height: fields[1], maxval: fields[2], rasterOffset: cursor + 1)
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, name: String, limits: ImageLimits) throws(DataError) -> PixelImage {
        let h = try header(bytes, name: name)
        try limits.check(width: h.width, height: h.height, name: name)
        let count = h.width * h.height * h.channels
        var scale = [UInt8]()
        if h.maxval != 255 && h.maxval <= 4096 {
            scale = (0...h.maxval).map { UInt8(clamping: Int(scaled($0, maxval: h.maxval))) }
        }
        @inline(__always) func eight(_ v: Int) -> UInt8 {
            if h.maxval == 255 { return UInt8(truncatingIfNeeded: v) }
            return scale.isEmpty ? UInt8(clamping: Int(scaled(v, maxval: h.maxval))) : scale[v]
        }
        var pixels = [UInt8](repeating: 0, count: count)
        if h.isText {
            var cursor = h.rasterOffset - 1
            for i in 0..<count {
                guard let v = try token(bytes, &cursor, name: name, what: "sample") else {
                    throw DataError(.undecodable, "\(name): the PGM/PPM data ends after \(i) of \(count) samples; the file is truncated")
                }
                guard v <= h.maxval else {
                    throw DataError(.undecodable, "\(name): sample \(i + 1) is \(v), above the maxval \(h.maxval)")
                }
                pixels[i] = eight(v)
            }
            return PixelImage(width: h.width, height: h.height, channels: h.channels, pixels: pixels)
        }
        let width = h.maxval > 255 ? 2 : 1
        let needed = count * width
        guard h.rasterOffset <= bytes.count, bytes.count - h.rasterOffset >= needed else {
            throw DataError(.undecodable, "\(name): the PGM/PPM raster has \(max(0, bytes.count - h.rasterOffset)) bytes, fewer than the \(needed) its header declares; the file is truncated")
        }
        let base = h.rasterOffset
        for i in 0..<count {
            let v = width == 1 ? Int(bytes[base + i]) : Int(bytes[base + 2 * i]) << 8 | Int(bytes[base + 2 * i + 1])
            // Samples above maxval are clipped to 255, as PIL's decoder does.
            pixels[i] = v > h.maxval ? 255 : eight(v)
        }
        return PixelImage(width: h.width, height: h.height, channels: h.channels, pixels: pixels)
    }

    /// `round(v / maxval * 255)`, half to even, as Python's `round` on the same double.
    static func scaled(_ v: Int, maxval: Int) -> Double {
        min(255, (Double(v) / Double(maxval) * 255).rounded(.toNearestOrEven))
    }

    /// The next decimal token after whitespace and comments; nil at the end of the data.
    private static func token(_ bytes: UnsafeRawBufferPointer, _ cursor: inout Int, name: String, what: String) throws(DataError) -> Int? {
        while cursor < bytes.count {
            let b = bytes[cursor]
            if b == UInt8(ascii: "#") {
                while cursor < bytes.count && bytes[cursor] != 0x0A && bytes[cursor] != 0x0D { cursor += 1 }
            } else if b == 0x20 || (0x09...0x0D).contains(b) {
                cursor += 1
            } else {
                break
            }
        }
        guard cursor < bytes.count else { return nil }
        var value = 0
        var digits = 0
        while cursor < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[cursor]) {
            value = value * 10 + Int(bytes[cursor] - UInt8(ascii: "0"))
            digits += 1
            cursor += 1
            guard digits <= 9 else { throw DataError(.undecodable, "\(name): the PGM/PPM \(what) has too many digits") }
        }
        guard digits > 0 else {
            throw DataError(.undecodable, "\(name): the PGM/PPM \(what) is not a decimal number")
        }
        return value
    }
}
