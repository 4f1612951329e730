/// An error from reading or writing checkpoint files: what went wrong and what to do next.
///
/// The low layers throw this type (`throws(FormatError)`); callers show `description` to people.
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A broad class of failure, stable for scripts and tests.
    public enum Kind: String, Sendable, Equatable {
        /// An OS call failed (open, read, write, rename, fsync, mmap).
        case io
        /// The file ends before a structure it declares.
        case truncated
        /// The file is not of the expected kind (wrong magic).
        case notAFile
        /// The file's major format version is one this reader does not know.
        case unsupportedVersion
        /// The index or header is not valid (bad JSON, missing or contradictory fields).
        case malformed
        /// A size or count exceeds a documented limit.
        case limitExceeded
        /// Stored bytes do not match their checksum (CRC32 or SHA-256).
        case checksumMismatch
        /// Compressed data could not be decoded.
        case corruptData
        /// The caller asked for something invalid (unknown tensor, unsupported option).
        case invalidArgument
        /// The file asks for something zoo never does for safety: a pickle global outside the
        /// allow-list, an archive path that leaves the archive (formats/pytorch-checkpoints.md).
        case refused
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
