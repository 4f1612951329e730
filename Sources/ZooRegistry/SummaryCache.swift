#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ZooFormat

/// The summary cache, `.zoo/cache/manifests.v1` (formats/store.md, "The summary cache"): an
/// append-only file of records, one per manifest, each `ZSR1`, payload length, CRC32, payload.
///
/// The cache is never the truth, only a memo of it: a record is keyed by the digest of the
/// manifest it summarises, so it can never go stale, and a record whose CRC32 fails, that is cut
/// short or that does not parse is skipped. What is missing is rebuilt from the manifests and
/// added. Writes are best effort and unsynced: losing the cache loses nothing but time.
struct SummaryCache {
    /// The file's first bytes.
    static let header = Array("zoo-summaries-1\n".utf8)
    /// Each record's first bytes.
    static let recordMagic: [UInt8] = Array("ZSR1".utf8)
    /// A cache file larger than this is not read (and is replaced).
    static let fileLimit = 1 << 30
    /// A record payload larger than this is not valid (a manifest is at most 64 MiB).
    static let recordLimit = 1 << 27

    /// The cache directory (`.zoo/cache`).
    let directory: String
    /// Where temporary files go (`.zoo/tmp`, on the same file system).
    let temporaryDirectory: String

    var path: String { directory + "/manifests.v1" }
    /// Held exclusive while appending to or replacing the file (never while holding nothing else
    /// would deadlock: it is always the last lock taken).
    var lockPath: String { directory + "/lock" }

    /// What `load` found.
    struct Contents {
        var records: [DigestBytes: ManifestSummary] = [:]
        /// Records read (duplicates included).
        var count = 0
        /// Whether a record was damaged (the file should be rewritten).
        var damaged = false
    }

    /// Reads every valid record; an absent or unreadable file reads as empty.
    func load() -> Contents {
        var contents = Contents()
        guard let bytes = try? DiskIO.read(path, limit: SummaryCache.fileLimit) else { return contents }
        bytes.withUnsafeBytes { buffer in
            let header = SummaryCache.header
            guard buffer.count >= header.count, buffer.prefix(header.count).elementsEqual(header) else {
                contents.damaged = !buffer.isEmpty
                return
            }
            var position = header.count
            while buffer.count - position >= 12 {
                guard SummaryCache.isMagic(buffer, at: position) else {
                    contents.damaged = true
                    position = SummaryCache.nextMagic(buffer, after: position)
                    continue
                }
                var r = ByteCoding.Reader(UnsafeRawBufferPointer(rebasing: buffer[(position + 4)...]))
                guard let length = r.u32(), let crc = r.u32() else { break }
                let end = position + 12 + Int(length)
                // A record cut short at the end: an append in progress or one a crash cut off.
                guard end <= buffer.count else { break }
                let payload = UnsafeRawBufferPointer(rebasing: buffer[(position + 12)..<end])
                guard Int(length) <= SummaryCache.recordLimit, CRC32.checksum(payload) == crc,
                      let (digest, summary) = ManifestSummary.decode(payload) else {
                    contents.damaged = true
                    position = SummaryCache.nextMagic(buffer, after: position)
                    continue
                }
                contents.records[digest] = summary
                contents.count += 1
                position = end
            }
        }
        return contents
    }

    /// Appends records (best effort: an error leaves the cache as it was or with a torn last
    /// record, which readers skip).
    func append(_ records: [(DigestBytes, ManifestSummary)]) {
        guard !records.isEmpty, let lock = try? lockExclusive() else { return }
        defer { lock.unlock() }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return }
        var out: [UInt8] = st.st_size == 0 ? SummaryCache.header : []
        for (digest, summary) in records { SummaryCache.appendRecord(digest, summary, to: &out) }
        _ = try? DiskIO.withBytes(out) { (b) throws(StoreError) in try DiskIO.writeAll(fd, b, path: path) }
    }

    /// Replaces the file with its valid records plus `records`, keeping only the digests `keep`
    /// accepts (all when nil); sorted by digest, so equal caches are equal files. The file is read
    /// again under the lock, so a record another process appended meanwhile is not dropped.
    func rewrite(adding records: [DigestBytes: ManifestSummary], keeping keep: ((DigestBytes) -> Bool)? = nil) {
        guard let lock = try? lockExclusive() else { return }
        defer { lock.unlock() }
        var all = load().records.merging(records) { _, new in new }
        if let keep { all = all.filter { keep($0.key) } }
        var out = SummaryCache.header
        for digest in all.keys.sorted() {
            if let summary = all[digest] { SummaryCache.appendRecord(digest, summary, to: &out) }
        }
        guard let (fd, tmp) = try? DiskIO.createTemporary(in: temporaryDirectory, prefix: "cache") else { return }
        let written = (try? DiskIO.withBytes(out) { (b) throws(StoreError) in try DiskIO.writeAll(fd, b, path: tmp) }) != nil
        close(fd)
        if !written || (try? DiskIO.rename(tmp, path)) == nil { try? DiskIO.remove(tmp) }
    }

    private func lockExclusive() throws(StoreError) -> FileLock {
        try DiskIO.makeDirectory(directory)
        return try FileLock(path: lockPath, exclusive: true)
    }

    static func appendRecord(_ digest: DigestBytes, _ summary: ManifestSummary, to out: inout [UInt8]) {
        var payload: [UInt8] = []
        payload.reserveCapacity(100 + 40 * summary.layers.count)
        summary.encode(digest: digest, to: &payload)
        out.append(contentsOf: recordMagic)
        ByteCoding.append(UInt32(payload.count), to: &out)
        ByteCoding.append(CRC32.checksum(payload), to: &out)
        out.append(contentsOf: payload)
    }

    private static func isMagic(_ buffer: UnsafeRawBufferPointer, at p: Int) -> Bool {
        buffer.count - p >= 4 && buffer[p] == recordMagic[0] && buffer[p + 1] == recordMagic[1]
            && buffer[p + 2] == recordMagic[2] && buffer[p + 3] == recordMagic[3]
    }

    /// The next position after `p` where a record's magic starts, or the end.
    private static func nextMagic(_ buffer: UnsafeRawBufferPointer, after p: Int) -> Int {
        var q = p + 1
        while q + 4 <= buffer.count {
            if isMagic(buffer, at: q) { return q }
            q += 1
        }
        return buffer.count
    }
}
