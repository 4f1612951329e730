import Foundation
import Testing
@testable import ZooFormat

/// Damaged files never crash the reader: every change outside the bytes the spec says to ignore
/// makes `open` or `verify` throw, and changes inside them change nothing.
@Suite struct RobustnessTests {
    /// A small file with several codecs, dtypes and chunks; its bytes and the decoded tensors.
    static func sampleFile(in dir: String) throws -> (bytes: [UInt8], tensors: [String: [UInt8]], ignored: [Range<Int>]) {
        let path = dir + "/good.zckpt"
        let writer = try CheckpointWriter(path: path)
        writer.metadata = ["k": "v"]
        var tensors: [String: [UInt8]] = [:]
        let specs: [(DType, Codec, Int)] = [(.f32, .planes, 33), (.bf16, .deflate, 70), (.i16, .raw, 21), (.f64, .planes, 9)]
        for (i, (dtype, codec, count)) in specs.enumerated() {
            let raw = TestSupport.sample(dtype, count: count, seed: UInt64(i + 40))
            try raw.withBytes { (bytes) throws(FormatError) in
                _ = try writer.addTensor(name: "t\(i)", dtype: dtype, shape: [count], raw: bytes, codec: codec, level: 6, chunkSize: 64)
            }
            tensors["t\(i)"] = raw
        }
        try writer.finish()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Spec 2.1 and 2.2: reserved preamble bytes and padding between streams are ignored.
        var ignored = [12..<64]
        var end = 64
        for record in try CheckpointReader(path: path).index.tensors {
            let offset = Int(record.offset ?? 0)
            if offset > end { ignored.append(end..<offset) }
            end = offset + Int(record.storedBytes)
        }
        return (bytes, tensors, ignored)
    }

    /// Opens and fully verifies `bytes` written to `path`; returns the decoded tensors.
    static func readAll(_ bytes: [UInt8], at path: String) throws -> [String: [UInt8]] {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let reader = try CheckpointReader(path: path)
        try reader.verify()
        var out: [String: [UInt8]] = [:]
        for record in reader.index.tensors { out[record.name] = try reader.decode(record.name) }
        return out
    }

    @Test func singleBitFlipsAreCaughtOrHarmless() throws {
        let dir = TestSupport.temporaryDirectory("flips")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (good, tensors, ignored) = try Self.sampleFile(in: dir)
        #expect(try Self.readAll(good, at: dir + "/copy.zckpt") == tensors)
        var rng = SeededGenerator(seed: 2024)
        var caught = 0
        for _ in 0..<150 {
            let position = Int(rng.next() % UInt64(good.count))
            var bytes = good
            bytes[position] ^= UInt8(1) << (rng.next() % 8)
            var decoded: [String: [UInt8]]?
            let error = TestSupport.error { decoded = try Self.readAll(bytes, at: dir + "/flip.zckpt") }
            if error == nil { #expect(decoded == tensors) }
            if ignored.contains(where: { $0.contains(position) }) {
                #expect(error == nil, "flip at \(position) (ignored region) gave \(String(describing: error))")
            } else {
                #expect(error != nil, "flip at \(position) was not detected")
                caught += 1
            }
        }
        #expect(caught > 100)
    }

    @Test func truncationsAlwaysThrow() throws {
        let dir = TestSupport.temporaryDirectory("truncate")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (good, _, _) = try Self.sampleFile(in: dir)
        var rng = SeededGenerator(seed: 7)
        var lengths = [0, 1, 7, 8, 63, 64, 103, 104, good.count - 1, good.count - 40]
        for _ in 0..<60 { lengths.append(Int(rng.next() % UInt64(good.count))) }
        for length in lengths {
            let error = TestSupport.error { _ = try Self.readAll(Array(good[..<length]), at: dir + "/cut.zckpt") }
            #expect(error != nil, "truncated to \(length) bytes was accepted")
            #expect(error.map { [.truncated, .notAFile, .malformed, .checksumMismatch].contains($0.kind) } == true, "\(length): \(String(describing: error))")
        }
    }

    /// Changes digits in the index and recomputes both CRCs, so the lies reach the validator:
    /// offsets, lengths, shapes and CRCs that no longer agree. Nothing may crash.
    @Test func lyingIndexNumbersNeverCrash() throws {
        let dir = TestSupport.temporaryDirectory("lies")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (good, tensors, _) = try Self.sampleFile(in: dir)
        let footerStart = good.count - FormatLimits.footerSize
        let indexOffset = Int(CheckpointLayout.read(Array(good[footerStart...]), at: 8, as: UInt64.self))
        let json = Array(good[indexOffset..<footerStart])
        let digits = json.indices.filter { (0x30...0x39).contains(json[$0]) }
        var rng = SeededGenerator(seed: 99)
        var rejected = 0
        for _ in 0..<150 {
            var index = json
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let at = digits[Int(rng.next() % UInt64(digits.count))]
                index[at] = 0x30 + UInt8(rng.next() % 10)
            }
            let file = Array(good[..<indexOffset]) + index + CheckpointLayout.footer(.init(
                indexOffset: UInt64(indexOffset), indexLength: UInt64(index.count), indexCRC32: CRC32.checksum(index), version: .current))
            do {
                let decoded = try Self.readAll(file, at: dir + "/lie.zckpt")
                // Accepted: then the change was harmless (e.g. a digit replaced by itself).
                #expect(decoded == tensors)
            } catch {
                #expect(error is FormatError)
                rejected += 1
            }
        }
        #expect(rejected > 75)
    }
}
