extension Store {
    /// Replaces `index.json` atomically. Callers hold the index lock.
    func writeIndex(_ index: StoreIndex) throws(StoreError) {
        try DiskIO.replaceAtomically(indexPath, with: index.encoded(), temporaryDirectory: temporaryDirectory)
    }

    /// Runs `change` on the current index under the exclusive index lock and writes the result.
    /// A throwing `change` leaves the index as it was.
    func updateIndex<T>(_ change: (inout StoreIndex) throws(StoreError) -> T) throws(StoreError) -> T {
        try makePrivateDirectories()
        let lock = try FileLock(path: indexLockPath, exclusive: true)
        defer { lock.unlock() }
        var index = try readIndex()
        let result = try change(&index)
        index.refreshTags()
        try writeIndex(index)
        return result
    }
}
