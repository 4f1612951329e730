import Foundation

/// Decodes image files (PNG, JPEG, PGM/PPM), recognised by their content, into 8-bit gray or RGB
/// pixels as PIL's `Image.open(f).convert(...)` gives them.
///
/// Every failure is a `DataError` naming the file and why; sizes are checked against `limits`
/// before any pixel buffer is allocated.
public enum ImageDecoder {
    /// Decodes an image held in memory; `name` is used in error messages.
    public static func decode(_ bytes: [UInt8], name: String, limits: ImageLimits = ImageLimits()) throws(DataError) -> PixelImage {
        let format = try detect(bytes, name: name)
        return try bytes.withTypedBytes { (raw: UnsafeRawBufferPointer) throws(DataError) -> PixelImage in
            switch format {
            case .png: return try PNGDecoder.decode(raw, name: name, limits: limits)
            case .jpeg: return try JPEGDecoder.decode(raw, name: name, limits: limits)
            case .pnm: return try PNMDecoder.decode(raw, name: name, limits: limits)
            }
        }
    }

    /// Reads and decodes the image file at `path`.
    public static func decode(contentsOf path: String, limits: ImageLimits = ImageLimits()) throws(DataError) -> PixelImage {
        try decode(try readFile(path, limits: limits), name: path, limits: limits)
    }

    /// The header of an image held in memory: format, size and channels, checked against `limits`.
    public static func header(_ bytes: [UInt8], name: String, limits: ImageLimits = ImageLimits()) throws(DataError) -> ImageHeader {
        let format = try detect(bytes, name: name)
        let header = try bytes.withTypedBytes { (raw: UnsafeRawBufferPointer) throws(DataError) -> ImageHeader in
            switch format {
            case .png:
                let info = try PNGDecoder.header(raw, name: name, limits: limits)
                return ImageHeader(format: .png, width: Int(info.width), height: Int(info.height), channels: info.channels >= 3 ? 3 : 1)
            case .jpeg:
                let info = try JPEGDecoder.header(raw, name: name, limits: limits)
                return ImageHeader(format: .jpeg, width: Int(info.width), height: Int(info.height), channels: info.out_components == 1 ? 1 : 3)
            case .pnm:
                let h = try PNMDecoder.header(raw, name: name)
                return ImageHeader(format: .pnm, width: h.width, height: h.height, channels: h.channels)
            }
        }
        try limits.check(width: header.width, height: header.height, name: name)
        return header
    }

    /// The file's bytes, refusing files over `limits.maxFileBytes` before reading them.
    public static func readFile(_ path: String, limits: ImageLimits = ImageLimits()) throws(DataError) -> [UInt8] {
        try DataFile.read(path, maxBytes: limits.maxFileBytes, what: "image")
    }

    static func detect(_ bytes: [UInt8], name: String) throws(DataError) -> ImageFormat {
        if let format = ImageFormat.detect(bytes) { return format }
        if bytes.isEmpty { throw DataError(.undecodable, "\(name): the file is empty") }
        if let other = ImageFormat.guessOther(bytes) {
            throw DataError(.unsupported, "\(name): \(other) images are not supported; convert the file to PNG or JPEG")
        }
        throw DataError(.undecodable, "\(name): not an image ZooData can read (PNG, JPEG, PGM or PPM, recognised by content)")
    }
}
