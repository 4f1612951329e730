import Foundation
import Testing
@testable import ZooFormat

/// `CheckpointWriter.addTensors`: small tensors encoded several at a time give the file that
/// `addTensor` one by one gives, byte for byte, and fail where it fails.
@Suite struct CheckpointWriterBatchTests {
    /// Tensors of several dtypes and sizes (empty, one chunk, many chunks), raw bytes owned.
    static func tensors() -> [PendingTensor] {
        let sizes: [(DType, Int)] = [(.f32, 3000), (.bf16, 70), (.f32, 0), (.i64, 900), (.f32, 300_000), (.f16, 5000),
                                     (.u8, 1), (.f32, 40_000), (.bool, 333)]
        return sizes.enumerated().map { i, s in
            PendingTensor(name: "t\(i)", dtype: s.0, shape: [s.1],
                          bytes: TensorBytes(owning: TestSupport.sample(s.0, count: s.1, seed: UInt64(30 + i))))
        }
    }

    static func writeOneByOne(_ tensors: [PendingTensor], to path: String, codec: Codec) throws {
        let writer = try CheckpointWriter(path: path)
        for t in tensors {
            _ = try t.bytes.withUnsafeBytes { (raw) throws(FormatError) in
                try writer.addTensor(name: t.name, dtype: t.dtype, shape: t.shape, raw: raw, codec: codec)
            }
        }
        try writer.finish()
    }

    /// `aloneFrom` 64 KiB sends the 1.2 MB tensor through `addTensor`; `batchBytes` 100 KB cuts
    /// the small ones into several batches.
    @Test(arguments: [Codec.planes, .deflate, .raw])
    func theBatchWritesTheSameFileAsOneByOne(codec: Codec) throws {
        let dir = TestSupport.temporaryDirectory("batch-writer")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tensors = Self.tensors()
        try Self.writeOneByOne(tensors, to: dir + "/serial.zckpt", codec: codec)
        let writer = try CheckpointWriter(path: dir + "/batch.zckpt")
        var reported: [Int] = []
        let records = try writer.addTensors(tensors, codec: codec, aloneFrom: 1 << 16, batchBytes: 100_000) { reported.append($0) }
        try writer.finish()
        #expect(reported == tensors.map(\.bytes.count))
        #expect(records.map(\.name) == tensors.map(\.name))
        #expect(records.allSatisfy { $0.offset != nil })
        let serial = try Data(contentsOf: URL(fileURLWithPath: dir + "/serial.zckpt"))
        let batch = try Data(contentsOf: URL(fileURLWithPath: dir + "/batch.zckpt"))
        #expect(serial == batch)
        let reader = try CheckpointReader(path: dir + "/batch.zckpt")
        for t in tensors { #expect(try reader.decode(t.name, checkDigest: true) == t.bytes.array, "\(t.name)") }
    }

    @Test func aFailureStopsThereWithTheTensorsBeforeItAdded() throws {
        let dir = TestSupport.temporaryDirectory("batch-writer-fail")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var tensors = Self.tensors()
        tensors[3].shape = [7] // 900 int64 values do not fit shape [7]
        tensors[6].name = "t0" // a repeated name, after the failure: never reached
        let writer = try CheckpointWriter(path: dir + "/m.zckpt")
        let error = TestSupport.error { try writer.addTensors(tensors, codec: .planes) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("tensor 't3'") == true, "\(error?.message ?? "no error")")
        // t0, t1 and t2 were added: adding t2 again is refused as a repeat.
        let again = TestSupport.error { try writer.addTensors([tensors[2]], codec: .planes) }
        #expect(again?.message.contains("'t2' was already added") == true, "\(again?.message ?? "no error")")
        let fresh = TestSupport.error { try writer.addTensors([tensors[4]], codec: .planes) }
        #expect(fresh == nil)

        var repeated = Self.tensors()
        repeated[5].name = "t1"
        let other = try CheckpointWriter(path: dir + "/n.zckpt")
        let duplicate = TestSupport.error { try other.addTensors(repeated, codec: .planes) }
        #expect(duplicate?.message.contains("'t1' was already added") == true, "\(duplicate?.message ?? "no error")")
    }
}
