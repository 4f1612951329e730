import Foundation
import Testing
@testable import ZooFormat

@Suite struct CheckpointReaderDecodeEachTests {
    @Test func decodeEachVisitsEveryTensorInFileOrder() throws {
        let dir = TestSupport.temporaryDirectory("each")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/e.zckpt"
        let writer = try CheckpointWriter(path: path)
        var expected: [(String, [UInt8])] = []
        for (i, codec) in [Codec.raw, .planes, .deflate, .raw].enumerated() {
            let raw = TestSupport.sample(.f16, count: 50 * (i + 1), seed: UInt64(i))
            try raw.withBytes { (b) throws(FormatError) in
                _ = try writer.addTensor(name: "n\(i)", dtype: .f16, shape: [50 * (i + 1)], raw: b, codec: codec)
            }
            expected.append(("n\(i)", raw))
        }
        try writer.finish()
        let reader = try CheckpointReader(path: path)
        for check in [false, true] {
            var seen: [(String, [UInt8])] = []
            try reader.decodeEach(checkDigest: check) { (record, bytes) throws(FormatError) in seen.append((record.name, Array(bytes))) }
            #expect(seen.map(\.0) == expected.map(\.0))
            #expect(seen.map(\.1) == expected.map(\.1))
        }
    }
}
