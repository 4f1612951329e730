/// Decoding a `huffman4` plane (formats/zckpt-v1.md, §5.3, method 3) from its entry points: the
/// plane's single Huffman-only block is decoded by four cursors at once, one per quarter of the
/// plane, each starting at the bit its entry point names. A Huffman decoder is a chain of
/// dependent steps (the next code's position needs this code's length); four independent chains
/// in one loop keep the core's units busy, about three times one chain's speed.
extension HuffmanDecoder {
    /// Segments (and so cursors) of a method-3 plane.
    static let segments = 4

    /// One cursor: its bits, where it writes, and where its segment ends.
    struct Cursor {
        var reader: BitReader
        var out: Int
        let end: Int
    }

    /// Decodes `stream`, one final dynamic literal-only block, into exactly `output.count` bytes,
    /// segment `k` (bytes `k * n / 4 ..< (k + 1) * n / 4`) from bit `entryPoints[k - 1]` (segment 0
    /// from the end of the block header). True only when every cursor ends exactly where the next
    /// one starts, the last one at the end-of-block code and the stream's last byte: then the
    /// result is what decoding the stream from its start gives. False otherwise, having judged
    /// nothing: the caller decodes the stream from its start instead (entry points are hints).
    static func decodeSegments(_ stream: UnsafeRawBufferPointer, entryPoints: [Int],
                               into output: UnsafeMutableRawBufferPointer,
                               tables: UnsafeMutablePointer<Entry>, singles: UnsafeMutablePointer<UInt16>) -> Bool {
        let k = segments
        let n = output.count
        guard entryPoints.count == k - 1, n >= 64 * k,
              let src = stream.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let dst = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var header = BitReader(src, count: stream.count)
        guard header.take(1) == 1, header.take(2) == 2, let hlit = header.take(5), let hdist = header.take(5),
              let hclen = header.take(4), hlit == 0, 1 + hdist <= 30,
              let code = Canonical(lengthsFrom: &header, literals: 257, distances: 1 + Int(hdist),
                                   codeLengthCount: 4 + Int(hclen)), !header.overrun else { return false }
        // Each segment holds at least 64 literals of at least one bit, so starts strictly increase.
        var starts = [header.consumedBits] + entryPoints
        let totalBits = stream.count * 8
        for i in 1..<k where !(starts[i] > starts[i - 1] && starts[i] < totalBits) { return false }
        starts.append(totalBits)
        let table = code.fill(tables, singles: singles)

        var c0 = Cursor(reader: BitReader(src, count: stream.count, startingAt: starts[0]), out: 0, end: n / k)
        var c1 = Cursor(reader: BitReader(src, count: stream.count, startingAt: starts[1]), out: n / k, end: 2 * n / k)
        var c2 = Cursor(reader: BitReader(src, count: stream.count, startingAt: starts[2]), out: 2 * n / k, end: 3 * n / k)
        var c3 = Cursor(reader: BitReader(src, count: stream.count, startingAt: starts[3]), out: 3 * n / k, end: n)
        let mask = UInt64(1 << tableBits - 1)

        /// Up to four lookups for one cursor (at most 44 bits, within the 56 a refill guarantees);
        /// false at a code the table does not hold (the careful loop below takes it).
        @inline(__always)
        func steps(_ c: inout Cursor) -> Bool {
            c.reader.refillFast()
            for _ in 0..<4 {
                let entry = table[Int(truncatingIfNeeded: c.reader.buffer & mask)]
                let count = Int(truncatingIfNeeded: (entry >> 4) & 7)
                if count == 0 { return false }
                UnsafeMutableRawPointer(dst + c.out).storeBytes(of: (entry >> 8).littleEndian, as: UInt64.self)
                c.out &+= count
                c.reader.drop(Int(truncatingIfNeeded: entry & 15))
            }
            return true
        }

        // Interleaved while every cursor has room for four full lookups (4 x 6 literals, and the
        // 8-byte stores) before its segment ends and a whole word of input ahead.
        let room = 4 * maxLiterals + 8
        while c0.end &- c0.out >= room, c1.end &- c1.out >= room, c2.end &- c2.out >= room, c3.end &- c3.out >= room,
              c0.reader.canRefillFast, c1.reader.canRefillFast, c2.reader.canRefillFast, c3.reader.canRefillFast {
            let a = steps(&c0), b = steps(&c1), c = steps(&c2), d = steps(&c3)
            if !(a && b && c && d) {
                // A long code (or a stray end-of-block) at the front of some cursor: one careful symbol each.
                guard careful(&c0, code, singles, dst, 1), careful(&c1, code, singles, dst, 1),
                      careful(&c2, code, singles, dst, 1), careful(&c3, code, singles, dst, 1) else { return false }
            }
        }
        // Each cursor finishes its segment symbol by symbol and must stop exactly at the next start.
        guard careful(&c0, code, singles, dst, .max), c0.reader.consumedBits == starts[1],
              careful(&c1, code, singles, dst, .max), c1.reader.consumedBits == starts[2],
              careful(&c2, code, singles, dst, .max), c2.reader.consumedBits == starts[3],
              careful(&c3, code, singles, dst, .max) else { return false }
        // Then the end of the block, and the end of the stream in its last byte.
        guard code.decodeSlowly(&c3.reader) == 256, !c3.reader.overrun else { return false }
        return c3.reader.endsExactly
    }

    /// Decodes up to `limit` single literals for `c` (stopping at its segment's end), each by the
    /// one-symbol table or, for codes longer than it, bit by bit. False at anything but a literal,
    /// or when the input ran out.
    private static func careful(_ c: inout Cursor, _ code: Canonical, _ singles: UnsafeMutablePointer<UInt16>,
                                _ dst: UnsafeMutablePointer<UInt8>, _ limit: Int) -> Bool {
        var done = 0
        let mask = UInt64(1 << tableBits - 1)
        while c.out < c.end, done < limit {
            c.reader.refill()
            let single = singles[Int(truncatingIfNeeded: c.reader.buffer & mask)]
            if single != 0 {
                dst[c.out] = UInt8(truncatingIfNeeded: single)
                c.reader.drop(Int(single >> 12))
            } else {
                guard let symbol = code.decodeSlowly(&c.reader), symbol < 256 else { return false }
                dst[c.out] = UInt8(truncatingIfNeeded: symbol)
            }
            c.out += 1
            done += 1
            if c.reader.overrun { return false }
        }
        return true
    }
}
