/// One tensor's raw bytes in row-major order, as a reader hands them out: borrowed from a
/// memory-mapped file (kept alive by `owner`) when no copy is needed, else owned.
public struct TensorBytes {
    private enum Backing {
        case borrowed(UnsafeRawBufferPointer, owner: AnyObject)
        case owned([UInt8])
    }

    private let backing: Backing

    /// Bytes that live in `owner`'s memory (a mapped file) and stay valid while it lives.
    init(borrowing bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        backing = .borrowed(bytes, owner: owner)
    }

    /// Bytes held by this value.
    public init(owning bytes: [UInt8]) {
        backing = .owned(bytes)
    }

    /// Number of bytes.
    public var count: Int {
        switch backing {
        case .borrowed(let bytes, _): return bytes.count
        case .owned(let bytes): return bytes.count
        }
    }

    /// Calls `body` with the bytes (valid only inside `body`).
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        switch backing {
        case .borrowed(let bytes, let owner):
            return try withExtendedLifetime(owner) { () throws(E) -> R in try body(bytes) }
        case .owned(let bytes):
            let result = bytes.withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }
            return try result.get()
        }
    }

    /// A copy of the bytes.
    public var array: [UInt8] {
        switch backing {
        case .borrowed(let bytes, let owner):
            return withExtendedLifetime(owner) {
                [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
                    if let base = bytes.baseAddress, let target = buffer.baseAddress { target.update(from: base.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
                    initialized = bytes.count
                }
            }
        case .owned(let bytes): return bytes
        }
    }
}
