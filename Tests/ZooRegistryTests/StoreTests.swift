import Foundation
import Testing
import ZooFormat
import ZooModel
@testable import ZooRegistry

@Suite struct StoreTests {
    let a = StoreFixture.bytes(count: 300, seed: 1)
    let b = StoreFixture.bytes(count: 200, seed: 2)
    let c = StoreFixture.bytes(count: 100, seed: 3)

    @Test func openingAMissingStoreSaysHowToMakeOne() throws {
        let f = try StoreFixture()
        #expect(throws: StoreError.self) { try Store.open(f.directory + "/nowhere") }
        do { _ = try Store.open(f.directory + "/nowhere") } catch {
            #expect(error.kind == .noStore)
            #expect(error.message.contains("zoo init"))
        }
        #expect(Store.isStore(at: f.store.root))
        let layout = try String(contentsOfFile: f.store.root + "/oci-layout", encoding: .utf8)
        #expect(layout.contains("\"imageLayoutVersion\":\"1.0.0\""))
        // A non-empty directory that is not a store is not taken over.
        try FileManager.default.createDirectory(atPath: f.directory + "/busy", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: f.directory + "/busy/notes.txt", contents: Data("x".utf8))
        #expect(throws: StoreError.self) { try Store.create(at: f.directory + "/busy") }
    }

    @Test func versionsCountUpAndReferencesResolve() throws {
        let f = try StoreFixture()
        let v1 = try f.commit("bert", [("w", a)])
        let v2 = try f.commit("bert", tag: "prod", [("w", b)])
        let other = try f.commit("gpt2", [("w", c)])
        #expect(v1.version == 1 && v2.version == 2 && other.version == 1)
        #expect(try f.store.resolve("bert").digest == v2.digest)
        #expect(try f.store.resolve("bert:1").digest == v1.digest)
        #expect(try f.store.resolve("bert:prod").digest == v2.digest)
        #expect(try f.store.resolve("bert@sha256:" + String(v1.digest.hex.prefix(10))).version == 1)
        #expect(try f.store.resolve("bert@" + v2.digest.description).version == 2)
        #expect(v2.tags == ["prod"])
        #expect(v2.parameters == 200 && v2.rawBytes == 200 && v2.storedBytes == 200 && v2.tensorCount == 1)
        let listed = try f.store.list()
        #expect(listed.map(\.reference) == ["bert:1", "bert:2", "gpt2:1"])
    }

    @Test func unknownReferencesListCloseMatches() throws {
        let f = try StoreFixture()
        try f.commit("bert", [("w", a)])
        try f.commit("bert", [("w", b)])
        do { _ = try f.store.resolve("bret"); Issue.record("resolved a missing name") } catch {
            #expect(error.kind == .notFound)
            #expect(error.message.contains("did you mean bert"))
        }
        do { _ = try f.store.resolve("bert:7"); Issue.record("resolved a missing version") } catch {
            #expect(error.kind == .notFound)
            #expect(error.message.contains("versions 1, 2"))
        }
        #expect(throws: StoreError.self) { try f.store.resolve("bert:staging") }
    }

    @Test func identicalTensorsAreStoredOnce() throws {
        let f = try StoreFixture()
        let v1 = try f.commit("m1", [("x", a), ("y", b)])
        let blobsAfterFirst = f.blobNames
        // Same tensors under another name (and another tensor name): only manifest and config are new.
        let writer = try StoreWriter(store: f.store)
        try a.withUnsafeBytes { try writer.addEncoded(record: StoreFixture.record("renamed", a), stream: $0) }
        let m = try f.store.manifest(of: v1)
        try writer.reuse(record: StoreFixture.record("y", b), blob: m.layers[1].digest)
        #expect(writer.newBlobBytes == 0)
        #expect(writer.reusedBlobBytes == 500)
        let v2 = try writer.commit(name: "m2", metadata: nil, model: ModelDescription(layers: []))
        let added = f.blobNames.subtracting(blobsAfterFirst)
        let m2 = try f.store.manifest(of: v2)
        #expect(added == [v2.digest.hex, m2.config.digest.hex])
        #expect(m2.layers.map(\.digest) == m.layers.map(\.digest))
        #expect(m2.layers[0].annotations?[AnnotationKey.tensorName] == "renamed")
        #expect(m2.layers[0].mediaType == "application/vnd.zoo.tensor.v1.raw")
        #expect(m2.artifactType == MediaType.modelArtifact)
    }

    @Test func diskUsageCountsSharedBlobsOnce() throws {
        let f = try StoreFixture()
        let v1 = try f.commit("m1", [("x", a), ("y", b)])
        let v2 = try f.commit("m2", [("x", a), ("z", c)])
        let du = try f.store.du()
        func size(_ d: Digest) throws -> UInt64 { UInt64(try Data(contentsOf: URL(fileURLWithPath: f.store.blobPath(d))).count) }
        let m1 = try f.store.manifest(of: v1), m2 = try f.store.manifest(of: v2)
        let own1 = try size(v1.digest) + size(m1.config.digest)
        let own2 = try size(v2.digest) + size(m2.config.digest)
        #expect(du.versions.map(\.reference) == ["m1:1", "m2:1"])
        #expect(du.versions[0].logicalBytes == own1 + 500)
        #expect(du.versions[0].exclusiveBytes == own1 + 200)  // x is shared with m2
        #expect(du.versions[1].exclusiveBytes == own2 + 100)
        #expect(du.uniqueBytes == own1 + own2 + 600)
        #expect(du.logicalBytes == own1 + own2 + 900)
        #expect(du.unreferencedBytes == 0)
        #expect(du.models.map(\.reference) == ["m1", "m2"])
    }

    @Test func removeKeepsSharedBlobsAndGcFreesTheRest() throws {
        let f = try StoreFixture()
        let v1 = try f.commit("m", [("x", a), ("y", b)])
        let v2 = try f.commit("m", [("x", a), ("z", c)])
        let m1 = try f.store.manifest(of: v1)
        let du = try f.store.du()
        let removed = try f.store.remove(try ModelReference(parsing: "m:1"))
        #expect(removed.versions == ["m:1"])
        // rm never deletes a blob; gc deletes exactly what m:1 alone used.
        #expect(f.blobNames.contains(m1.layers[1].digest.hex))
        let before = try f.snapshot()
        let dry = try f.store.gc(dryRun: true)
        #expect(try f.snapshot() == before)
        #expect(dry.blobBytes == du.versions[0].exclusiveBytes)
        let report = try f.store.gc()
        #expect(report == GCReport(blobs: dry.blobs, blobBytes: dry.blobBytes, temporaryFiles: 0, temporaryBytes: 0, dryRun: false))
        #expect(Set(report.blobs) == [v1.digest, m1.config.digest, m1.layers[1].digest])
        #expect(f.blobNames.contains(m1.layers[0].digest.hex))  // x, still used by m:2
        #expect(try f.store.verify().ok)
        #expect(try f.store.resolve("m").digest == v2.digest)
        // Version numbers are never reused.
        try f.store.remove(try ModelReference(parsing: "m:2"))
        #expect(try f.commit("m", [("x", a)]).version == 3)
    }

    @Test func tagsMoveAndAreRemovedWithTheirVersion() throws {
        let f = try StoreFixture()
        try f.commit("m", [("x", a)])
        try f.commit("m", [("x", b)])
        try f.store.tag(try ModelReference(parsing: "m:1"), as: try ModelReference(parsing: "m:prod"))
        #expect(try f.store.resolve("m:prod").version == 1)
        try f.store.tag(try ModelReference(parsing: "m:2"), as: try ModelReference(parsing: "m:prod"))
        #expect(try f.store.resolve("m:prod").version == 2)
        #expect(try f.store.tags().count == 1)
        try f.store.tag(try ModelReference(parsing: "m:1"), as: try ModelReference(parsing: "other:best"))
        #expect(try f.store.list()[0].tags == ["other:best"])
        #expect(try f.store.resolve("other:best").reference == "m:1")
        #expect(throws: StoreError.self) { try f.store.tag(try ModelReference(parsing: "m:1"), as: try ModelReference(parsing: "m:3")) }
        // A tag removal leaves the version; a version removal takes its tags.
        let r1 = try f.store.remove(try ModelReference(parsing: "m:prod"))
        #expect(r1 == RemovalReport(versions: [], tags: ["m:prod"]))
        #expect(try f.store.list().count == 2)
        let r2 = try f.store.remove(try ModelReference(parsing: "m:1"))
        #expect(r2 == RemovalReport(versions: ["m:1"], tags: ["other:best"]))
        // A bare name is ambiguous; --all removes every version.
        #expect(throws: StoreError.self) { try f.store.remove(try ModelReference(parsing: "m")) }
        #expect(try f.store.remove(try ModelReference(parsing: "m"), allVersions: true).versions == ["m:2"])
        #expect(try f.store.list().isEmpty)
    }

    @Test func verifyNamesACorruptedBlob() throws {
        let f = try StoreFixture()
        let v = try f.commit("m", [("x", a), ("y", b)])
        #expect(try f.store.verify().ok)
        let layer = try f.store.manifest(of: v).layers[1]
        let path = f.store.blobPath(layer.digest)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[17] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: path))
        let report = try f.store.verify()
        #expect(!report.ok)
        #expect(report.problems.count == 1)
        #expect(report.problems[0].contains("m:1: tensor y") && report.problems[0].contains(layer.digest.hex))
        // Reading the version refuses the corrupted bytes.
        #expect(throws: StoreError.self) { try f.store.checkedStream(of: layer, tensor: "y") }
    }

    @Test func verifyChecksChunkCRCs() throws {
        let f = try StoreFixture()
        var record = StoreFixture.record("x", a)
        record.chunks[2].crc32 ^= 1
        let writer = try StoreWriter(store: f.store)
        try a.withUnsafeBytes { try writer.addEncoded(record: record, stream: $0) }
        try writer.commit(name: "m", metadata: nil, model: ModelDescription(layers: []))
        let report = try f.store.verify(try ModelReference(parsing: "m"))
        #expect(report.problems == ["m:1: tensor x: chunk 2 fails its CRC32 check"])
    }

    @Test func aGarbledIndexIsRefusedAndNothingChanges() throws {
        let f = try StoreFixture()
        try f.commit("m", [("x", a)])
        let index = f.store.root + "/index.json"
        let good = try Data(contentsOf: URL(fileURLWithPath: index))
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: index))
        let before = try f.snapshot()
        for attempt in [
            { _ = try f.store.list() },
            { _ = try f.store.resolve("m") },
            { _ = try StoreWriter(store: f.store) },
            { try f.store.tag(try ModelReference(parsing: "m:1"), as: try ModelReference(parsing: "m:x")) },
            { try f.store.remove(try ModelReference(parsing: "m:1")) },
            { _ = try f.store.gc() },
            { _ = try f.store.du() },
        ] as [() throws -> Void] {
            do { try attempt(); Issue.record("a garbled index.json was accepted") } catch let e as StoreError {
                #expect(e.kind == .corrupt)
                #expect(e.message.contains("index.json"))
            }
        }
        #expect(try f.snapshot() == before)
        #expect(try f.store.verify().problems.count == 1)
    }

    @Test func lineageFollowsParentsAndFindsChildren() throws {
        let f = try StoreFixture()
        let base = try f.commit("base", [("x", a)], operation: "import")
        let cut = try f.commit("cut", [("x", a)], parent: base.digest, operation: "slice")
        let head = try f.commit("head", [("x", a), ("h", c)], parent: cut.digest, operation: "graft")
        try f.commit("other", [("x", b)], parent: cut.digest, operation: "graft")
        let lineage = try f.store.lineage(try ModelReference(parsing: "head"))
        #expect(lineage.chain.map(\.reference) == ["head:1", "cut:1", "base:1"])
        #expect(lineage.chain.map(\.operation) == ["graft", "slice", "import"])
        #expect(lineage.chain[0].parent == cut.digest)
        #expect(try f.store.lineage(try ModelReference(parsing: "cut")).children == ["head:1", "other:1"])
        #expect(head.parent == cut.digest)
        // A removed parent shows as a digest with no reference.
        try f.store.remove(try ModelReference(parsing: "cut:1"))
        let after = try f.store.lineage(try ModelReference(parsing: "head"))
        #expect(after.chain.map(\.reference) == ["head:1", nil])
        #expect(after.chain[1].digest == cut.digest)
    }

    @Test func gcWaitsForAWriterAndKeepsItsBlobs() async throws {
        let f = try StoreFixture()
        let writer = try StoreWriter(store: f.store)
        try a.withUnsafeBytes { try writer.addEncoded(record: StoreFixture.record("x", a), stream: $0) }
        let blob = try #require(writer.layers.first).digest
        let store = f.store
        let done = Flag()
        let gcTask = Task.detached { () throws -> GCReport in
            let report = try store.gc()
            done.set()
            return report
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        #expect(!done.value, "gc ran while a writer held blobs it had not committed")
        try writer.commit(name: "m", metadata: nil, model: ModelDescription(layers: []))
        let report = try await gcTask.value
        #expect(report.blobs.isEmpty)
        #expect(FileManager.default.fileExists(atPath: f.store.blobPath(blob)))
        #expect(try f.store.verify().ok)
    }

    @Test func gcRemovesLeftoversOfAnAbandonedWriter() throws {
        let f = try StoreFixture()
        try f.commit("m", [("x", a)])
        do {
            let writer = try StoreWriter(store: f.store)
            try c.withUnsafeBytes { try writer.addEncoded(record: StoreFixture.record("y", c), stream: $0) }
        }  // never committed, as if killed before its index update
        _ = FileManager.default.createFile(atPath: f.store.root + "/.zoo/tmp/blob-leftover", contents: Data(count: 10))
        let report = try f.store.verify()
        #expect(report.ok && report.unreferencedBlobs == 1 && report.temporaryFiles == 1)
        let gc = try f.store.gc()
        #expect(gc.blobs == [Digest(of: c)] && gc.blobBytes == 100 && gc.temporaryFiles == 1 && gc.temporaryBytes == 10)
        #expect(try f.store.verify().unreferencedBlobs == 0)
    }

    @Test func storeLocationFollowsTheRules() throws {
        let f = try StoreFixture()
        let env = ["HOME": "/home/u"]
        #expect(StoreLocation.find(option: "/x", environment: ["ZOO_PATH": "/y"], currentDirectory: "/w") == StoreLocation(path: "/x", source: .option))
        #expect(StoreLocation.find(option: nil, environment: ["ZOO_PATH": "/y"], currentDirectory: "/w").path == "/y")
        #expect(StoreLocation.find(option: nil, environment: env, currentDirectory: f.directory) == StoreLocation(path: f.directory + "/zoo", source: .workingDirectory))
        let home = StoreLocation.find(option: nil, environment: env, currentDirectory: "/nonexistent")
        #expect(home == StoreLocation(path: "/home/u/.local/share/zoo", source: .home))
        #expect(home.createsOnWrite)
    }
}

/// A flag set from another task.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var state = false
    func set() { lock.lock(); state = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return state }
}
