import Crypto

/// Incremental SHA-256 (swift-crypto), for digests of data that arrives in pieces: a tensor
/// decoded chunk by chunk, a blob streamed to disk. (`SHA256` is a plain value without shared
/// state; swift-crypto just does not mark it `Sendable`.)
public struct SHA256Hasher: @unchecked Sendable {
    private var state = SHA256()

    /// A hasher with no input yet.
    public init() {}

    /// Adds `bytes` to the digest.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        state.update(bufferPointer: bytes)
    }

    /// Adds a byte array to the digest.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The lowercase hex digest of everything added so far.
    public func finalizeHex() -> String {
        SHA256Digest.hexString(state.finalize())
    }
}
