import ZooData
import ZooFormat

/// The image decoders (PNG through libpng, JPEG through libjpeg-turbo, PGM/PPM) and IDX files.
enum ImageTargets {
    /// Small limits, so a header may claim a size the decoder must refuse before allocating.
    static let limits = ImageLimits(maxPixels: 1 << 22, maxSide: 1 << 14, maxFileBytes: 1 << 20)

    /// Input: an image file. The header and the decoded image must agree on size and channels,
    /// and the pixel buffer must be exactly width × height × channels.
    static func image(_ input: [UInt8]) {
        let header = try? ImageDecoder.header(input, name: "fuzz", limits: limits)
        guard let image = try? ImageDecoder.decode(input, name: "fuzz", limits: limits) else { return }
        FuzzCheck.require(image.pixels.count == image.width * image.height * image.channels, "the pixel buffer does not match the image's size")
        if let header {
            FuzzCheck.require(header.width == image.width && header.height == image.height && header.channels == image.channels,
                              "the header says \(header.width)x\(header.height)x\(header.channels), the image is \(image.width)x\(image.height)x\(image.channels)")
        }
    }

    /// Input: an IDX file or a gzip of one, read as the data loader reads it (gunzip under a
    /// limit, then parse). An array that parses holds exactly its shape's elements, and its
    /// bytes are the file's elements, each byte-swapped from big-endian.
    static func idx(_ input: [UInt8]) {
        var bytes = input
        if Gzip.isGzip(bytes) {
            guard let inflated = try? Gzip.decompress(bytes, maxOutputBytes: 1 << 24) else { return }
            bytes = inflated
        }
        guard let array = try? IDXFile.parse(bytes, name: "fuzz") else { return }
        let width = array.dtype.byteWidth
        FuzzCheck.require(array.data.count == array.shape.reduce(1, *) * width, "the array's bytes do not match its shape \(array.shape)")
        let start = 4 + 4 * array.shape.count
        FuzzCheck.require(bytes.count - start == array.data.count, "the array holds other bytes than the file's elements")
        for e in 0..<min(array.data.count / max(width, 1), 64) {
            let element = bytes[(start + e * width)..<(start + (e + 1) * width)]
            FuzzCheck.require(Array(element.reversed()) == Array(array.data[(e * width)..<((e + 1) * width)]), "element \(e) is not the file's, byte-swapped")
        }
    }
}
