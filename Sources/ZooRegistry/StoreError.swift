import ZooFormat

/// An error from the model store: what went wrong and what to do next.
///
/// The store's API throws this type (`throws(StoreError)`); the CLI prints `description`.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A broad class of failure, stable for scripts and tests.
    public enum Kind: String, Sendable, Equatable {
        /// There is no store at the path (or the directory is not one).
        case noStore
        /// A reference or name is not well formed.
        case badReference
        /// A well-formed reference names nothing in the store.
        case notFound
        /// The store's files are damaged: garbled `index.json`, a missing or corrupted blob.
        case corrupt
        /// An OS call failed.
        case io
        /// The caller asked for something the store refuses (a numeric tag, removing a bare name).
        case invalidArgument
        /// Reading or writing a checkpoint failed (the wrapped `FormatError`'s message).
        case format
    }

    /// What class of failure this is.
    public var kind: Kind
    /// What is wrong and what to do next.
    public var message: String

    /// An error of `kind` saying `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// Wraps a checkpoint error so store callers handle one error type.
    public init(_ error: FormatError) {
        self.kind = error.kind == .checksumMismatch ? .corrupt : .format
        self.message = error.message
    }

    public var description: String { message }
}
