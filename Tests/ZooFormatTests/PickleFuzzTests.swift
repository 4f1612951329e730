import Foundation
import Testing
@testable import ZooFormat

/// Random object pickles in a legacy container, built from tensor views with random sizes,
/// strides and offsets, memo traffic, nested containers and raw opcode bytes: every one either
/// reads (and every tensor it names can be gathered) or fails with a `FormatError`. A crash fails
/// the test run. (A smoke test; libFuzzer targets on `PyTorchCheckpoint(bytes:)` go further.)
@Suite struct PickleFuzzTests {
    /// The magic, protocol and system-info pickles of a real legacy file.
    static func legacyHead() throws -> [UInt8] {
        let url = TestSupport.vectorsDirectory.appendingPathComponent("pytorch/good_tied_legacy.pt")
        let bytes = [UInt8](try Data(contentsOf: url))
        return try bytes.withUnsafeBytes { raw in
            var reader = PickleReader(bytes: raw, name: "head")
            for _ in 0..<3 { _ = try reader.load() }
            return Array(bytes[..<reader.position])
        }
    }

    static func unicode(_ s: String) -> [UInt8] { [0x58] + withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init) + Array(s.utf8) }
    static func long(_ v: Int64) -> [UInt8] { [0x8A, 8] + withUnsafeBytes(of: v.littleEndian, Array.init) }

    /// `_rebuild_tensor_v2` over storage '0' (`count` floats) with the given view.
    static func tensor(count: Int64, offset: Int64, size: [Int64], stride: [Int64]) -> [UInt8] {
        var out: [UInt8] = [0x63] + Array("torch._utils\n_rebuild_tensor_v2\n".utf8) + [0x28, 0x28]
        out += unicode("storage") + [0x63] + Array("torch\nFloatStorage\n".utf8) + unicode("0") + unicode("cpu") + long(count) + [0x4E, 0x74, 0x51]
        out += long(offset) + [0x28] + size.flatMap(long) + [0x74, 0x28] + stride.flatMap(long) + [0x74, 0x89]
        out += [0x63] + Array("collections\nOrderedDict\n".utf8) + [0x29, 0x52, 0x74, 0x52]
        return out
    }

    @Test func randomPicklesFailCleanlyOrRead() throws {
        let head = try Self.legacyHead()
        var rng = SeededGenerator(seed: 2024)
        let count: Int64 = 24
        var read = 0, failed = 0
        for _ in 0..<1500 {
            var object: [UInt8] = [0x80, 0x02, 0x7D]
            for item in 0..<Int.random(in: 1...4, using: &rng) {
                object += Self.unicode("t\(item)")
                switch Int.random(in: 0..<16, using: &rng) {
                case 0..<10:
                    let rank = Int.random(in: 0...3, using: &rng)
                    // Mostly small sizes, strides and offsets; sometimes one a reader must refuse.
                    let pick: () -> Int64 = {
                        Int.random(in: 0..<8, using: &rng) > 0 ? Int64.random(in: 0...3, using: &rng)
                            : [5, 24, -1, 1 << 40, Int64.max][Int.random(in: 0..<5, using: &rng)]
                    }
                    object += Self.tensor(count: Bool.random(using: &rng) ? count : pick(), offset: pick(),
                                          size: (0..<rank).map { _ in pick() }, stride: (0..<rank).map { _ in pick() })
                case 10, 11: object += [0x5D, 0x71, UInt8.random(in: 0...3, using: &rng), 0x4B, 7, 0x61]  // [7], memoized
                case 12: object += [0x68, UInt8.random(in: 0...3, using: &rng)]                          // a memo read
                case 13: object += (0..<Int.random(in: 1...6, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                default: object += Self.long(Int64.random(in: -5...5, using: &rng))
                }
                object += [0x73]
            }
            object += [0x2E]
            let keys: [UInt8] = [0x80, 0x02, 0x5D] + Self.unicode("0") + [0x61, 0x2E]
            let storage = withUnsafeBytes(of: count.littleEndian, Array.init) + [UInt8](repeating: 0x3F, count: Int(count) * 4)
            let file = head + object + keys + storage
            do {
                try file.withUnsafeBytes { raw in
                    let checkpoint = try PyTorchCheckpoint(bytes: raw)
                    for i in checkpoint.tensors.indices {
                        let bytes = try checkpoint.contiguousBytes(of: i, file: raw)
                        #expect(bytes.count == checkpoint.tensors[i].byteCount)
                        _ = try checkpoint.withContiguousBytes(of: i, file: raw) { (b) throws(FormatError) in b.count }
                    }
                }
                read += 1
            } catch is FormatError {
                failed += 1
            }
        }
        // Both outcomes happen: the generator reaches the reader's deep paths, not just its first check.
        #expect(read > 100 && failed > 100, "read \(read), failed \(failed)")
    }
}
