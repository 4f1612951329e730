#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import ZooFormat
@testable import ZooRegistry

/// The store's feature cache: entries round-trip; a missing, truncated, corrupt or lying entry
/// is never a hit; the size limit evicts the least recently used; du shows it and gc drops it.
@Suite struct FeatureCacheTests {
    static func key(_ n: Int, shape: [Int] = [4]) -> FeatureKey {
        FeatureKey(backbone: "sha256:" + String(repeating: "a", count: 64), data: "sha256:data\(n)",
                   inputShape: [1, 8, 8], featureShape: shape, compute: "test")
    }

    static func rows(_ n: Int, width: Int, seed: Int) -> [Float] {
        (0..<(n * width)).map { Float($0 * 7 + seed) / 3 }
    }

    /// Writes and commits `rows` rows for key `n`.
    @discardableResult
    static func put(_ cache: FeatureCache, _ n: Int, rows: Int = 10, bad: [FeatureBadRow] = []) throws -> FeatureCommit {
        let key = key(n)
        let writer = try cache.makeWriter(for: key, rows: rows)
        try writer.append(Self.rows(rows, width: 4, seed: n))
        return try cache.commit(writer, key: key, badRows: bad)
    }

    static func hit(_ cache: FeatureCache, _ n: Int) -> (FeatureEntry, FeatureFileReader)? {
        if case .hit(let e, let r) = cache.lookup(key(n)) { return (e, r) }
        return nil
    }

    static func isDamaged(_ lookup: FeatureLookup) -> Bool {
        if case .damaged = lookup { return true }
        return false
    }

    static func files(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    @Test func entriesRoundTrip() throws {
        let fixture = try StoreFixture()
        let cache = FeatureCache(store: fixture.store)
        guard case .miss = cache.lookup(Self.key(1)) else { Issue.record("an empty cache must miss"); return }
        let bad = [FeatureBadRow(index: 3, kind: "undecodable", reason: "x.png: not a PNG")]
        let commit = try Self.put(cache, 1, bad: bad)
        #expect(commit.kept && commit.evicted == 0)
        let (entry, reader) = try #require(Self.hit(cache, 1))
        #expect(entry == commit.entry && entry.badRows == bad && entry.rows == 10)
        #expect(try reader.loadAll(sha256: entry.sha256) == Self.rows(10, width: 4, seed: 1))
        // Named by content; nothing left in the temporary folder; other keys miss.
        #expect(Self.files(cache.blobDirectory) == [entry.sha256])
        #expect(Self.files(fixture.store.temporaryDirectory).isEmpty)
        guard case .miss = cache.lookup(Self.key(2)) else { Issue.record("another key must miss"); return }
        // The OCI layout does not know the cache: index.json and blobs/ are untouched.
        #expect(try fixture.store.list().isEmpty)
        #expect(fixture.blobNames.isEmpty)
    }

    @Test func damageIsNeverAHit() throws {
        let fixture = try StoreFixture()
        let cache = FeatureCache(store: fixture.store)
        // A value flipped: the header opens, the content check fails, discard removes it.
        let entry = try Self.put(cache, 1).entry
        let blob = cache.blobPath(entry.sha256)
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: blob)))
        bytes[bytes.count - 10] ^= 1
        FileManager.default.createFile(atPath: blob, contents: Data(bytes))
        let (found, reader) = try #require(Self.hit(cache, 1))
        #expect(throws: FormatError.self) { try reader.verify(sha256: found.sha256) }
        cache.discard(Self.key(1), reason: "test")
        guard case .miss = cache.lookup(Self.key(1)) else { Issue.record("a discarded entry must miss"); return }
        #expect(!FileManager.default.fileExists(atPath: blob))

        // Truncated file, missing file, garbled entry, an entry under another key's name.
        try Self.put(cache, 2)
        let blob2 = cache.blobPath(try #require(Self.hit(cache, 2)).0.sha256)
        let whole = try #require(FileManager.default.contents(atPath: blob2))
        FileManager.default.createFile(atPath: blob2, contents: whole.dropLast(3))
        #expect(Self.isDamaged(cache.lookup(Self.key(2))))
        guard case .miss = cache.lookup(Self.key(2)) else { Issue.record("a damaged entry is removed"); return }

        try Self.put(cache, 3)
        try FileManager.default.removeItem(atPath: cache.blobPath(try #require(Self.hit(cache, 3)).0.sha256))
        #expect(Self.isDamaged(cache.lookup(Self.key(3))))

        try Self.put(cache, 4)
        FileManager.default.createFile(atPath: cache.entryPath(Self.key(4).digest), contents: Data("{not json".utf8))
        #expect(Self.isDamaged(cache.lookup(Self.key(4))))

        try Self.put(cache, 5)
        try Self.put(cache, 6)
        let six = try #require(FileManager.default.contents(atPath: cache.entryPath(Self.key(6).digest)))
        FileManager.default.createFile(atPath: cache.entryPath(Self.key(5).digest), contents: six)
        #expect(Self.isDamaged(cache.lookup(Self.key(5))))
        #expect(Self.hit(cache, 6) != nil)
    }

    @Test func theLimitEvictsTheLeastRecentlyUsed() throws {
        let fixture = try StoreFixture()
        let one = try Self.put(FeatureCache(store: fixture.store), 0)
        let entryBytes = UInt64(try #require(FileManager.default.contents(atPath: FeatureCache(store: fixture.store).entryPath(Self.key(0).digest))).count)
        // Room for two entries of this size, not three.
        let cache = FeatureCache(store: fixture.store, limit: 2 * (one.entry.size + entryBytes) + 100)
        try Self.put(cache, 1)
        let old = timespec(tv_sec: 1_000_000, tv_nsec: 0)
        for (n, t) in [(0, old), (1, timespec(tv_sec: 2_000_000, tv_nsec: 0))] {
            var times = [t, t]
            _ = utimensat(AT_FDCWD, cache.entryPath(Self.key(n).digest), &times, 0)
        }
        // Using entry 0 makes entry 1 the least recently used.
        #expect(Self.hit(cache, 0) != nil)
        let third = try Self.put(cache, 2)
        #expect(third.kept && third.evicted == 1)
        #expect(Self.hit(cache, 0) != nil && Self.hit(cache, 2) != nil)
        guard case .miss = cache.lookup(Self.key(1)) else { Issue.record("the least recently used entry is evicted"); return }
        #expect(Self.files(cache.blobDirectory).count == 2)

        // Larger than the whole limit: served from its open file, never stored.
        let tiny = FeatureCache(store: fixture.store, limit: 100)
        let big = try Self.put(tiny, 7, rows: 50)
        #expect(!big.kept)
        #expect(try big.reader.loadAll(sha256: big.entry.sha256) == Self.rows(50, width: 4, seed: 7))
        guard case .miss = tiny.lookup(Self.key(7)) else { Issue.record("an oversized entry is not stored"); return }
        #expect(Self.files(fixture.store.temporaryDirectory).isEmpty)
        #expect(Self.files(cache.blobDirectory).count == 2)
    }

    @Test func duShowsItAndGcDropsIt() throws {
        let fixture = try StoreFixture()
        try fixture.commit("m", [("w", StoreFixture.bytes(count: 100, seed: 1))])
        let cache = FeatureCache(store: fixture.store)
        try Self.put(cache, 1)
        try Self.put(cache, 2)
        let du = try fixture.store.du()
        let onDisk = Self.files(cache.blobDirectory).reduce(UInt64(0)) { $0 + (DiskIO.fileSize(cache.blobPath($1)) ?? 0) }
            + Self.files(cache.entryDirectory).reduce(UInt64(0)) { $0 + (DiskIO.fileSize(cache.entryDirectory + "/" + $1) ?? 0) }
        #expect(du.featureCacheEntries == 2 && du.featureCacheBytes == onDisk && du.featureCacheLeftoverBytes == 0)

        // Leftovers: a file no entry names, an entry whose file is gone. Plain gc removes only those.
        let orphan = cache.blobPath(String(repeating: "b", count: 64))
        FileManager.default.createFile(atPath: orphan, contents: Data([1, 2, 3]))
        try Self.put(cache, 3)
        try FileManager.default.removeItem(atPath: cache.blobPath(try #require(Self.hit(cache, 3)).0.sha256))
        #expect(try fixture.store.du().featureCacheLeftoverBytes > 0)
        let dry = try fixture.store.gc(dryRun: true)
        #expect(dry.featureFiles == 2 && dry.featureEntries == 1)
        #expect(FileManager.default.fileExists(atPath: orphan))
        let plain = try fixture.store.gc()
        #expect(plain.featureFiles == 2 && plain.blobs.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: orphan))
        #expect(Self.hit(cache, 1) != nil && Self.hit(cache, 2) != nil)

        let dryAll = try fixture.store.gc(dryRun: true, features: true)
        #expect(dryAll.featureEntries == 2 && dryAll.featureFiles == 4 && dryAll.featureBytes == onDisk)
        #expect(Self.hit(cache, 1) != nil)
        let all = try fixture.store.gc(features: true)
        #expect(all.featureEntries == 2 && all.freedBytes == onDisk)
        #expect(Self.files(cache.blobDirectory).isEmpty && Self.files(cache.entryDirectory).isEmpty)
        #expect(try fixture.store.du().featureCacheEntries == 0)
        // The model is untouched.
        #expect(try fixture.store.list().count == 1)
        #expect(try fixture.store.verify().problems.isEmpty)
    }

    @Test func limitFromTheEnvironment() throws {
        #expect(try FeatureCache.limit(fromEnvironment: [:]).get() == FeatureCache.defaultLimit)
        #expect(try FeatureCache.limit(fromEnvironment: ["ZOO_FEATURE_CACHE_LIMIT": "2G"]).get() == 2 << 30)
        #expect(try FeatureCache.limit(fromEnvironment: ["ZOO_FEATURE_CACHE_LIMIT": "512mb"]).get() == 512 << 20)
        #expect(try FeatureCache.limit(fromEnvironment: ["ZOO_FEATURE_CACHE_LIMIT": "1000"]).get() == 1000)
        for bad in ["lots", "-1", "1.5G", "99999999999999T"] {
            guard case .failure(let e) = FeatureCache.limit(fromEnvironment: ["ZOO_FEATURE_CACHE_LIMIT": bad]) else {
                Issue.record("'\(bad)' must be refused")
                continue
            }
            #expect(e.message.contains("ZOO_FEATURE_CACHE_LIMIT"))
        }
    }
}
