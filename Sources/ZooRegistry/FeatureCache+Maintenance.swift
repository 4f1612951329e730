extension FeatureCache {
    /// What the cache holds: usable entries and their bytes (entry files and the feature files
    /// they name), and leftovers (files no entry names, entries that do not parse or whose file
    /// is gone) that `gc` removes.
    public struct Usage: Sendable, Equatable {
        /// Entries that parse and whose file exists.
        public var entries: Int = 0
        /// Bytes of those entries and their files.
        public var bytes: UInt64 = 0
        /// Leftover entry and feature files.
        public var leftoverFiles: Int = 0
        /// Bytes of the leftovers.
        public var leftoverBytes: UInt64 = 0
    }

    /// The cache's usage, from the directory listings and the small entry files (feature files
    /// are not opened).
    public func usage() throws(StoreError) -> Usage {
        let (keep, drop) = try partition(all: false)
        var u = Usage()
        u.entries = keep.entries
        u.bytes = keep.bytes
        u.leftoverFiles = drop.paths.count
        u.leftoverBytes = drop.bytes
        return u
    }

    /// What a collection removes: every entry and file with `all`, else only leftovers.
    struct Removal {
        var paths: [String] = []
        var entries = 0
        var bytes: UInt64 = 0
    }

    /// Removes leftovers, or with `all` the whole cache, under the cache's lock; a dry run only
    /// counts. The store's gc calls it while holding the gc lock, so no feature file is being
    /// written (writers hold that lock shared).
    func collect(all: Bool, dryRun: Bool) throws(StoreError) -> (entries: Int, files: Int, bytes: UInt64) {
        let lock = try lockExclusive()
        defer { lock.unlock() }
        let (_, drop) = try partition(all: all)
        if !dryRun {
            for path in drop.paths { try DiskIO.remove(path) }
            if !drop.paths.isEmpty {
                if DiskIO.isDirectory(entryDirectory) { try DiskIO.fsyncDirectory(entryDirectory) }
                if DiskIO.isDirectory(blobDirectory) { try DiskIO.fsyncDirectory(blobDirectory) }
            }
        }
        return (drop.entries, drop.paths.count, drop.bytes)
    }

    /// Splits the cache's files into those kept (usable entries and the files they name) and
    /// those to remove (leftovers; with `all`, everything).
    private func partition(all: Bool) throws(StoreError) -> (keep: Removal, drop: Removal) {
        let entries = try storedEntries()
        let blobs = try storedBlobs()
        var keep = Removal(), drop = Removal()
        var named = Set<String>()
        for e in entries {
            let path = entryPath(e.name)
            if !all, let entry = e.entry, blobs[entry.sha256] == entry.size {
                named.insert(entry.sha256)
                keep.entries += 1
                keep.bytes += e.fileSize
                keep.paths.append(path)
            } else {
                if e.entry != nil { drop.entries += 1 }
                drop.bytes += e.fileSize
                drop.paths.append(path)
            }
        }
        for (sha, size) in blobs.sorted(by: { $0.key < $1.key }) {
            if named.contains(sha) {
                keep.bytes += size
            } else {
                drop.bytes += size
                drop.paths.append(blobPath(sha))
            }
        }
        return (keep, drop)
    }
}
