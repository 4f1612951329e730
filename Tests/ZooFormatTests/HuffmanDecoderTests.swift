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

    /// The multi-literal table, built from smaller tables, against the direct greedy reading:
    /// entry i holds the literals whose codes follow one another from bit 0 of i, up to six,
    /// while they fit in the table's bits.
    @Test func tableMatchesTheGreedyReading() throws {
        var rng = SeededGenerator(seed: 21)
        for trial in 0..<40 {
            var frequencies = (0..<257).map { _ in Int(rng.next() % 5) == 0 ? 0 : Int(rng.next() % (trial % 2 == 0 ? 10 : 100_000)) }
            frequencies[256] = 1
            let lengths = HuffmanEncoder.BlockPlan.codeLengths(HuffmanEncoder.BlockPlan.atLeastTwo(frequencies), limit: 15)
            let code = try #require(HuffmanDecoder.Canonical(lengths: lengths, requireComplete: true))
            for bits in [7, 9, HuffmanDecoder.tableBits] {
                let size = 1 << bits
                var tables = [HuffmanDecoder.Entry](repeating: 0, count: HuffmanDecoder.Canonical.tablesCapacity(bits: bits))
                var singles = [UInt16](repeating: 0, count: size)
                let offset = tables.withUnsafeMutableBufferPointer { t in
                    singles.withUnsafeMutableBufferPointer { s in code.fill(t.baseAddress!, singles: s.baseAddress!, bits: bits) - t.baseAddress! }
                }
                let table = Array(tables[offset..<(offset + size)])
                for i in 0..<size {
                    var used = 0, count = 0, literals: UInt64 = 0, rest = i
                    while count < HuffmanDecoder.maxLiterals {
                        let e = singles[rest], length = Int(e >> 12)
                        guard length > 0, length <= bits - used else { break }
                        literals |= UInt64(e & 0xFF) << (8 * count)
                        count += 1
                        used += length
                        rest >>= length
                    }
                    let expected = UInt64(used) | UInt64(count) << 4 | literals << 8
                    if table[i] != expected { Issue.record("trial \(trial) bits \(bits) entry \(i)"); break }
                }
            }
        }
    }

    // MARK: indexed Huffman planes (method 3): one block, four cursors from the entry points.

    /// An indexed plane of `input`: (entry points, the deflate stream).
    static func indexed(_ input: [UInt8]) -> (entries: [Int], stream: [UInt8])? {
        var out = [UInt8](repeating: 0, count: input.count + 4096)
        guard let length = input.withUnsafeBytes({ src in
            out.withUnsafeMutableBytes { HuffmanEncoder.encodeIndexed(src, into: $0, limit: Int.max) }
        }) else { return nil }
        let k = Int(out[0])
        let entries = (0..<(k - 1)).map { j in (0..<4).reduce(0) { $0 | Int(out[1 + 4 * j + $1]) << (8 * $1) } }
        return (entries, Array(out[(1 + 4 * (k - 1))..<length]))
    }

    static func segments(_ stream: [UInt8], entries: [Int], count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        let tables = UnsafeMutablePointer<HuffmanDecoder.Entry>.allocate(
            capacity: HuffmanDecoder.Canonical.tablesCapacity(bits: HuffmanDecoder.tableBits))
        let singles = UnsafeMutablePointer<UInt16>.allocate(capacity: 1 << HuffmanDecoder.tableBits)
        defer { tables.deallocate(); singles.deallocate() }
        let ok = stream.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { HuffmanDecoder.decodeSegments(src, entryPoints: entries, into: $0, tables: tables, singles: singles) }
        }
        return ok ? out : nil
    }

    @Test func decodesIndexedPlanesFromTheirEntryPoints() throws {
        var rng = SeededGenerator(seed: 9)
        let inputs: [[UInt8]] = [
            Self.exponentLike(65_536, seed: 11),
            Self.exponentLike(131_072 + 3, seed: 12),
            // Rare values with codes longer than the table, and the segment boundaries among them.
            (0..<40_000).map { i in i % 997 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : UInt8(100 + (i % 3 == 0 ? 1 : 0)) },
            (0..<20_000).map { _ in UInt8(truncatingIfNeeded: rng.next() % 200) },
        ]
        for input in inputs {
            let plane = try #require(Self.indexed(input))
            #expect(plane.entries.count == HuffmanDecoder.segments - 1)
            // The stream alone is ordinary deflate: zlib inflates it to the plane, and so does the
            // sequential decoder; the four cursors agree.
            #expect(Self.zlib(plane.stream, count: input.count) == input)
            #expect(Self.fast(plane.stream, count: input.count) == input)
            #expect(Self.segments(plane.stream, entries: plane.entries, count: input.count) == input)
        }
    }

    @Test func wrongEntryPointsAreDeclinedNeverBelieved() throws {
        let input = Self.exponentLike(30_000, seed: 13)
        let plane = try #require(Self.indexed(input))
        var rng = SeededGenerator(seed: 14)
        var declined = 0
        for trial in 0..<300 {
            var entries = plane.entries
            let j = trial % entries.count
            switch trial % 3 {
            case 0: entries[j] += Int(rng.next() % 9) - 4
            case 1: entries[j] = Int(rng.next() % UInt64(plane.stream.count * 8))
            default: entries = entries.reversed()
            }
            if let decoded = Self.segments(plane.stream, entries: entries, count: input.count) {
                #expect(decoded == input, "entry points \(entries) (true \(plane.entries)) decoded to other bytes")
            } else {
                declined += 1
            }
        }
        #expect(declined > 200)
    }

    @Test func indexedDecodingNeverDisagreesWithZlibOnDamagedStreams() throws {
        let input = Self.exponentLike(20_000, seed: 15)
        let plane = try #require(Self.indexed(input))
        #expect(Self.segments(plane.stream, entries: plane.entries, count: input.count) == input)
        var rng = SeededGenerator(seed: 16)
        // Most flips shift the codes after them, so the cursors no longer meet and the stream is
        // declined; whatever is accepted must be what zlib makes of it.
        for _ in 0..<400 {
            var damaged = plane.stream
            damaged[Int(rng.next() % UInt64(damaged.count))] ^= UInt8(1) << (rng.next() % 8)
            if let decoded = Self.segments(damaged, entries: plane.entries, count: input.count) {
                #expect(Self.zlib(damaged, count: input.count) == decoded)
            }
        }
    }

    /// The independent Python writer's method-3 planes (formats/vectors) are taken by the segment
    /// decoder when their entry points are right, and declined when they are not.
    @Test func decodesThePythonWritersIndexedPlanes() throws {
        let reader = try CheckpointReader(path: VectorTests.path("good_planes_indexed.zckpt"))
        for record in reader.index.tensors where record.dtype == .f32 {
            let stream = Array(try reader.stream(of: record))
            let n = Int(record.rawBytes) / 4
            // Planes 0-2 stored, plane 3 method 3: K, entry points, deflate stream.
            #expect(stream[15] == 3)
            let plane = Array(stream[(20 + 3 * n)...])
            let k = Int(plane[0])
            let entries = (0..<(k - 1)).map { j in (0..<4).reduce(0) { $0 | Int(plane[1 + 4 * j + $1]) << (8 * $1) } }
            let deflate = Array(plane[(1 + 4 * (k - 1))...])
            let expected = try #require(Self.zlib(deflate, count: n))
            let fromEntries = k == HuffmanDecoder.segments ? Self.segments(deflate, entries: entries, count: n) : nil
            switch record.name {
            case "w_f32": #expect(fromEntries == expected)
            case "w_wrong_hints": #expect(fromEntries == nil)
            default: #expect(k == 1)
            }
            #expect(Self.fast(deflate, count: n) == expected)
        }
    }

    @Test func refusesWhatZlibRefusesInTheBlockHeader() throws {
        // 31 and 32 distance codes: zlib says "too many length or distance symbols".
        let reader = try CheckpointReader(path: VectorTests.path("bad_hdist_31.zckpt"))
        let record = try #require(reader.index.tensors.first)
        let stream = Array(try reader.stream(of: record))
        let plane3 = Array(stream[(20 + 3 * 256)...])
        #expect(Self.fast(plane3, count: 256) == nil)
        #expect(Self.zlib(plane3, count: 256) == nil)
    }
}
