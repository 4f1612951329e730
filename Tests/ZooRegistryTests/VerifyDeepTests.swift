import Foundation
import Testing
import ZooFormat
import ZooModel
@testable import ZooRegistry

/// `verify --deep`: every tensor decoded and its raw SHA-256 checked, where plain verify checks
/// blob digests and chunk CRCs only.
@Suite struct VerifyDeepTests {
    let values = (0..<4096).map { Float(sin(Double($0) * 0.01)) }

    /// Commits `values` encoded with each codec, as one version.
    func commitEncoded(_ f: StoreFixture) throws -> ModelVersion {
        let writer = try StoreWriter(store: f.store)
        let raw = values.withUnsafeBytes { Array($0) }
        for codec in [Codec.raw, .deflate, .planes] {
            try raw.withUnsafeBytes { _ = try writer.addTensor(name: "w.\(codec.rawValue)", dtype: .f32, shape: [64, 64], raw: $0, codec: codec) }
        }
        return try writer.commit(name: "m", metadata: nil, model: ModelDescription(layers: []))
    }

    @Test func aHealthyStoreDecodesEveryDistinctStreamOnce() throws {
        let f = try StoreFixture()
        _ = try commitEncoded(f)
        _ = try commitEncoded(f)  // the same streams again: decoded once
        var calls = 0
        var last: (UInt64, UInt64) = (0, 0)
        let report = try f.store.verify(deep: true) { done, total in calls += 1; last = (done, total) }
        #expect(report.ok, "\(report.problems)")
        #expect(report.deep && report.decodedTensors == 3 && report.decodedBytes == 3 * 16384)
        #expect(calls >= 2 && last == (3 * 16384, 3 * 16384))
        let plain = try f.store.verify()
        #expect(!plain.deep && plain.decodedTensors == 0)
    }

    @Test func aWrongRawDigestPassesPlainVerifyAndFailsDeep() throws {
        let f = try StoreFixture()
        let bytes = StoreFixture.bytes(count: 256, seed: 5)
        var record = StoreFixture.record("x", bytes)
        record.sha256 = String(repeating: "ab", count: 32)  // the stream and its CRCs are right
        let writer = try StoreWriter(store: f.store)
        try bytes.withUnsafeBytes { try writer.addEncoded(record: record, stream: $0) }
        try writer.commit(name: "m", metadata: nil, model: ModelDescription(layers: []))
        #expect(try f.store.verify().ok)
        let deep = try f.store.verify(try ModelReference(parsing: "m:1"), deep: true)
        #expect(deep.problems.count == 1)
        let problem = try #require(deep.problems.first)
        #expect(problem.hasPrefix("m:1: tensor x: "))
        #expect(problem.contains(Digest(of: bytes).hex) && problem.contains(record.sha256))
    }

    @Test func aStreamThatDoesNotDecodeFailsDeepWithItsChunk() throws {
        let f = try StoreFixture()
        // Not a deflate stream, with CRC32s that match it: only decoding finds out.
        let garbage = StoreFixture.bytes(count: 200, seed: 6)
        let record = TensorRecord(name: "x", dtype: .f32, shape: [100], codec: .deflate, rawBytes: 400, storedBytes: 200,
                                  sha256: String(repeating: "0", count: 64),
                                  chunks: [ChunkRecord(offset: 0, storedLength: 200, rawLength: 400, crc32: CRC32.checksum(garbage))])
        let writer = try StoreWriter(store: f.store)
        try garbage.withUnsafeBytes { try writer.addEncoded(record: record, stream: $0) }
        try writer.commit(name: "m", metadata: nil, model: ModelDescription(layers: []))
        #expect(try f.store.verify().ok)
        let deep = try f.store.verify(deep: true)
        #expect(deep.problems.count == 1)
        #expect(deep.problems.first?.hasPrefix("m:1: tensor x: decoding failed: ") == true)
        #expect(deep.problems.first?.contains("chunk 0") == true)
    }
}
