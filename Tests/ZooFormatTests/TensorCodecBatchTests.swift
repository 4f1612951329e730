import Testing
@testable import ZooFormat

/// `TensorCodec.decode(_:)`, the batch decode a model load uses: the chunks of many tensors share
/// the workers, with each tensor's result and errors as if it had been decoded alone.
@Suite struct TensorCodecBatchTests {
    /// Tensors of every codec, one-chunk and many-chunk, empty and not, with their raw bytes.
    static func model() throws -> [(record: TensorRecord, stream: [UInt8], raw: [UInt8])] {
        let shapes: [(DType, Int, Codec, Int)] = [
            (.f32, 3000, .planes, 4096), (.bf16, 40, .planes, 4096), (.f32, 0, .planes, 4096),
            (.f16, 5000, .deflate, 2048), (.u8, 700, .raw, 256), (.f64, 900, .planes, 1024), (.f32, 64, .planes, 4096),
        ]
        return try shapes.enumerated().map { i, s in
            let raw = TestSupport.sample(s.0, count: s.1, seed: UInt64(10 + i))
            var (record, stream) = try TestSupport.encode(raw, dtype: s.0, shape: [s.1], codec: s.2, chunkSize: s.3)
            record.name = "t\(i)"
            return (record, stream, raw)
        }
    }

    /// Decodes `tensors` in one batch from one blob of streams into one buffer; the decoded bytes
    /// of each tensor, or the error.
    static func decodeBatch(_ tensors: [(record: TensorRecord, stream: [UInt8], raw: [UInt8])], workers: Int,
                            checkDigest: Bool = true) throws(FormatError) -> [[UInt8]] {
        let blob = tensors.flatMap(\.stream)
        var out = [UInt8](repeating: 0xEE, count: tensors.reduce(0) { $0 + Int($1.record.rawBytes) })
        try blob.withBytes { (input) throws(FormatError) in
            try out.withMutableBytes { (output) throws(FormatError) in
                var streamAt = 0, rawAt = 0
                var jobs: [TensorDecoding] = []
                for t in tensors {
                    let stored = t.stream.count, raw = Int(t.record.rawBytes)
                    jobs.append(TensorDecoding(record: t.record,
                                               stream: UnsafeRawBufferPointer(rebasing: input[streamAt..<(streamAt + stored)]),
                                               output: UnsafeMutableRawBufferPointer(rebasing: output[rawAt..<(rawAt + raw)])))
                    streamAt += stored
                    rawAt += raw
                }
                try TensorCodec.decode(jobs, checkDigest: checkDigest, workers: workers)
            }
        }
        var at = 0
        return tensors.map { t in
            defer { at += Int(t.record.rawBytes) }
            return Array(out[at..<(at + Int(t.record.rawBytes))])
        }
    }

    @Test(arguments: [1, 2, 5])
    func batchDecodesEveryTensorAsAloneWould(workers: Int) throws {
        let tensors = try Self.model()
        #expect(tensors.contains { $0.record.chunks.count > 2 } && tensors.contains { $0.record.chunks.isEmpty })
        let decoded = try Self.decodeBatch(tensors, workers: workers)
        for (t, bytes) in zip(tensors, decoded) {
            #expect(bytes == t.raw, "\(t.record.name)")
            #expect(bytes == (try TestSupport.decode(t.record, t.stream)), "\(t.record.name)")
        }
    }

    @Test(arguments: [1, 2, 5])
    func theFirstFailingTensorIsReported(workers: Int) throws {
        var tensors = try Self.model()
        // A bad CRC in t5 and garbage in t3's first chunk (CRC recomputed): t3 comes first.
        tensors[5].stream[Int(tensors[5].record.chunks[0].storedLength) / 2] ^= 1
        let bad = tensors[3].record.chunks[1]
        for k in Int(bad.offset)..<Int(bad.offset + bad.storedLength) { tensors[3].stream[k] = 0xFF }
        tensors[3].record.chunks[1].crc32 = CRC32.checksum(Array(tensors[3].stream[Int(bad.offset)..<Int(bad.offset + bad.storedLength)]))
        let first = TestSupport.error { _ = try Self.decodeBatch(tensors, workers: workers) }
        #expect(first?.kind == .corruptData)
        #expect(first?.message.contains("tensor 't3' chunk 1") == true, "\(first?.message ?? "no error")")
        // With t3 mended, t5's CRC mismatch is the first failure.
        let mended = try Self.model()
        tensors[3] = mended[3]
        let second = TestSupport.error { _ = try Self.decodeBatch(tensors, workers: workers) }
        #expect(second?.kind == .checksumMismatch)
        #expect(second?.message.contains("tensor 't5' chunk 0: CRC32") == true, "\(second?.message ?? "no error")")
    }

    @Test func digestsAreCheckedPerTensorWhenAsked() throws {
        var tensors = try Self.model()
        tensors[6].record.sha256 = String(repeating: "a", count: 64)
        tensors[1].record.sha256 = String(repeating: "b", count: 64)
        #expect(TestSupport.error { _ = try Self.decodeBatch(tensors, workers: 2, checkDigest: false) } == nil)
        let error = TestSupport.error { _ = try Self.decodeBatch(tensors, workers: 2) }
        #expect(error?.kind == .checksumMismatch)
        #expect(error?.message.contains("tensor 't1': SHA-256") == true, "\(error?.message ?? "no error")")
    }

    @Test func aBufferOfTheWrongSizeIsRefusedBeforeDecoding() throws {
        let tensors = try Self.model()
        var short = tensors[0].raw
        short.removeLast(4)
        let error = TestSupport.error {
            try tensors[0].stream.withBytes { (input) throws(FormatError) in
                try short.withMutableBytes { (output) throws(FormatError) in
                    try TensorCodec.decode([TensorDecoding(record: tensors[0].record, stream: input, output: output)])
                }
            }
        }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("output buffer") == true)
    }
}
