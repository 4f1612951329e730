import Foundation
import Testing
import ZooFormat
import ZooModel
@testable import ZooRegistry

/// The summary cache under `.zoo/cache` (formats/store.md, "The summary cache"): du, gc --dry-run
/// and lineage answer from it the same as from the manifests, whatever state it is in.
@Suite struct SummaryCacheTests {
    /// A store with shared and exclusive blobs, a tag on an old version, a removed version and
    /// a three-step lineage chain.
    func makeStore() throws -> (StoreFixture, [ModelVersion]) {
        let f = try StoreFixture()
        let x = StoreFixture.bytes(count: 300, seed: 1), y = StoreFixture.bytes(count: 200, seed: 2)
        let z = StoreFixture.bytes(count: 100, seed: 3), w = StoreFixture.bytes(count: 50, seed: 4)
        let base = try f.commit("base", [("x", x), ("y", y)], operation: "import")
        let cut = try f.commit("cut", [("x", x)], parent: base.digest, operation: "slice")
        let head = try f.commit("head", tag: "prod", [("x", x), ("h", z)], parent: cut.digest, operation: "graft")
        let gone = try f.commit("head", [("x", x), ("w", w)], parent: cut.digest, operation: "graft")
        try f.store.remove(try ModelReference(parsing: "head:2"))
        return (f, [base, cut, head, gone])
    }

    var cachePath: (StoreFixture) -> String { { $0.store.root + "/.zoo/cache/manifests.v1" } }

    /// du, gc --dry-run and lineage, as JSON, to compare whole answers.
    func answers(_ f: StoreFixture) throws -> [Data] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return [try encoder.encode(try f.store.du()), try encoder.encode(try f.store.gc(dryRun: true)),
                try encoder.encode(try f.store.lineage(try ModelReference(parsing: "head:prod")))]
    }

    @Test func commitsFillTheCacheAndAnswersMatchTheManifests() throws {
        let (f, versions) = try makeStore()
        let contents = f.store.summaryCache.load()
        #expect(!contents.damaged)
        // One record per manifest written, each equal to what its manifest and config say.
        for v in versions {
            let record = try #require(contents.records[DigestBytes(v.digest)])
            #expect(record == (try f.store.readSummary(v.digest)).summary)
        }
        let warm = try answers(f)
        // Without the cache every answer is rebuilt from the manifests, and the cache with it.
        try FileManager.default.removeItem(atPath: f.store.root + "/.zoo/cache")
        #expect(try answers(f) == warm)
        #expect(f.store.summaryCache.load().records.count == 3)  // the referenced manifests
        // The dry run reports what gc then frees.
        let dry = try f.store.gc(dryRun: true)
        let gc = try f.store.gc()
        #expect(gc.blobs == dry.blobs && gc.blobBytes == dry.blobBytes && !gc.blobs.isEmpty)
        #expect(try f.store.verify().ok)
    }

    @Test func aDamagedCacheIsSkippedAndRewritten() throws {
        let (f, _) = try makeStore()
        let warm = try answers(f)
        let good = try Data(contentsOf: URL(fileURLWithPath: cachePath(f)))
        var damages: [(String, Data)] = []
        var flipped = good
        flipped[good.count / 2] ^= 0x10
        damages.append(("a flipped byte", flipped))
        damages.append(("a cut-off record", good.prefix(good.count - 7)))
        damages.append(("garbage", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131) })))
        damages.append(("garbage in the middle", good.prefix(200) + Data(repeating: 0x5A, count: 333) + good.dropFirst(200)))
        damages.append(("another header", Data("zoo-summaries-9\n".utf8) + good.dropFirst(16)))
        damages.append(("nothing", Data()))
        for (what, bytes) in damages {
            try bytes.write(to: URL(fileURLWithPath: cachePath(f)))
            #expect(try answers(f) == warm, "\(what)")
            // Damage is repaired: the next reader finds every record intact.
            let again = f.store.summaryCache.load()
            #expect(!again.damaged && again.records.count >= 3, "\(what)")
        }
    }

    @Test func aRecordThatLiesIsCaughtByVerifyAndIgnoredByGc() throws {
        let (f, versions) = try makeStore()
        let base = versions[0]
        let truth = try f.store.readSummary(base.digest).summary
        // A record with a valid CRC that leaves out a layer: du and the dry run believe it...
        var lie = truth
        lie.layers.removeLast()
        f.store.summaryCache.append([(DigestBytes(base.digest), lie)])
        let report = try f.store.verify()
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.contains("summary cache") == true)
        // ...but gc reads the manifests: it keeps the layer and drops the record.
        let layer = try f.store.manifest(of: base).layers.last?.digest
        let gc = try f.store.gc()
        #expect(!gc.blobs.contains { $0 == layer })
        #expect(f.store.summaryCache.load().records[DigestBytes(base.digest)] == nil)
        #expect(try f.store.verify().ok)
        #expect(try f.store.du().versions.first { $0.reference == "base:1" }?.logicalBytes
                == truth.manifestSize + truth.config.size + truth.layers.reduce(0) { $0 + $1.size })
    }

    @Test func aRecordWhoseManifestSizeDisagreesIsRebuilt() throws {
        let (f, versions) = try makeStore()
        let warm = try answers(f)
        var wrong = try f.store.readSummary(versions[1].digest).summary
        wrong.manifestSize += 1
        wrong.layers = []
        f.store.summaryCache.append([(DigestBytes(versions[1].digest), wrong)])
        #expect(try answers(f) == warm)
    }

    @Test func gcKeepsOnlyTheRecordsOfReferencedManifests() throws {
        let (f, versions) = try makeStore()
        #expect(f.store.summaryCache.load().records.count == 4)
        _ = try f.store.gc()
        let records = f.store.summaryCache.load().records
        #expect(records.count == 3)
        #expect(records[DigestBytes(versions[3].digest)] == nil)  // head:2, removed
    }

    @Test func lineageWithoutAReadableConfigSaysWhy() throws {
        let (f, versions) = try makeStore()
        let config = try f.store.manifest(of: versions[1]).config.digest
        try FileManager.default.removeItem(atPath: f.store.root + "/.zoo/cache")
        try FileManager.default.removeItem(atPath: f.store.blobPath(config))
        do {
            _ = try f.store.lineage(try ModelReference(parsing: "head"))
            Issue.record("lineage passed over a missing config")
        } catch {
            #expect(error.kind == .corrupt)
            #expect(error.message.contains(config.description))
        }
        // du needs only the manifests.
        #expect(try f.store.du().versions.count == 3)
    }

    @Test func stagedVersionsCommitInOneUpdate() throws {
        let f = try StoreFixture()
        let writer = try StoreWriter(store: f.store)
        let x = StoreFixture.bytes(count: 64, seed: 9)
        var parent: Digest?
        for (i, name) in ["a", "a", "b"].enumerated() {
            try x.withUnsafeBytes { try writer.addEncoded(record: StoreFixture.record("t\(i)", x), stream: $0) }
            parent = try writer.stage(name: name, tag: i == 1 ? "best" : nil, metadata: nil,
                                      model: ModelDescription(layers: [], lineage: LineageRecord(parent: parent?.description, operation: "step")))
        }
        #expect(try f.store.list().isEmpty)
        let committed = try writer.commitStaged()
        #expect(committed.map(\.reference) == ["a:1", "a:2", "b:1"])
        #expect(committed[1].tags == ["best"])
        #expect(try f.store.lineage(try ModelReference(parsing: "b")).chain.map(\.reference) == ["b:1", "a:2", "a:1"])
        #expect(throws: StoreError.self) { try writer.commitStaged() }
        #expect(try f.store.verify().ok)
    }
}
