#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ZooFormat

/// The feature cache of a store (formats/store.md, "The feature cache"): frozen backbones'
/// outputs on data sets, so training a head on them, again and again, does not run the backbone.
///
/// ```
/// .zoo/cache/features/
///   entries/<key>.json   one entry per (backbone, data, shapes, compute) key: the file's SHA-256, size, rows, bad rows
///   blobs/<sha256>       feature files (FeatureFile), named by the SHA-256 of their bytes
///   lock                 held exclusive while entries are added, evicted or removed
/// ```
///
/// Like the summary cache it is never the truth and lives outside the OCI layout: `index.json`
/// never lists it, so `push` and `pull` never carry it, and deleting it loses only time. A file
/// is written to `.zoo/tmp/` under the store's gc lock (shared), fsynced, then renamed into place
/// before its entry is written; an entry is used only when its file's header, size, every chunk's
/// CRC32 and the whole file's SHA-256 agree with it. The cache is kept within `limit` bytes by
/// removing the least recently used entries (an entry's modification time is its last use).
public struct FeatureCache: FeatureStore {
    /// The store the cache belongs to.
    public let store: Store
    /// Bytes the cache may hold (feature files and entries); an entry larger than this serves
    /// only the run that made it.
    public var limit: UInt64

    /// 4 GiB: MobileNetV2's pooled features (1,280 values) of about 800,000 samples.
    public static let defaultLimit: UInt64 = 4 << 30
    /// Largest entry file read.
    static let entryLimit = 16 << 20
    /// Entries with more bad rows than this are not stored (their list would not be small).
    public static let badRowLimit = 100_000

    /// The cache of `store`, bounded by `limit` bytes.
    public init(store: Store, limit: UInt64 = FeatureCache.defaultLimit) {
        self.store = store
        self.limit = limit
    }

    /// The limit `ZOO_FEATURE_CACHE_LIMIT` sets (bytes, or with a K, M, G or T suffix, powers of
    /// 1024), else the default; nil with a message when the value is not a size.
    public static func limit(fromEnvironment environment: [String: String]) -> Result<UInt64, StoreError> {
        guard let text = environment["ZOO_FEATURE_CACHE_LIMIT"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return .success(defaultLimit)
        }
        let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = text.uppercased()
        var scale: UInt64 = 1
        if digits.hasSuffix("B") { digits.removeLast() }
        if let last = digits.last, let unit = units[last] { scale = unit; digits.removeLast() }
        guard let n = UInt64(digits), !n.multipliedReportingOverflow(by: scale).overflow else {
            return .failure(StoreError(.invalidArgument, "ZOO_FEATURE_CACHE_LIMIT='\(text)' is not a size; give bytes or a number with K, M, G or T (for example 2G)"))
        }
        return .success(n * scale)
    }

    var directory: String { store.root + "/.zoo/cache/features" }
    var entryDirectory: String { directory + "/entries" }
    var blobDirectory: String { directory + "/blobs" }
    var lockPath: String { directory + "/lock" }

    func entryPath(_ keyDigest: String) -> String { entryDirectory + "/" + keyDigest + ".json" }
    func blobPath(_ sha256: String) -> String { blobDirectory + "/" + sha256 }

    // MARK: FeatureStore

    public func lookup(_ key: FeatureKey) -> FeatureLookup {
        let name = key.digest
        let path = entryPath(name)
        guard DiskIO.exists(path) else { return .miss }
        let entry: FeatureEntry
        do {
            entry = try StoreJSON.decode(FeatureEntry.self, from: try DiskIO.read(path, limit: FeatureCache.entryLimit), what: "feature cache entry \(name)")
        } catch {
            if error.kind == .notFound { return .miss }  // removed meanwhile
            return damaged(key, "its entry cannot be read (\(error.message))")
        }
        guard entry.key == key else { return damaged(key, "its entry records another key") }
        guard SHA256Digest.isValidHex(entry.sha256) else { return damaged(key, "its entry names no valid file") }
        let reader: FeatureFileReader
        do { reader = try FeatureFileReader(path: blobPath(entry.sha256)) } catch {
            return damaged(key, "its feature file is \(DiskIO.exists(blobPath(entry.sha256)) ? "damaged: \(error.message)" : "missing")")
        }
        guard reader.layout.rows == entry.rows, reader.layout.shape == key.featureShape, reader.layout.fileSize == entry.size else {
            return damaged(key, "its feature file does not match its entry (rows, shape or size)")
        }
        // Its modification time is its last use, for eviction.
        _ = utimensat(AT_FDCWD, path, nil, 0)
        return .hit(entry, reader)
    }

    public func discard(_ key: FeatureKey, reason: String) {
        guard let lock = try? lockExclusive() else { return }
        defer { lock.unlock() }
        // The file failed a check, so it goes even if another entry names it (that one would fail too).
        removeEntry(key.digest, removingFile: true)
    }

    public func makeWriter(for key: FeatureKey, rows: Int) throws -> FeatureFileWriter {
        try store.makePrivateDirectories()
        // Held until the file is in place, so gc does not take it for a leftover temporary file.
        let gcLock = try FileLock(path: store.gcLockPath, exclusive: false)
        let (fd, path) = try DiskIO.createTemporary(in: store.temporaryDirectory, prefix: "features")
        close(fd)
        try DiskIO.remove(path)  // the writer creates it anew, exclusively
        let writer: FeatureFileWriter
        do { writer = try FeatureFileWriter(path: path, shape: key.featureShape, rows: rows) } catch { throw StoreError(error) }
        writer.retained = gcLock
        return writer
    }

    public func commit(_ writer: FeatureFileWriter, key: FeatureKey, badRows: [FeatureBadRow]) throws -> FeatureCommit {
        let (sha256, size): (String, UInt64)
        do { (sha256, size) = try writer.finish() } catch { throw StoreError(error) }
        let entry = FeatureEntry(key: key, sha256: sha256, size: size, rows: writer.layout.rows, badRows: badRows, created: Store.now())
        let entryBytes = try StoreJSON.encode(entry)
        let temporary = writer.path
        defer { writer.retained = nil }
        guard size + UInt64(entryBytes.count) <= limit, badRows.count <= FeatureCache.badRowLimit else {
            // Too large to keep: this run reads the file through its descriptor, then it is gone.
            let reader: FeatureFileReader
            do { reader = try FeatureFileReader(path: temporary) } catch { throw StoreError(error) }
            try? DiskIO.remove(temporary)
            return FeatureCommit(entry: entry, reader: reader, kept: false, evicted: 0)
        }
        let lock = try lockExclusive()
        defer { lock.unlock() }
        try DiskIO.makeDirectory(entryDirectory)
        try DiskIO.makeDirectory(blobDirectory)
        let target = blobPath(sha256)
        let evicted = try evict(toFit: size + UInt64(entryBytes.count), keeping: key.digest)
        // Renamed over a file of the same name too: that one may be the damaged copy being replaced.
        try DiskIO.rename(temporary, target)
        try DiskIO.fsyncDirectory(blobDirectory)
        try DiskIO.replaceAtomically(entryPath(key.digest), with: entryBytes, temporaryDirectory: store.temporaryDirectory)
        let reader: FeatureFileReader
        do { reader = try FeatureFileReader(path: target) } catch { throw StoreError(error) }
        return FeatureCommit(entry: entry, reader: reader, kept: true, evicted: evicted)
    }

    // MARK: Entries on disk

    /// An entry file on disk: its key digest, modification time, size, and what it records
    /// (nil when it does not parse).
    struct StoredEntry {
        var name: String
        var modified: Int64
        var fileSize: UInt64
        var entry: FeatureEntry?
    }

    /// Every entry file (names ending in `.json`), parsed where possible.
    func storedEntries() throws(StoreError) -> [StoredEntry] {
        guard DiskIO.isDirectory(entryDirectory) else { return [] }
        var out: [StoredEntry] = []
        for file in try DiskIO.list(entryDirectory) where file.hasSuffix(".json") {
            let path = entryDirectory + "/" + file
            var st = stat()
            guard stat(path, &st) == 0 else { continue }
            let name = String(file.dropLast(5))
            let entry = (try? DiskIO.read(path, limit: FeatureCache.entryLimit)).flatMap {
                try? StoreJSON.decode(FeatureEntry.self, from: $0, what: "entry")
            }
            #if canImport(Glibc)
            let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            #else
            let modified = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
            #endif
            out.append(StoredEntry(name: name, modified: modified, fileSize: UInt64(max(0, st.st_size)),
                                   entry: entry.flatMap { $0.key.digest == name ? $0 : nil }))
        }
        return out
    }

    /// Feature files on disk with their sizes (names that are not 64 hex digits are skipped).
    func storedBlobs() throws(StoreError) -> [String: UInt64] {
        guard DiskIO.isDirectory(blobDirectory) else { return [:] }
        var out: [String: UInt64] = [:]
        for name in try DiskIO.list(blobDirectory) where SHA256Digest.isValidHex(name) {
            if let size = DiskIO.fileSize(blobDirectory + "/" + name) { out[name] = size }
        }
        return out
    }

    /// Removes the oldest entries (and files no other entry uses) until `incoming` more bytes fit
    /// within the limit; the entry named `keeping` is replaced, so it does not count. Runs under the lock.
    private func evict(toFit incoming: UInt64, keeping: String) throws(StoreError) -> Int {
        var entries = try storedEntries().filter { $0.name != keeping }
        let blobs = try storedBlobs()
        func total() -> UInt64 {
            let used = Set(entries.compactMap { $0.entry?.sha256 })
            return entries.reduce(UInt64(0)) { $0 + $1.fileSize } + used.reduce(UInt64(0)) { $0 + (blobs[$1] ?? 0) }
        }
        entries.sort { $0.modified < $1.modified }
        var removed = 0
        while !entries.isEmpty && total() + incoming > limit {
            removeEntry(entries.removeFirst().name, remaining: entries)
            removed += 1
        }
        return removed
    }

    /// Removes an entry, and its file when `removingFile` or when no entry in `remaining`
    /// (default: all others) uses it.
    private func removeEntry(_ name: String, remaining: [StoredEntry]? = nil, removingFile: Bool = false) {
        let path = entryPath(name)
        let entry = (try? DiskIO.read(path, limit: FeatureCache.entryLimit)).flatMap { try? StoreJSON.decode(FeatureEntry.self, from: $0, what: "entry") }
        // An entry under another key's name says nothing about its own file (gc removes leftovers).
        let sha = entry?.key.digest == name ? entry?.sha256 : nil
        try? DiskIO.remove(path)
        guard let sha, SHA256Digest.isValidHex(sha) else { return }
        let others = remaining ?? ((try? storedEntries()) ?? [])
        if removingFile || !others.contains(where: { $0.name != name && $0.entry?.sha256 == sha }) {
            try? DiskIO.remove(blobPath(sha))
        }
    }

    private func damaged(_ key: FeatureKey, _ why: String) -> FeatureLookup {
        if let lock = try? lockExclusive() {
            removeEntry(key.digest, removingFile: true)
            lock.unlock()
        }
        return .damaged(why)
    }

    func lockExclusive() throws(StoreError) -> FileLock {
        try store.makePrivateDirectories()
        try DiskIO.makeDirectory(store.root + "/.zoo/cache")
        try DiskIO.makeDirectory(directory)
        return try FileLock(path: lockPath, exclusive: true)
    }
}
