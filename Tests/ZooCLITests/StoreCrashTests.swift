import Foundation
import Testing
import ZooFormat
import ZooModel
@testable import ZooRegistry

/// Writers killed mid-import, and writers running at the same time, leave a store that verifies
/// and keeps every committed version (formats/store.md, "Writing a version").
@Suite(.serialized) struct StoreCrashTests {
    /// A seeded generator for kill delays (SplitMix64), so a failing run can be repeated.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    @Test func importsKilledAtRandomPointsLeaveAVerifiableStore() throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let zoo = dir + "/zoo"
        let kills = 28
        // Distinct files, so every import writes new blobs (a repeat would only reuse them).
        let files = (0..<kills).map { dir + "/f\($0).safetensors" }
        try StoreCLI.makeSafetensors(files, seeds: Array(100..<(100 + kills)), tensors: 6, rows: 128, cols: 256)
        #expect(try StoreCLI.run(["init", zoo]).status == 0)

        // One uninterrupted import gives the time scale for the kill points.
        let t0 = Date()
        #expect(try StoreCLI.run(["import", files[0], "k", "--codec", "deflate", "--level", "1", "--zoo", zoo]).status == 0)
        let duration = Date().timeIntervalSince(t0)

        var rng = SplitMix(state: 20261129)
        var committed = Set(try Store.open(zoo).list().map(\.digest))
        var killed = 0
        // A kill can land after the import finished (timing varies with load): go on, bounded,
        // until 20 kills have landed mid-import.
        var i = 0
        while killed < 20, i < 4 * kills {
            i += 1
            let p = StoreCLI.start(["import", files[i % kills], "k", "--codec", "deflate", "--level", "1", "--zoo", zoo])
            p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            p.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try p.run()
            usleep(UInt32(rng.unit() * duration * 1_000_000))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                killed += 1
            }
            p.waitUntilExit()
            // Every version committed before is still there; the index always parses.
            let now = try Store.open(zoo).list()
            #expect(committed.isSubset(of: Set(now.map(\.digest))), "kill \(i) lost a version")
            committed = Set(now.map(\.digest))
            if i % 6 == 0 {
                let report = try Store.open(zoo).verify()
                #expect(report.ok, "after kill \(i): \(report.problems)")
            }
        }
        #expect(killed >= 20, "only \(killed) imports were killed mid-way")
        let store = try Store.open(zoo)
        let report = try store.verify()
        #expect(report.ok, "\(report.problems)")
        let versions = try store.list().map(\.version)
        #expect(versions == versions.sorted() && Set(versions).count == versions.count)
        print("kill test: \(killed) kills, \(versions.count) versions committed, \(report.unreferencedBlobs) unreferenced blobs, \(report.temporaryFiles) temporary files left")
        // gc removes the leftovers and keeps every version whole.
        _ = try store.gc()
        let after = try store.verify()
        #expect(after.ok && after.unreferencedBlobs == 0 && after.temporaryFiles == 0)
        #expect(Set(try store.list().map(\.digest)) == committed)
    }

    @Test func concurrentWritersBothLand() throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let zoo = dir + "/zoo", a = dir + "/a.safetensors", b = dir + "/b.safetensors"
        try StoreCLI.makeSafetensors([a, b], seeds: [5, 6], tensors: 2, rows: 8, cols: 8)
        #expect(try StoreCLI.run(["init", zoo]).status == 0)
        let writers = [a, b].map { file -> Process in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "for i in $(seq 20); do \"$0\" import \"$1\" shared --codec raw --zoo \"$2\" >/dev/null || exit 1; done",
                           StoreCLI.executable, file, zoo]
            return p
        }
        for p in writers { try p.run() }
        for p in writers { p.waitUntilExit() }
        #expect(writers.allSatisfy { $0.terminationStatus == 0 })
        let store = try Store.open(zoo)
        let versions = try store.list()
        #expect(versions.map(\.version) == Array(1...40))
        // Each writer imports the same file 20 times: content addressing gives one manifest per file.
        #expect(Set(versions.map(\.digest)).count == 2)
        #expect(try store.verify().ok)
    }

    @Test func readersKilledWhileRebuildingTheSummaryCacheLeaveCorrectAnswers() throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let zoo = dir + "/zoo"
        let store = try Store.create(at: zoo)
        // 300 versions, staged in one writer, so a rebuild of the cache takes a while.
        let writer = try StoreWriter(store: store)
        var parent: Digest?
        for v in 0..<300 {
            let bytes = (0..<64).map { UInt8(truncatingIfNeeded: $0 &+ v % 5) }
            let record = TensorRecord(name: "w", dtype: .u8, shape: [64], codec: .raw, rawBytes: 64, storedBytes: 64,
                                      sha256: SHA256Digest.hex(bytes),
                                      chunks: [ChunkRecord(offset: 0, storedLength: 64, rawLength: 64, crc32: CRC32.checksum(bytes))])
            try bytes.withUnsafeBytes { try writer.addEncoded(record: record, stream: $0) }
            parent = try writer.stage(name: "m\(v % 3)", metadata: nil,
                                      model: ModelDescription(layers: [], lineage: LineageRecord(parent: parent?.description, operation: "step")))
        }
        _ = try writer.commitStaged()
        let expected = try StoreCLI.run(["du", "--json", "--zoo", zoo]).stdout
        let cache = zoo + "/.zoo/cache"
        let t0 = Date()
        try FileManager.default.removeItem(atPath: cache)
        #expect(try StoreCLI.run(["du", "--json", "--zoo", zoo]).stdout == expected)
        let duration = Date().timeIntervalSince(t0)
        var rng = SplitMix(state: 99)
        for i in 0..<12 {
            // Half the runs start without a cache, half with whatever the last kill left.
            if i % 2 == 0 { try? FileManager.default.removeItem(atPath: cache) }
            let p = StoreCLI.start(["du", "--zoo", zoo])
            p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            p.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try p.run()
            usleep(UInt32(rng.unit() * duration * 1_000_000))
            if p.isRunning { kill(p.processIdentifier, SIGKILL) }
            p.waitUntilExit()
            let answer = try StoreCLI.run(["du", "--json", "--zoo", zoo])
            #expect(answer.status == 0 && answer.stdout == expected, "after kill \(i)")
            #expect(try StoreCLI.run(["lineage", "m2", "--json", "--zoo", zoo]).status == 0)
        }
        #expect(try Store.open(zoo).verify().ok)
    }
}
