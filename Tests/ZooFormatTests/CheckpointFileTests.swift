import Foundation
import Testing
@testable import ZooFormat

@Suite struct CheckpointFileTests {
    /// Writes one tensor per codec × a few dtypes, plus metadata and a model, and reads it back.
    @Test func writerAndReaderRoundTrip() throws {
        let dir = TestSupport.temporaryDirectory("roundtrip")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.zckpt"
        let writer = try CheckpointWriter(path: path)
        writer.metadata = ["format": "pt", "unicode": "caf\u{e9} \u{6f22}", "slash": "a/b\\c\"d"]
        writer.model = .object(["layers": .array([.object(["name": .string("l0"), "units": .number(384)])])])
        var expected: [String: [UInt8]] = [:]
        var k: UInt64 = 0
        for codec in Codec.allCases {
            for dtype in [DType.f32, .bf16, .i64, .bool] {
                k += 1
                let name = "\(codec.rawValue).\(dtype.rawValue)"
                let raw = TestSupport.sample(dtype, count: 300 + Int(k), seed: k)
                try raw.withBytes { (bytes) throws(FormatError) in
                    _ = try writer.addTensor(name: name, dtype: dtype, shape: [300 + Int(k)], raw: bytes,
                                             codec: codec, level: 6, chunkSize: 256)
                }
                expected[name] = raw
            }
        }
        try [UInt8]().withBytes { (bytes) throws(FormatError) in
            _ = try writer.addTensor(name: "empty", dtype: .f16, shape: [0, 4], raw: bytes, codec: .planes)
        }
        expected["empty"] = []
        try writer.finish()

        let reader = try CheckpointReader(path: path)
        #expect(reader.version == .current)
        #expect(reader.index.metadata == writer.metadata)
        #expect(reader.index.model == writer.model)
        #expect(reader.index.tensors.map(\.name) == expected.keys.sorted { a, b in
            reader.index.tensors.firstIndex { $0.name == a } ?? 0 < reader.index.tensors.firstIndex { $0.name == b } ?? 0 })
        #expect(reader.index.tensors.count == expected.count)
        for record in reader.index.tensors {
            #expect((record.offset ?? 1) % 64 == 0)
            #expect(try reader.decode(record.name) == expected[record.name])
        }
        try reader.verify()
        // A raw tensor is served straight from the map.
        let mapped = try reader.mappedRaw("raw.F32")
        #expect(Array(mapped) == expected["raw.F32"])
        #expect(TestSupport.error { _ = try reader.mappedRaw("planes.F32") }?.kind == .invalidArgument)
        #expect(TestSupport.error { _ = try reader.decode("missing") }?.kind == .invalidArgument)
    }

    @Test func theTargetAppearsOnlyAtFinish() throws {
        let dir = TestSupport.temporaryDirectory("atomic")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.zckpt"
        let raw = TestSupport.sample(.f32, count: 1000, seed: 1)
        do {
            let writer = try CheckpointWriter(path: path)
            try raw.withBytes { (bytes) throws(FormatError) in
                _ = try writer.addTensor(name: "w", dtype: .f32, shape: [1000], raw: bytes, codec: .planes)
            }
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(FileManager.default.fileExists(atPath: writer.temporaryPath))
            // Dropped without finish: the temporary file goes, the target never appears.
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)

        let writer = try CheckpointWriter(path: path)
        try raw.withBytes { (bytes) throws(FormatError) in
            _ = try writer.addTensor(name: "w", dtype: .f32, shape: [1000], raw: bytes, codec: .deflate)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        try writer.finish()
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.zckpt"])
        #expect(TestSupport.error { try writer.finish() }?.kind == .invalidArgument)
        #expect(try CheckpointReader(path: path).decode("w") == raw)
    }

    @Test func addEncodedCopiesStreamsAsTheyAre() throws {
        let dir = TestSupport.temporaryDirectory("copy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = dir + "/a.zckpt", second = dir + "/b.zckpt"
        let writer = try CheckpointWriter(path: first)
        for (i, codec) in Codec.allCases.enumerated() {
            let raw = TestSupport.sample(.bf16, count: 700, seed: UInt64(i))
            try raw.withBytes { (bytes) throws(FormatError) in
                _ = try writer.addTensor(name: "t\(i)", dtype: .bf16, shape: [7, 100], raw: bytes, codec: codec, level: 6, chunkSize: 512)
            }
        }
        try writer.finish()
        let source = try CheckpointReader(path: first)
        let copy = try CheckpointWriter(path: second)
        for record in source.index.tensors.reversed() {
            try copy.addEncoded(record: record, stream: source.stream(of: record))
        }
        try copy.finish()
        let copied = try CheckpointReader(path: second)
        for record in source.index.tensors {
            let other = try #require(copied.record(named: record.name))
            #expect(Array(try copied.stream(of: other)) == Array(try source.stream(of: record)))
            #expect(other.chunks == record.chunks && other.sha256 == record.sha256)
            #expect(try copied.decode(record.name) == source.decode(record.name))
        }

        // A stream that does not match its record's CRCs is refused, and so is a duplicate name.
        let record = source.index.tensors[1]
        var corrupt = Array(try source.stream(of: record))
        corrupt[3] ^= 1
        let third = try CheckpointWriter(path: dir + "/c.zckpt")
        let error = TestSupport.error { try corrupt.withBytes { (b) throws(FormatError) in try third.addEncoded(record: record, stream: b) } }
        #expect(error?.kind == .checksumMismatch)
        try third.addEncoded(record: record, stream: source.stream(of: record))
        #expect(TestSupport.error { try third.addEncoded(record: record, stream: source.stream(of: record)) }?.kind == .invalidArgument)
    }

    @Test func deeplyNestedModelJSONIsRefusedNotACrash() throws {
        let dir = TestSupport.temporaryDirectory("nested")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let depth = 100_000
        let json = Array(("{\"metadata\":{},\"tensors\":[],\"model\":" + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}").utf8)
        let path = dir + "/nested.zckpt"
        try Data(Self.file(index: json)).write(to: URL(fileURLWithPath: path))
        let error = TestSupport.error { _ = try CheckpointReader(path: path) }
        #expect(error?.kind == .malformed)
    }

    @Test func emptyIndexFileIsValidAndSmallest() throws {
        let dir = TestSupport.temporaryDirectory("empty")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/empty.zckpt"
        try CheckpointWriter(path: path).finish()
        let reader = try CheckpointReader(path: path)
        #expect(reader.index.tensors.isEmpty && reader.index.metadata.isEmpty && reader.index.model == nil)
        try reader.verify()
    }

    /// A file with no tensor data around the given index bytes (spec sections 2.1 and 2.3).
    static func file(index: [UInt8], version: FormatVersion = .current) -> [UInt8] {
        let preamble = CheckpointLayout.preamble(version)
        let footer = CheckpointLayout.footer(.init(indexOffset: UInt64(preamble.count), indexLength: UInt64(index.count),
                                                   indexCRC32: CRC32.checksum(index), version: version))
        return preamble + index + footer
    }
}
