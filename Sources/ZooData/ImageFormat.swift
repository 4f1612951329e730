/// The image file formats ZooData decodes, recognised by their first bytes (not the file name).
public enum ImageFormat: String, Sendable, Equatable, CaseIterable {
    /// PNG: 1 to 16 bits, gray, gray+alpha, palette, RGB, RGBA, interlaced or not (libpng).
    case png
    /// JPEG: baseline, progressive, grayscale, YCbCr, CMYK/YCCK (libjpeg-turbo).
    case jpeg
    /// Netpbm PGM/PPM: P2, P3 (text), P5, P6 (binary), maxval up to 65535.
    case pnm

    /// The format whose signature `bytes` start with; nil for anything else.
    public static func detect<C: Collection<UInt8>>(_ bytes: C) -> ImageFormat? where C.Index == Int {
        let b = Array(bytes.prefix(8))
        if b.count >= 8, b == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if b.count >= 3, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF { return .jpeg }
        if b.count >= 2, b[0] == UInt8(ascii: "P"), [UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "5"), UInt8(ascii: "6")].contains(b[1]) {
            return .pnm
        }
        return nil
    }

    /// What a file that is not one of the formats appears to be, for the error message.
    static func guessOther<C: Collection<UInt8>>(_ bytes: C) -> String? where C.Index == Int {
        let b = Array(bytes.prefix(12))
        if b.starts(with: [0x42, 0x4D]) { return "BMP" }
        if b.starts(with: Array("GIF8".utf8)) { return "GIF" }
        if b.starts(with: [0x49, 0x49, 0x2A, 0x00]) || b.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "TIFF" }
        if b.count >= 12, b.starts(with: Array("RIFF".utf8)), Array(b[8..<12]) == Array("WEBP".utf8) { return "WebP" }
        if b.count >= 2, b[0] == UInt8(ascii: "P"), b[1] == UInt8(ascii: "1") || b[1] == UInt8(ascii: "4") { return "PBM (bitmap)" }
        return nil
    }

    /// Lower-case file extensions that name image files in an image folder (torchvision's
    /// `IMG_EXTENSIONS`; `.bmp`, `.tif`, `.webp` are listed so such files are reported, not ignored).
    public static let folderExtensions: Set<String> = ["jpg", "jpeg", "png", "ppm", "pgm", "pnm", "bmp", "tif", "tiff", "webp"]
}
