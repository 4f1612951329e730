import Foundation
import Testing
@testable import ZooFormat

@Suite struct TensorCodecTests {
    static let shapes: [[Int]] = [[], [0], [3, 0, 2], [1], [7, 13], [2, 3, 5, 7]]

    @Test(arguments: Codec.allCases, DType.allCases)
    func roundTripsEveryShape(codec: Codec, dtype: DType) throws {
        for (k, shape) in Self.shapes.enumerated() {
            let count = shape.reduce(1, *)
            let raw = TestSupport.sample(dtype, count: count, seed: UInt64(k * 100 + dtype.byteWidth))
            let (record, stream) = try TestSupport.encode(raw, dtype: dtype, shape: shape, codec: codec, chunkSize: 64)
            try record.validate()
            #expect(record.sha256 == SHA256Digest.hex(raw))
            #expect(record.rawBytes == UInt64(raw.count))
            #expect(record.storedBytes == UInt64(stream.count))
            #expect(record.chunks.count == (raw.count + 63) / 64)
            #expect(try TestSupport.decode(record, stream) == raw, "\(codec) \(dtype) \(shape)")
        }
    }

    @Test(arguments: Codec.allCases)
    func multiChunkRoundTripWithUnevenLastChunk(codec: Codec) throws {
        let raw = TestSupport.sample(.f32, count: 10_007, seed: 9)
        let (record, stream) = try TestSupport.encode(raw, dtype: .f32, shape: [10_007], codec: codec, chunkSize: 4099)
        // 4099 rounds down to 4096 (a whole number of 4-byte elements).
        #expect(record.chunks.count == 10)
        #expect(record.chunks.dropLast().allSatisfy { $0.rawLength == 4096 })
        #expect(record.chunks.last?.rawLength == UInt64(40_028 - 9 * 4096))
        #expect(try TestSupport.decode(record, stream) == raw)
    }

    @Test func parallelAndSerialAgree() throws {
        let raw = TestSupport.sample(.bf16, count: 40_000, seed: 3)
        for codec in Codec.allCases {
            let (serialRecord, serialStream) = try TestSupport.encode(raw, dtype: .bf16, shape: [200, 200], codec: codec, chunkSize: 2048, workers: 1)
            let (parallelRecord, parallelStream) = try TestSupport.encode(raw, dtype: .bf16, shape: [200, 200], codec: codec, chunkSize: 2048, workers: 8)
            #expect(serialRecord == parallelRecord)
            #expect(serialStream == parallelStream)
            #expect(try TestSupport.decode(parallelRecord, parallelStream, workers: 1) == raw)
            #expect(try TestSupport.decode(parallelRecord, parallelStream, workers: 8) == raw)
        }
    }

    @Test func planesPutTheFloat32ExponentInTheTopPlane() throws {
        // 2048 copies of 1.5 (exponent 127, top mantissa bit set) and -1.5: after the rotation the
        // top plane is the exponent, so it is constant and compresses to almost nothing.
        var raw: [UInt8] = []
        for i in 0..<2048 { withUnsafeBytes(of: (i % 2 == 0 ? Float(1.5) : -1.5).bitPattern.littleEndian) { raw += $0 } }
        let (record, stream) = try TestSupport.encode(raw, dtype: .f32, shape: [2048], codec: .planes, chunkSize: 8192)
        #expect(record.chunks.count == 1)
        let n = 2048
        // Plane 3 (header entry 3) is not stored raw; plane 0 holds mantissa bits and the sign.
        #expect(stream[15] != PlanesLayout.Method.stored.rawValue)
        let splitPlanes = [UInt8](unsafeUninitializedCapacity: raw.count) { buffer, count in
            raw.withUnsafeBytes { BytePlanes.split($0, width: 4, rotation: 1, into: UnsafeMutableRawBufferPointer(buffer)) }
            count = raw.count
        }
        #expect(splitPlanes[(3 * n)..<(4 * n)].allSatisfy { $0 == 127 })
        #expect(splitPlanes[(2 * n)..<(3 * n)].allSatisfy { $0 == 0x80 })
        #expect(splitPlanes[0..<n].enumerated().allSatisfy { $0.element == UInt8($0.offset % 2) })
        #expect(record.storedBytes < 8192 / 2)
        #expect(try TestSupport.decode(record, stream) == raw)
    }

    @Test func incompressibleDataStaysWithinTheSpecBound() throws {
        var rng = SeededGenerator(seed: 77)
        let raw = (0..<20_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for codec in Codec.allCases {
            let (record, stream) = try TestSupport.encode(raw, dtype: .u8, shape: [20_000], codec: codec, chunkSize: 5000)
            for chunk in record.chunks {
                #expect(chunk.storedLength <= FormatLimits.maxStoredLength(rawLength: chunk.rawLength, codec: codec, width: 1))
            }
            #expect(try TestSupport.decode(record, stream) == raw)
        }
    }

    @Test func encodeRefusesBadArguments() {
        let raw = [UInt8](repeating: 0, count: 12)
        #expect(TestSupport.error { _ = try TestSupport.encode(raw, dtype: .f32, shape: [4], codec: .raw) }?.kind == .invalidArgument)
        #expect(TestSupport.error { _ = try TestSupport.encode(raw, dtype: .f32, shape: [3], codec: .raw, chunkSize: 2) }?.kind == .invalidArgument)
        #expect(TestSupport.error { _ = try TestSupport.encode(raw, dtype: .f32, shape: [3], codec: .deflate, level: 0) }?.kind == .invalidArgument)
        #expect(TestSupport.error { _ = try TestSupport.encode(raw, dtype: .f32, shape: [3], codec: .raw, chunkSize: 32 << 20) }?.kind == .invalidArgument)
    }

    @Test func decodeChecksCRCAndDigest() throws {
        let raw = TestSupport.sample(.f32, count: 3000, seed: 5)
        let (record, stream) = try TestSupport.encode(raw, dtype: .f32, shape: [3000], codec: .deflate, chunkSize: 4096)
        var corrupt = stream
        corrupt[Int(record.chunks[2].offset) + 5] ^= 0x10
        let crcError = TestSupport.error { _ = try TestSupport.decode(record, corrupt) }
        #expect(crcError?.kind == .checksumMismatch)
        #expect(crcError?.message.contains("chunk 2: CRC32") == true)

        var wrongDigest = record
        wrongDigest.sha256 = String(repeating: "0", count: 64)
        #expect(TestSupport.error { _ = try TestSupport.decode(wrongDigest, stream, checkDigest: false) } == nil)
        #expect(TestSupport.error { _ = try TestSupport.decode(wrongDigest, stream) }?.message.contains("SHA-256") == true)
    }

    @Test func garbageDeflateIsCorruptDataWithItsChunk() throws {
        let raw = TestSupport.sample(.u8, count: 100, seed: 1)
        var (record, stream) = try TestSupport.encode(raw, dtype: .u8, shape: [100], codec: .deflate, chunkSize: 100)
        stream = [UInt8](repeating: 0xFF, count: stream.count)
        record.chunks[0].crc32 = CRC32.checksum(stream)
        let error = TestSupport.error { _ = try TestSupport.decode(record, stream) }
        #expect(error?.kind == .corruptData)
        #expect(error?.message.contains("tensor 't' chunk 0") == true)
    }

    @Test func checksumsMatchKnownValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        #expect(SHA256Digest.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var hasher = SHA256Hasher()
        hasher.update(Array("a".utf8))
        hasher.update(Array("bc".utf8))
        #expect(hasher.finalizeHex() == SHA256Digest.hex(Array("abc".utf8)))
        #expect(SHA256Digest.isValidHex(SHA256Digest.hex([])))
        #expect(!SHA256Digest.isValidHex(String(repeating: "A", count: 64)))
    }
}
