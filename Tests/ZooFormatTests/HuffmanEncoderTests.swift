import Testing
@testable import ZooFormat

/// The Huffman-only deflate writer against zlib's inflate (the decoder every reader uses) and
/// against zlib's own Z_HUFFMAN_ONLY output size.
@Suite struct HuffmanEncoderTests {
    static func roundTrip(_ input: [UInt8]) throws -> Int? {
        var out = [UInt8](repeating: 0, count: input.count + 4096)
        let length = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { HuffmanEncoder.encode(src, into: $0) }
        }
        guard let length else { return nil }
        var inflater = try ZlibInflater()
        var back = [UInt8](repeating: 0, count: input.count)
        try out.withBytes { (stream) throws(FormatError) in
            try back.withMutableBytes { (target) throws(FormatError) in
                try inflater.decompress(UnsafeRawBufferPointer(rebasing: stream[..<length]), into: target, context: "test")
            }
        }
        #expect(back == input)
        return length
    }

    @Test func inflatesBackForManyDistributions() throws {
        var rng = SeededGenerator(seed: 11)
        let cases: [[UInt8]] = [
            [7],
            [UInt8](repeating: 42, count: 100_000),                            // one symbol
            (0..<70_000).map { UInt8($0 % 2) },                                 // two symbols, two blocks
            (0..<100_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) },  // all 256, uniform
            (0..<90_000).map { _ in UInt8(min(255, Int(rng.next() % 64) * Int(rng.next() % 5))) }, // skewed
            (0..<HuffmanEncoder.blockSize).map { UInt8($0 & 255) },            // exactly one block
        ]
        for input in cases {
            _ = try Self.roundTrip(input)
        }
    }

    @Test func limitsCodeLengthsTo15Bits() throws {
        // Fibonacci-like counts force a plain Huffman code deeper than 15 bits.
        var input: [UInt8] = []
        var counts: [Int] = []
        var a = 1, b = 1
        for symbol in 0..<25 {
            input += [UInt8](repeating: UInt8(symbol), count: a)
            counts.append(a)
            (a, b) = (b, a + b)
        }
        let plain = HuffmanEncoder.BlockPlan.codeLengths(counts, limit: 64)
        let limited = HuffmanEncoder.BlockPlan.codeLengths(counts, limit: 15)
        #expect((plain.max() ?? 0) > 15)
        #expect((limited.max() ?? 99) <= 15)
        // Still a complete prefix code (Kraft sum exactly 1).
        #expect(limited.reduce(0) { $0 + (1 << (15 - Int($1))) } == 1 << 15)
        #expect(try Self.roundTrip(Array(input.prefix(60_000))) != nil)
    }

    @Test func matchesZlibHuffmanOnlySize() throws {
        // An exponent-like plane: a few values with geometric frequencies.
        var rng = SeededGenerator(seed: 5)
        let input = (0..<200_000).map { _ -> UInt8 in
            var e: UInt8 = 120
            while rng.next() % 3 == 0 && e > 100 { e -= 1 }
            return e
        }
        let ours = try #require(try Self.roundTrip(input))
        var deflater = try ZlibDeflater()
        var out = [UInt8](repeating: 0, count: input.count + 1024)
        let zlibLength = try input.withBytes { (src) throws(FormatError) in
            try out.withMutableBytes { (dst) throws(FormatError) in try deflater.compress(src, into: dst, level: 1, strategy: .huffmanOnly) }
        }
        let theirs = try #require(zlibLength)
        #expect(Double(ours) <= Double(theirs) * 1.01, "ours \(ours) zlib \(theirs)")
    }

    @Test func refusesWhenItCannotBeatTheBudget() {
        var rng = SeededGenerator(seed: 3)
        let input = (0..<10_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        var out = [UInt8](repeating: 0, count: input.count)
        let length = input.withUnsafeBytes { src in out.withUnsafeMutableBytes { HuffmanEncoder.encode(src, into: $0) } }
        #expect(length == nil)
    }

    @Test func precountedBlocksGiveTheSameStream() {
        var rng = SeededGenerator(seed: 21)
        let input = (0..<150_000).map { _ in UInt8(truncatingIfNeeded: rng.next() % 37) }
        let stats = input.withUnsafeBytes { PlaneStatistics($0) }
        #expect(stats.blockCounts.count == (input.count + HuffmanEncoder.blockSize - 1) / HuffmanEncoder.blockSize)
        #expect(stats.blockCounts.flatMap { $0 }.reduce(0, +) == input.count)
        var a = [UInt8](repeating: 0, count: input.count), b = a
        let plain = input.withUnsafeBytes { src in a.withUnsafeMutableBytes { HuffmanEncoder.encode(src, into: $0) } }
        let counted = input.withUnsafeBytes { src in b.withUnsafeMutableBytes { HuffmanEncoder.encode(src, blockCounts: stats.blockCounts, into: $0) } }
        #expect(plain != nil && plain == counted)
        #expect(a == b)
    }
}
