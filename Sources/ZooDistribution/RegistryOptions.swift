/// How to reach a registry and how to move blobs: the flags `push`, `pull` and `login` share.
public struct RegistryOptions: Sendable {
    /// Speak plain HTTP (a registry without TLS, as on loopback); HTTPS otherwise.
    public var plainHTTP = false
    /// A PEM file of CA certificates trusted in addition to the system's.
    public var caFile: String?
    /// Where credentials are read (Docker's and Podman's files, credential helpers).
    public var credentialStore: CredentialStore = .locate()
    /// Credentials to use instead of the credential store's (`zoo login` checks these).
    public var credentials: RegistryCredentials?
    /// Blobs moved at the same time.
    public var jobs = 4
    /// A blob larger than this goes up in chunks of this size (PATCH requests); smaller ones in one PUT.
    public var chunkSize: Int64 = 64 << 20
    /// Attempts per request when the connection breaks (downloads continue with a range request).
    public var attempts = 3

    /// The defaults: HTTPS, the system trust store, the user's credentials files.
    public init() {}
}
