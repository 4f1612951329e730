/// Why data could not be read: a stable kind for scripts and tests, and a message that names the
/// file and says what to do.
///
/// ZooData's functions throw this type (`throws(DataError)`); the trainer and the CLI show `message`.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A broad class of failure.
    public enum Kind: String, Sendable, Equatable {
        /// A file or folder cannot be opened or read.
        case io
        /// An image file does not decode (corrupt, truncated, or not an image).
        case undecodable
        /// An image or array is larger than the configured limits (a decompression bomb, say).
        case limitExceeded
        /// A data file is malformed: bad CSV, labels out of range, arrays of the wrong shape.
        case invalidData
        /// A format or variant ZooData does not read (BMP, 12-bit JPEG, a dtype it cannot convert).
        case unsupported
        /// The caller asked for something inconsistent (a size of 0, an unknown option).
        case invalidArgument
    }

    /// The class of failure.
    public var kind: Kind
    /// What went wrong and what to do next.
    public var message: String

    /// An error of `kind` saying `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message, for people.
    public var description: String { message }
}
