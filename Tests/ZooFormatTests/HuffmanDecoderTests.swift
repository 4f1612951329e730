import Testing
@testable import ZooFormat

/// The fast literal decoder: it takes this library's Huffman-only streams, and whenever it accepts
/// a stream zlib's inflate agrees byte for byte; otherwise it declines and zlib decides.
@Suite struct HuffmanDecoderTests {
    static func huffman(_ input: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: input.count + 4096)
        let length = input.withUnsafeBytes { src in out.withUnsafeMutableBytes { HuffmanEncoder.encode(src, into: $0) } } ?? 0
        return Array(out[..<length])
    }

    static func fast(_ stream: [UInt8], count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        let ok = stream.withUnsafeBytes { src in out.withUnsafeMutableBytes { HuffmanDecoder.decodeLiterals(src, into: $0) } }
        return ok ? out : nil
    }

    static func zlib(_ stream: [UInt8], count: Int) -> [UInt8]? {
        guard var inflater = try? ZlibInflater() else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        let error = TestSupport.error {
            try stream.withBytes { (src) throws(FormatError) in
                try out.withMutableBytes { (dst) throws(FormatError) in try inflater.decompress(src, into: dst, context: "t") }
            }
        }
        return error == nil ? out : nil
    }

    static func exponentLike(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        return (0..<count).map { _ -> UInt8 in
            var e: UInt8 = 121
            while rng.next() % 3 == 0 && e > 90 { e -= 1 }
            return rng.next() % 1000 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : e
        }
    }

    @Test func decodesThisLibrarysStreams() throws {
        var rng = SeededGenerator(seed: 8)
        let inputs: [[UInt8]] = [
            Self.exponentLike(100_000, seed: 1),
            [UInt8](repeating: 9, count: 40_000),
            (0..<50_000).map { _ in UInt8(truncatingIfNeeded: rng.next() % 200) },
            [3, 4],
        ]
        for input in inputs {
            let stream = Self.huffman(input)
            #expect(!stream.isEmpty)
            #expect(Self.fast(stream, count: input.count) == input)
        }
    }

    @Test func declinesWhatItDoesNotTake() throws {
        let input = Self.exponentLike(20_000, seed: 2)
        let stream = Self.huffman(input)
        // Wrong expected length, either way, and trailing bytes: declined (zlib then reports them).
        #expect(Self.fast(stream, count: input.count - 1) == nil)
        #expect(Self.fast(stream, count: input.count + 1) == nil)
        #expect(Self.fast(stream + [0], count: input.count) == nil)
        #expect(Self.fast(Array(stream.dropLast()), count: input.count) == nil)
        // Full deflate with matches: declined, and zlib decodes it.
        var deflater = try ZlibDeflater()
        let repetitive = (0..<20_000).map { UInt8($0 % 7) }
        var out = [UInt8](repeating: 0, count: 30_000)
        let length = try repetitive.withBytes { (src) throws(FormatError) in
            try out.withMutableBytes { (dst) throws(FormatError) in try deflater.compress(src, into: dst, level: 6, strategy: .standard) }
        }
        let deflated = Array(out[..<(try #require(length))])
        #expect(Self.fast(deflated, count: repetitive.count) == nil)
        #expect(Self.zlib(deflated, count: repetitive.count) == repetitive)
    }

    @Test func neverDisagreesWithZlibOnDamagedStreams() {
        let input = Self.exponentLike(5000, seed: 3)
        let stream = Self.huffman(input)
        var rng = SeededGenerator(seed: 4)
        var accepted = 0
        for _ in 0..<400 {
            var damaged = stream
            damaged[Int(rng.next() % UInt64(damaged.count))] ^= UInt8(1) << (rng.next() % 8)
            if let fast = Self.fast(damaged, count: input.count) {
                accepted += 1
                #expect(Self.zlib(damaged, count: input.count) == fast)
            }
        }
        // Most single flips inside the literals still decode (to other bytes); CRCs catch those.
        #expect(accepted > 0)
    }
}
