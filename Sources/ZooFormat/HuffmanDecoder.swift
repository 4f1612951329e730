/// A fast decoder for the deflate streams the `huffman` plane method produces: dynamic blocks whose
/// literal/length code has only literals (formats/zckpt-v1.md, §5.3 "planes").
///
/// One table lookup yields up to `maxLiterals` literals (an exponent plane averages under three
/// bits per byte), several times zlib's one-symbol-per-step speed. Anything else — stored or fixed
/// blocks, length codes, invalid or incomplete codes, a wrong length, trailing bytes — makes it
/// return false without judging; the caller then inflates with zlib, which decodes or reports the
/// error. So whatever this decoder accepts, zlib accepts and decodes to the same bytes
/// (HuffmanDecoderTests check it on damaged streams); it takes every stream `HuffmanEncoder` writes.
enum HuffmanDecoder {
    /// Most bits indexed by the multi-literal table (2,048 entries of 8 bytes: 16 KiB, within L1).
    static let tableBits = 11

    /// Bits of the table for a plane of `n` bytes: building the table costs the same whatever the
    /// plane's length, so a small plane gets a small table (7 bits up to 512 bytes, then one more
    /// bit per doubling, at most `tableBits`); codes longer than the table take the slow path.
    static func tableBits(forLength n: Int) -> Int {
        let quarter = max(1, n / 4)
        return min(tableBits, max(7, Int.bitWidth - quarter.leadingZeroBitCount))
    }
    /// Most literals one table entry holds.
    static let maxLiterals = 6

    /// A table entry: bits 0-3 the bits its literals take, bits 4-6 how many literals (0: the code
    /// at this position is longer than the table or is the end of the block), bits 8-55 the
    /// literals, first in the lowest byte.
    typealias Entry = UInt64

    /// Decodes `input` into exactly `output.count` bytes; false when the stream is not one this
    /// decoder takes (see the type's comment). `tables` is scratch for
    /// `Canonical.tablesCapacity(bits: tableBits)` entries.
    static func decodeLiterals(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                               tables: UnsafeMutablePointer<Entry>) -> Bool {
        guard let src = input.baseAddress?.assumingMemoryBound(to: UInt8.self),
              let dst = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var reader = BitReader(src, count: input.count)
        let n = output.count
        var out = 0
        let bits = tableBits(forLength: n)
        let mask = UInt64(1 << bits - 1)
        while true {
            guard let final = reader.take(1), reader.take(2) == 2,
                  let hlit = reader.take(5), let hdist = reader.take(5), let hclen = reader.take(4) else { return false }
            // Literal-only: 257 literal/length codes (so at most zlib's 286), no length codes.
            guard hlit == 0 else { return false }
            // RFC 1951 allows at most 30 distance codes (zlib: "too many length or distance symbols").
            guard 1 + hdist <= 30 else { return false }
            guard let code = Canonical(lengthsFrom: &reader, literals: 257 + Int(hlit), distances: 1 + Int(hdist),
                                       codeLengthCount: 4 + Int(hclen)) else { return false }
            let table = code.fill(tables, bits: bits)
            while true {
                // Fast loop: with 56 bits buffered, five lookups of at most 11 bits each, each
                // storing 8 bytes (room checked once) and advancing by its literal count.
                fast: while out &+ 40 <= n, reader.canRefillFast {
                    reader.refillFast()
                    for _ in 0..<5 {
                        let entry = table[Int(truncatingIfNeeded: reader.buffer & mask)]
                        let count = Int(truncatingIfNeeded: (entry >> 4) & 7)
                        if count == 0 { break fast }
                        UnsafeMutableRawPointer(dst + out).storeBytes(of: (entry >> 8).littleEndian, as: UInt64.self)
                        out &+= count
                        reader.drop(Int(truncatingIfNeeded: entry & 15))
                    }
                }
                // Careful step: near either end, or at a long code or the end of the block.
                reader.refill()
                let entry = table[Int(truncatingIfNeeded: reader.buffer & mask)]
                let count = Int(truncatingIfNeeded: (entry >> 4) & 7)
                if count > 0 {
                    guard count <= n - out else { return false }
                    for k in 0..<count { dst[out + k] = UInt8(truncatingIfNeeded: entry >> (8 + 8 * k)) }
                    out += count
                    reader.drop(Int(truncatingIfNeeded: entry & 15))
                } else {
                    guard let symbol = code.decodeSlowly(&reader) else { return false }
                    if symbol == 256 { break }
                    guard out < n else { return false }
                    dst[out] = UInt8(truncatingIfNeeded: symbol)
                    out += 1
                }
                if reader.overrun { return false }
            }
            if final == 1 { break }
        }
        return out == n && reader.endsExactly
    }

    /// `decodeLiterals` with a table of its own (tests; the codec passes a workspace's).
    static func decodeLiterals(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        let tables = UnsafeMutablePointer<Entry>.allocate(capacity: Canonical.tablesCapacity(bits: tableBits))
        defer { tables.deallocate() }
        return decodeLiterals(input, into: output, tables: tables)
    }

    /// One block's literal code in canonical form (RFC 1951 §3.2.2), decoded bit by bit in the
    /// slow path and expanded into the multi-literal table for the fast one.
    struct Canonical {
        var lengths: [UInt8]
        /// Codes per length, and symbols ordered by (length, symbol), as in zlib's puff.c.
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int] = []

        init?(lengths: [UInt8], requireComplete: Bool) {
            self.lengths = lengths
            for l in lengths { counts[Int(l)] += 1 }
            var left = 1
            for bits in 1..<16 {
                left <<= 1
                left -= counts[bits]
                if left < 0 { return nil } // over-subscribed
            }
            if left > 0 && requireComplete { return nil }
            var offsets = [Int](repeating: 0, count: 16)
            for bits in 1..<15 { offsets[bits + 1] = offsets[bits] + counts[bits] }
            symbols = [Int](repeating: 0, count: lengths.count)
            for (symbol, l) in lengths.enumerated() where l > 0 {
                symbols[offsets[Int(l)]] = symbol
                offsets[Int(l)] += 1
            }
            counts[0] = 0
        }

        /// Reads the code-length code and the literal and distance code lengths of a dynamic block;
        /// nil unless they are valid and the literal code is complete with an end-of-block code.
        init?(lengthsFrom reader: inout BitReader, literals: Int, distances: Int, codeLengthCount: Int) {
            let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
            var codeLengthLengths = [UInt8](repeating: 0, count: 19)
            for i in 0..<codeLengthCount {
                guard let l = reader.take(3) else { return nil }
                codeLengthLengths[order[i]] = UInt8(l)
            }
            guard let lengthCode = Canonical(lengths: codeLengthLengths, requireComplete: true) else { return nil }
            var all: [UInt8] = []
            all.reserveCapacity(literals + distances)
            while all.count < literals + distances {
                guard let symbol = lengthCode.decodeSlowly(&reader) else { return nil }
                switch symbol {
                case 0..<16:
                    all.append(UInt8(symbol))
                case 16:
                    guard let previous = all.last, let extra = reader.take(2) else { return nil }
                    all += [UInt8](repeating: previous, count: 3 + Int(extra))
                case 17:
                    guard let extra = reader.take(3) else { return nil }
                    all += [UInt8](repeating: 0, count: 3 + Int(extra))
                default:
                    guard let extra = reader.take(7) else { return nil }
                    all += [UInt8](repeating: 0, count: 11 + Int(extra))
                }
            }
            guard all.count == literals + distances, all[256] > 0 else { return nil }
            // The distance code must be one zlib accepts even though no distance is used.
            let distanceLengths = Array(all[literals...])
            let used = distanceLengths.filter { $0 > 0 }
            if !(used.isEmpty || (used.count == 1 && used[0] == 1)) {
                guard Canonical(lengths: distanceLengths, requireComplete: true) != nil else { return nil }
            }
            self.init(lengths: Array(all[..<literals]), requireComplete: true)
        }

        /// Decodes one symbol bit by bit (any length up to 15); nil on an unused code or no input.
        func decodeSlowly(_ reader: inout BitReader) -> Int? {
            var code = 0, first = 0, index = 0
            for bits in 1..<16 {
                guard let bit = reader.take(1) else { return nil }
                code |= Int(bit)
                let count = counts[bits]
                if code - count < first { return symbols[index + (code - first)] }
                index += count
                first += count
                first <<= 1
                code <<= 1
            }
            return nil
        }

        /// Entries `fill` needs in its `tables` buffer for a table of `bits` bits.
        static func tablesCapacity(bits: Int) -> Int { 2 << bits }

        /// Fills the table (see `Entry`) and returns it: for every `bits`-bit lookahead, the
        /// literals it fully determines, up to `maxLiterals`. Count 0 sends the decoder to the
        /// slow path (end-of-block or a code longer than the table). `tables` has room for
        /// `tablesCapacity(bits:)` entries: the tables of 1 to `bits` bits are built there in
        /// turn, each from the smaller ones, and the last is the result (no copy).
        /// With `singles`, the one-symbol table is kept there too (symbol in bits 0-8, length in
        /// bits 12-15; 0 where the code is longer than the table or is not a literal).
        @discardableResult
        func fill(_ tables: UnsafeMutablePointer<Entry>, singles: UnsafeMutablePointer<UInt16>? = nil,
                  bits tableBits: Int = HuffmanDecoder.tableBits) -> UnsafeMutablePointer<Entry> {
            let size = 1 << tableBits
            return withUnsafeTemporaryAllocation(of: UInt16.self, capacity: size) { scratch in
                let single = singles ?? scratch.baseAddress!
                // Single symbols first: symbol (bits 0-8) and length (bits 12-15) for codes that
                // fit the table, 0 elsewhere.
                single.initialize(repeating: 0, count: size)
                // First code of each length, RFC 1951's recurrence (counts[0] is 0).
                var next = [Int](repeating: 0, count: 16)
                var code = 0
                for bits in 1..<16 {
                    code = (code + counts[bits - 1]) << 1
                    next[bits] = code
                }
                for (symbol, l) in lengths.enumerated() where l > 0 {
                    let length = Int(l)
                    var c = next[length]
                    next[length] += 1
                    guard length <= tableBits, symbol < 256 else { continue }
                    var reversed = 0
                    for _ in 0..<length { reversed = (reversed << 1) | (c & 1); c >>= 1 }
                    let entry = UInt16(symbol) | UInt16(length) << 12
                    var k = reversed
                    while k < size {
                        single[k] = entry
                        k &+= 1 << length
                    }
                }
                // Entry i of a b-bit table is the literal whose code starts i (if it fits in b
                // bits) followed by entry i >> length of the (b - length)-bit table: build the
                // tables for b = 1 ... tableBits in turn, each from the smaller ones (twice the
                // final table's work, one step per entry). Table b lives at [2^b, 2^(b+1)).
                tables[1] = 0 // the 0-bit table: nothing determined
                for b in 1...tableBits {
                    let base = 1 << b
                    for j in 0..<base {
                        let e = single[j]
                        let length = Int(truncatingIfNeeded: e >> 12)
                        guard length > 0, length <= b else { tables[base &+ j] = 0; continue }
                        let rest = tables[(1 << (b &- length)) &+ (j >> length)]
                        var count = Int(truncatingIfNeeded: (rest >> 4) & 7), used = Int(truncatingIfNeeded: rest & 15)
                        var literals = rest >> 8
                        if count == maxLiterals {
                            // Keep the first literal and five of the rest: drop the rest's last.
                            count -= 1
                            used -= Int(lengths[Int((literals >> UInt64(8 * count)) & 0xFF)])
                            literals &= (1 << UInt64(8 * count)) - 1
                        }
                        tables[base &+ j] = UInt64(used &+ length) | UInt64(count &+ 1) << 4
                            | (literals << 8 | UInt64(e & 0xFF)) << 8
                    }
                }
                return tables + size
            }
        }
    }

    /// An LSB-first bit reader that pads with zeros past the end and remembers that it did.
    struct BitReader {
        private let base: UnsafePointer<UInt8>
        private let count: Int
        private var position = 0
        /// The buffered bits, next bit lowest.
        private(set) var buffer: UInt64 = 0
        private var available = 0
        /// Zero bits appended past the end of the input.
        private var padded = 0

        init(_ base: UnsafePointer<UInt8>, count: Int) {
            self.base = base
            self.count = count
        }

        /// A reader positioned `bit` bits into the input (at most its length in bits).
        init(_ base: UnsafePointer<UInt8>, count: Int, startingAt bit: Int) {
            self.base = base
            self.count = count
            position = bit >> 3
            refill()
            drop(bit & 7)
        }

        /// Bits consumed from the start of the input (padding included).
        var consumedBits: Int { position &* 8 &+ padded &- available }

        /// Whether `refillFast` may read a whole word.
        var canRefillFast: Bool { position &+ 8 <= count }

        /// At least 56 bits buffered afterwards; needs `canRefillFast`.
        @inline(__always)
        mutating func refillFast() {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
            buffer |= word &<< available
            position &+= (63 &- available) &>> 3
            available |= 56
        }

        /// At least 56 bits buffered afterwards.
        @inline(__always)
        mutating func refill() {
            if position + 8 <= count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                buffer |= word << available
                position += (63 - available) >> 3
                available |= 56
            } else {
                while available <= 56 {
                    if position < count {
                        buffer |= UInt64(base[position]) << available
                        position += 1
                    } else {
                        padded += 8
                    }
                    available += 8
                }
            }
        }

        @inline(__always)
        func peek(_ bits: Int) -> UInt64 { buffer & ((1 << bits) - 1) }

        @inline(__always)
        mutating func drop(_ bits: Int) {
            buffer &>>= UInt64(truncatingIfNeeded: bits)
            available &-= bits
        }

        /// The next `bits` bits (at most 32), or nil past the end of the input.
        mutating func take(_ bits: Int) -> UInt64? {
            if available < bits { refill() }
            let value = peek(bits)
            drop(bits)
            return overrun ? nil : value
        }

        /// Whether more bits were consumed than the input has.
        var overrun: Bool { available < padded }

        /// Whether the bits consumed end in the input's last byte (only padding bits after them).
        var endsExactly: Bool {
            let consumed = (position * 8 + padded) - available
            return consumed <= count * 8 && (consumed + 7) / 8 == count
        }
    }
}
