import ZooData

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

    /// Input: an IDX file (or a gzip of one): it parses or throws.
    static func idx(_ input: [UInt8]) {
        _ = try? IDXFile.parse(input, name: "fuzz")
    }
}
