/// What an image file declares, read without decoding its pixels (a cheap check that a file is an
/// image ZooData can decode, and of its size against the limits).
public struct ImageHeader: Sendable, Equatable {
    /// The file's format.
    public var format: ImageFormat
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int
    /// Channels after decoding: 1 (grayscale) or 3 (RGB).
    public var channels: Int
}
