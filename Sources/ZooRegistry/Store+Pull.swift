extension Store {
    /// Whether the store holds blob `digest` with exactly `size` bytes (push and pull skip such a
    /// blob; its digest was checked when it was written).
    public func hasBlob(_ digest: Digest, size: Int64) -> Bool {
        size >= 0 && DiskIO.fileSize(blobPath(digest)) == UInt64(size)
    }

    /// The exact bytes of a manifest blob, digest checked: what a push sends, so the registry's
    /// manifest has the store's digest.
    public func manifestBytes(_ digest: Digest) throws(StoreError) -> [UInt8] {
        try readVerifiedBlob(digest, limit: Store.manifestLimit, what: "manifest")
    }

    /// The version whose manifest is `digest` (the lowest name and version when several are), or
    /// nil when the index lists none.
    public func version(withDigest digest: Digest) throws(StoreError) -> ModelVersion? {
        try list().first { $0.digest == digest }
    }

    /// Starts taking a pull into the store.
    public func beginPull() throws(StoreError) -> PullWriter {
        try PullWriter(store: self)
    }
}
