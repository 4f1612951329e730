import ZooRegistry

/// An error from a push, pull or login: what went wrong and what to do next.
///
/// The client's API throws this type (`throws(DistributionError)`); the CLI prints `message` and
/// exits with `kind`'s status (README, "Exit status").
public struct DistributionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A broad class of failure, stable for scripts and tests.
    public enum Kind: String, Sendable, Equatable {
        /// A malformed reference or option.
        case usage
        /// The registry refused the credentials, or wants some and there are none.
        case auth
        /// The registry could not be reached, or the connection broke (a retry may succeed; a pull continues).
        case network
        /// TLS failed: an untrusted certificate, or TLS spoken to a plain-HTTP registry.
        case tls
        /// The registry has no such repository, tag or blob.
        case notFound
        /// Content failed a check: a digest or size that does not match, a manifest that does not parse.
        case corrupt
        /// The registry answered in a way the distribution spec does not allow, or refused a request.
        case registry
        /// The artifact is not something zoo can take (an image index, a container image).
        case unsupported
        /// The local store refused (missing, damaged, a reference that does not resolve).
        case store
        /// Reading or writing the credentials file or running a credential helper failed.
        case credentials
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

    /// A store error, carried as `.store` (or `.corrupt` when content failed a check).
    public init(_ error: StoreError) {
        self.kind = error.kind == .corrupt ? .corrupt : .store
        self.message = error.message
    }

    public var description: String { message }
}
