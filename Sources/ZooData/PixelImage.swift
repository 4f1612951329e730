/// A decoded image: 8-bit samples, rows top to bottom, channels interleaved (`[height][width][channels]`).
///
/// One channel is grayscale, three are RGB. Decoders drop alpha, as PIL's `convert("RGB")` does.
public struct PixelImage: Sendable, Equatable {
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int
    /// 1 (grayscale) or 3 (RGB).
    public var channels: Int
    /// `height * width * channels` samples.
    public var pixels: [UInt8]

    /// An image over `pixels`, which must hold `height * width * channels` samples.
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && (channels == 1 || channels == 3), "bad image layout")
        precondition(pixels.count == width * height * channels, "pixels do not match \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image of the given size filled with `value`.
    public init(width: Int, height: Int, channels: Int, value: UInt8 = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [UInt8](repeating: value, count: width * height * channels))
    }

    /// The sample at column `x`, row `y`, channel `c`.
    public subscript(x: Int, y: Int, c: Int) -> UInt8 {
        pixels[(y * width + x) * channels + c]
    }
}
