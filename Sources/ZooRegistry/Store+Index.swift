#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Store {
    /// `index.json` as a writer read it: its bytes and what they parse to.
    struct IndexSnapshot {
        var bytes: [UInt8]
        var index: StoreIndex
    }

    /// Reads and parses `index.json`, keeping the bytes for `updateIndex(reusing:)`.
    func readIndexSnapshot() throws(StoreError) -> IndexSnapshot {
        let bytes = try readIndexBytes()
        return IndexSnapshot(bytes: bytes, index: try StoreIndex(parsing: bytes, path: indexPath))
    }

    /// Replaces `index.json` atomically. Callers hold the index lock.
    func writeIndex(_ index: StoreIndex) throws(StoreError) {
        try DiskIO.replaceAtomically(indexPath, with: index.encoded(), temporaryDirectory: temporaryDirectory)
    }

    /// Runs `change` on the current index under the exclusive index lock and writes the result.
    /// A throwing `change` leaves the index as it was. With `earlier`, an index read before the
    /// lock was taken: when `index.json` still has exactly its bytes, its parse is reused (a
    /// writer then parses a large index once, not twice).
    func updateIndex<T>(reusing earlier: IndexSnapshot? = nil,
                        _ change: (inout StoreIndex) throws(StoreError) -> T) throws(StoreError) -> T {
        try makePrivateDirectories()
        let lock = try FileLock(path: indexLockPath, exclusive: true)
        defer { lock.unlock() }
        let bytes = try readIndexBytes()
        var index: StoreIndex
        if let earlier, Store.sameBytes(earlier.bytes, bytes) {
            index = earlier.index
        } else {
            index = try StoreIndex(parsing: bytes, path: indexPath)
        }
        let result = try change(&index)
        index.refreshTags()
        try writeIndex(index)
        return result
    }

    static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in
                guard let p = x.baseAddress, let q = y.baseAddress else { return true }
                return memcmp(p, q, x.count) == 0
            }
        }
    }
}
