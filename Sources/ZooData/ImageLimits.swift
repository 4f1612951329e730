/// What an image file may declare before anything is allocated for it: a small hostile file can
/// declare a huge image (a decompression bomb), so the declared width × height is checked first.
public struct ImageLimits: Sendable, Equatable, Hashable {
    /// Most pixels (width × height). The default is PIL's `MAX_IMAGE_PIXELS` (89,478,485: about
    /// 256 MiB of RGBA), beyond which PIL warns.
    public var maxPixels: Int = 89_478_485
    /// Longest side in pixels.
    public var maxSide: Int = 1 << 16
    /// Largest file in bytes.
    public var maxFileBytes: Int = 1 << 30

    /// The defaults above.
    public init() {}

    /// Custom limits.
    public init(maxPixels: Int, maxSide: Int, maxFileBytes: Int = 1 << 30) {
        self.maxPixels = maxPixels
        self.maxSide = maxSide
        self.maxFileBytes = maxFileBytes
    }

    /// Throws `limitExceeded` when a declared size is over the limits, naming `name`.
    public func check(width: Int, height: Int, name: String) throws(DataError) {
        guard width > 0, height > 0 else {
            throw DataError(.undecodable, "\(name): the image declares \(width)x\(height) pixels; it is empty or corrupt")
        }
        guard width <= maxSide, height <= maxSide else {
            throw DataError(.limitExceeded, "\(name): the image declares \(width)x\(height) pixels, more than \(maxSide) on a side; it may be a decompression bomb (shrink the file, or raise the limit)")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw DataError(.limitExceeded, "\(name): the image declares \(width)x\(height) pixels, more than the limit of \(maxPixels); it may be a decompression bomb (shrink the file, or raise the limit)")
        }
    }
}
