/// A fast writer of Huffman-only deflate streams (RFC 1951 dynamic blocks holding only literals),
/// the `huffman` plane method of formats/zckpt-v1.md §5.3 "planes".
///
/// zlib's `Z_HUFFMAN_ONLY` strategy writes the same kind of stream but runs at a fraction of the
/// speed (it tallies symbols one by one through its LZ77 machinery); this encoder counts each block
/// once, builds its code, knows the exact output size before writing a bit, and packs bits 64 at a
/// time. Its output is ordinary deflate, decoded by zlib's `inflate`.
enum HuffmanEncoder {
    /// Literals per block: each block gets its own code, adapting to local statistics as zlib's
    /// blocks do, at a header cost of a few dozen bytes.
    static let blockSize = 1 << 16

    /// Encodes `input` as one deflate stream into `output`. Returns the stream's length, or nil
    /// when it is not below `limit` (default: `output.count`; callers pass the size to beat).
    /// Nothing is written beyond `output.count`, but bytes after the returned length may be: room
    /// to spare after the limit lets the writer store whole words to the very end.
    /// `blockCounts`, when given, are the byte counts of each block (as `PlaneStatistics` makes
    /// them), saving a pass over the input.
    static func encode(_ input: UnsafeRawBufferPointer, blockCounts: [[Int]]? = nil,
                       into output: UnsafeMutableRawBufferPointer, limit: Int? = nil) -> Int? {
        guard let src = input.baseAddress?.assumingMemoryBound(to: UInt8.self), let dst = output.baseAddress else {
            return nil
        }
        let n = input.count
        var plans: [BlockPlan] = []
        var totalBits = 0
        var start = 0
        repeat {
            let end = min(n, start + blockSize)
            let counts = blockCounts.flatMap { plans.count < $0.count ? $0[plans.count] : nil }
            let plan = BlockPlan(src + start, count: end - start, isFinal: end == n, counts: counts)
            totalBits += plan.bits
            plans.append(plan)
            start = end
        } while start < n
        let length = (totalBits + 7) / 8
        guard length < min(limit ?? output.count, output.count + 1) else { return nil }
        var writer = BitWriter(dst, capacity: output.count)
        start = 0
        for plan in plans {
            plan.write(src + start, into: &writer)
            start += plan.count
        }
        writer.finish()
        return length
    }

    /// Encodes `input` as an `indexedHuffman` plane (formats/zckpt-v1.md §5.3, method 3): the
    /// segment count K, the K - 1 entry points (u32 little-endian: the bit, from the start of the
    /// stream, of the code of literal floor(j * n / K)), then one deflate stream of a single
    /// Huffman-only block. Returns the plane's stored length, or nil when it is not below `limit`
    /// (nothing is written beyond `output.count`, as for `encode`). `counts` are the byte counts
    /// of the whole input when known.
    static func encodeIndexed(_ input: UnsafeRawBufferPointer, counts: [Int]? = nil,
                              into output: UnsafeMutableRawBufferPointer, limit: Int) -> Int? {
        let k = HuffmanDecoder.segments
        let n = input.count
        let prefix = 1 + 4 * (k - 1)
        guard n >= k, let src = input.baseAddress?.assumingMemoryBound(to: UInt8.self), let dst = output.baseAddress,
              output.count > prefix else { return nil }
        let plan = BlockPlan(src, count: n, isFinal: true, counts: counts)
        let length = prefix + (plan.bits + 7) / 8
        guard length < min(limit, output.count + 1) else { return nil }
        var writer = BitWriter(dst + prefix, capacity: output.count - prefix)
        let marks = (1..<k).map { $0 * n / k }
        let entries = plan.write(src, into: &writer, marking: marks)
        writer.finish()
        dst.storeBytes(of: UInt8(k), as: UInt8.self)
        for (j, bit) in entries.enumerated() {
            dst.storeBytes(of: UInt32(bit).littleEndian, toByteOffset: 1 + 4 * j, as: UInt32.self)
        }
        return length
    }

    /// One block's code and header, planned from its symbol counts.
    struct BlockPlan {
        let count: Int
        let isFinal: Bool
        /// Code length per literal 0...255 and end-of-block 256.
        var lengths = [UInt8](repeating: 0, count: 257)
        var codes = [UInt16](repeating: 0, count: 257)
        /// The code-length sequence, run-length coded: (symbol, extra bits value).
        var runs: [(symbol: UInt8, extra: UInt8)] = []
        var lengthCodeLengths = [UInt8](repeating: 0, count: 19)
        var lengthCodes = [UInt16](repeating: 0, count: 19)
        var hclen = 4
        /// Exact size of the block in bits.
        var bits = 0

        static let lengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        static let extraBits: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7]

        init(_ src: UnsafePointer<UInt8>, count: Int, isFinal: Bool, counts: [Int]? = nil) {
            self.count = count
            self.isFinal = isFinal
            var frequencies: [Int]
            if let counts, counts.count == 256 {
                frequencies = counts + [1]
            } else {
                frequencies = [Int](repeating: 0, count: 257)
                frequencies.withUnsafeMutableBufferPointer { f in
                    for i in 0..<count { f[Int(src[i])] &+= 1 }
                }
            }
            frequencies[256] = 1
            lengths = Self.codeLengths(Self.atLeastTwo(frequencies), limit: 15)
            codes = Self.canonicalCodes(lengths)

            // Literal/length lengths (257: no length codes) then two distance codes of length 1,
            // as zlib sends: a complete distance code keeps every inflater happy.
            let sequence = lengths + [1, 1]
            runs = Self.runLengths(sequence)
            var lengthFrequencies = [Int](repeating: 0, count: 19)
            for run in runs { lengthFrequencies[Int(run.symbol)] += 1 }
            lengthCodeLengths = Self.codeLengths(Self.atLeastTwo(lengthFrequencies), limit: 7)
            lengthCodes = Self.canonicalCodes(lengthCodeLengths)
            hclen = 19
            while hclen > 4, lengthCodeLengths[Self.lengthOrder[hclen - 1]] == 0 { hclen -= 1 }

            var total = 3 + 5 + 5 + 4 + 3 * hclen
            for run in runs { total += Int(lengthCodeLengths[Int(run.symbol)]) + Self.extraBits[Int(run.symbol)] }
            for s in 0..<257 { total += frequencies[s] * Int(lengths[s]) }
            bits = total
        }

        func write(_ src: UnsafePointer<UInt8>, into writer: inout BitWriter) {
            write(src, into: &writer, marking: [])
        }

        /// Writes the block; before the literal at each offset in `marks` (increasing, within the
        /// block) it records the writer's bit position, returned in the same order.
        @discardableResult
        func write(_ src: UnsafePointer<UInt8>, into writer: inout BitWriter, marking marks: [Int]) -> [Int] {
            writer.put(isFinal ? 1 : 0, 1)
            writer.put(2, 2) // BTYPE 10: dynamic Huffman
            writer.put(0, 5) // HLIT: 257 literal/length codes
            writer.put(1, 5) // HDIST: 2 distance codes
            writer.put(UInt64(hclen - 4), 4)
            for i in 0..<hclen { writer.put(UInt64(lengthCodeLengths[Self.lengthOrder[i]]), 3) }
            for run in runs {
                let s = Int(run.symbol)
                writer.put(UInt64(lengthCodes[s]), Int(lengthCodeLengths[s]))
                if Self.extraBits[s] > 0 { writer.put(UInt64(run.extra), Self.extraBits[s]) }
            }
            var positions: [Int] = []
            // Codes and lengths packed in one table: code in the low 16 bits, length above.
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 256) { t in
                var longest = 0
                for s in 0..<256 {
                    t[s] = UInt32(codes[s]) | UInt32(lengths[s]) << 16
                    longest = max(longest, Int(lengths[s]))
                }
                var start = 0
                for mark in marks + [count] {
                    writer.putLiterals(src + start, count: mark - start, table: t, fourAtATime: longest <= 14)
                    if mark < count { positions.append(writer.bitPosition) }
                    start = mark
                }
            }
            writer.put(UInt64(codes[256]), Int(lengths[256]))
            return positions
        }

        /// `frequencies` with a second symbol made present when only one is: a one-symbol code is
        /// incomplete, which inflaters refuse for the code-length code. The exact block size is
        /// still computed from the real counts.
        static func atLeastTwo(_ frequencies: [Int]) -> [Int] {
            guard frequencies.filter({ $0 > 0 }).count < 2 else { return frequencies }
            var weights = frequencies
            if let spare = weights.indices.first(where: { weights[$0] == 0 }) { weights[spare] = 1 }
            return weights
        }

        /// Huffman code lengths for `frequencies`, at most `limit` bits. Symbols with frequency 0
        /// get length 0; a lone symbol gets length 1. Over-long codes are avoided by flattening the
        /// frequencies and rebuilding (rare: it needs very skewed counts).
        static func codeLengths(_ frequencies: [Int], limit: Int) -> [UInt8] {
            var weights = frequencies
            while true {
                let lengths = huffmanLengths(weights)
                if lengths.allSatisfy({ Int($0) <= limit }) { return lengths }
                weights = weights.map { $0 == 0 ? 0 : max(1, $0 >> 1) }
            }
        }

        private static func huffmanLengths(_ frequencies: [Int]) -> [UInt8] {
            var lengths = [UInt8](repeating: 0, count: frequencies.count)
            let symbols = frequencies.count
            return withUnsafeTemporaryAllocation(of: Int.self, capacity: 7 * symbols) { scratch in
                // Used symbols sorted by (frequency, symbol): one integer key each, symbol in the low bits.
                var used = 0
                for (symbol, f) in frequencies.enumerated() where f > 0 {
                    scratch[used] = f << 10 | symbol
                    used += 1
                }
                var keys = UnsafeMutableBufferPointer(rebasing: scratch[0..<used])
                keys.sort()
                if used == 1 { lengths[keys[0] & 1023] = 1 }
                guard used > 1 else { return lengths }
                // Two-queue Huffman: leaves sorted by weight, internal nodes created in weight order.
                let nodes = 2 * used - 1
                let weight = UnsafeMutableBufferPointer(rebasing: scratch[used..<(used + nodes)])
                let parent = UnsafeMutableBufferPointer(rebasing: scratch[(used + nodes)..<(used + 2 * nodes)])
                let depth = UnsafeMutableBufferPointer(rebasing: scratch[(used + 2 * nodes)..<(used + 3 * nodes)])
                for k in 0..<used { weight[k] = frequencies[keys[k] & 1023] }
                var leaf = 0, node = used, nextInternal = used
                func takeSmallest() -> Int {
                    if leaf < used, node >= nextInternal || weight[leaf] <= weight[node] {
                        leaf += 1
                        return leaf - 1
                    }
                    node += 1
                    return node - 1
                }
                while nextInternal < nodes {
                    let a = takeSmallest(), b = takeSmallest()
                    weight[nextInternal] = weight[a] + weight[b]
                    parent[a] = nextInternal
                    parent[b] = nextInternal
                    nextInternal += 1
                }
                depth[nodes - 1] = 0
                for i in stride(from: nodes - 2, through: 0, by: -1) { depth[i] = depth[parent[i]] + 1 }
                for k in 0..<used { lengths[keys[k] & 1023] = UInt8(min(depth[k], 255)) }
                return lengths
            }
        }

        /// Canonical codes (RFC 1951 §3.2.2), bit-reversed because deflate sends codes
        /// most-significant bit first into an LSB-first bit stream.
        static func canonicalCodes(_ lengths: [UInt8]) -> [UInt16] {
            var countPerLength = [Int](repeating: 0, count: 16)
            for l in lengths where l > 0 { countPerLength[Int(l)] += 1 }
            var next = [Int](repeating: 0, count: 16)
            var code = 0
            for bits in 1..<16 {
                code = (code + countPerLength[bits - 1]) << 1
                next[bits] = code
            }
            var codes = [UInt16](repeating: 0, count: lengths.count)
            for (symbol, l) in lengths.enumerated() where l > 0 {
                var c = next[Int(l)]
                next[Int(l)] += 1
                var reversed = 0
                for _ in 0..<Int(l) { reversed = (reversed << 1) | (c & 1); c >>= 1 }
                codes[symbol] = UInt16(reversed)
            }
            return codes
        }

        /// The code-length sequence with runs coded as symbols 16 (repeat previous 3-6), 17 (zeros
        /// 3-10) and 18 (zeros 11-138), RFC 1951 §3.2.7.
        static func runLengths(_ sequence: [UInt8]) -> [(symbol: UInt8, extra: UInt8)] {
            var runs: [(symbol: UInt8, extra: UInt8)] = []
            var i = 0
            while i < sequence.count {
                let value = sequence[i]
                var run = 1
                while i + run < sequence.count, sequence[i + run] == value { run += 1 }
                i += run
                if value == 0 {
                    while run >= 11 { let r = min(run, 138); runs.append((18, UInt8(r - 11))); run -= r }
                    if run >= 3 { runs.append((17, UInt8(run - 3))); run = 0 }
                } else {
                    runs.append((value, 0))
                    run -= 1
                    while run >= 3 { let r = min(run, 6); runs.append((16, UInt8(r - 3))); run -= r }
                }
                for _ in 0..<run { runs.append((value, 0)) }
            }
            return runs
        }
    }

    /// An LSB-first bit packer. After each addition it stores the whole 8-byte buffer and advances
    /// by the complete bytes in it, keeping under 8 bits, so adding bits never branches; within 8
    /// bytes of the end of its room it stores byte by byte instead.
    struct BitWriter {
        private let base: UnsafeMutableRawPointer
        private let capacity: Int
        private var position = 0
        private var buffer: UInt64 = 0
        private var filled = 0

        init(_ base: UnsafeMutableRawPointer, capacity: Int) {
            self.base = base
            self.capacity = capacity
        }

        /// Appends the low `count` bits of `value` (count <= 32).
        @inline(__always)
        mutating func put(_ value: UInt64, _ count: Int) {
            putWide(value, count)
        }

        /// Appends the low `count` bits of `value` (count <= 56).
        @inline(__always)
        mutating func putWide(_ value: UInt64, _ count: Int) {
            buffer |= value &<< UInt64(truncatingIfNeeded: filled)
            filled &+= count
            if position &+ 8 <= capacity {
                base.storeBytes(of: buffer.littleEndian, toByteOffset: position, as: UInt64.self)
                position &+= filled &>> 3
                buffer = buffer &>> UInt64(truncatingIfNeeded: filled & 56)
                filled &= 7
            } else {
                while filled >= 8, position < capacity {
                    base.storeBytes(of: UInt8(truncatingIfNeeded: buffer), toByteOffset: position, as: UInt8.self)
                    position += 1
                    buffer >>= 8
                    filled -= 8
                }
            }
        }

        /// Appends the codes of `count` literals at `src`, `table[s]` holding symbol s's code
        /// (low 16 bits) and length (above); four codes at a time when no code is over 14 bits
        /// (4 x 14 + 7 bits fit the buffer), else three.
        @inline(__always)
        mutating func putLiterals(_ src: UnsafePointer<UInt8>, count: Int, table t: UnsafeMutableBufferPointer<UInt32>,
                                  fourAtATime: Bool) {
            var i = 0
            if fourAtATime {
                while i &+ 4 <= count {
                    let a = t[Int(src[i])], b = t[Int(src[i &+ 1])], c = t[Int(src[i &+ 2])], d = t[Int(src[i &+ 3])]
                    var value = UInt64(a & 0xFFFF)
                    var width = a >> 16
                    value |= UInt64(b & 0xFFFF) &<< UInt64(width); width &+= b >> 16
                    value |= UInt64(c & 0xFFFF) &<< UInt64(width); width &+= c >> 16
                    value |= UInt64(d & 0xFFFF) &<< UInt64(width); width &+= d >> 16
                    putWide(value, Int(width))
                    i &+= 4
                }
            } else {
                while i &+ 3 <= count {
                    let a = t[Int(src[i])], b = t[Int(src[i &+ 1])], c = t[Int(src[i &+ 2])]
                    var value = UInt64(a & 0xFFFF)
                    var width = a >> 16
                    value |= UInt64(b & 0xFFFF) &<< UInt64(width); width &+= b >> 16
                    value |= UInt64(c & 0xFFFF) &<< UInt64(width); width &+= c >> 16
                    putWide(value, Int(width))
                    i &+= 3
                }
            }
            while i < count {
                let a = t[Int(src[i])]
                put(UInt64(a & 0xFFFF), Int(a >> 16))
                i &+= 1
            }
        }

        /// Bits written so far.
        var bitPosition: Int { position &* 8 &+ filled }

        /// Writes the bits still buffered (the last byte zero-padded).
        mutating func finish() {
            while filled > 0, position < capacity {
                base.storeBytes(of: UInt8(truncatingIfNeeded: buffer), toByteOffset: position, as: UInt8.self)
                position += 1
                buffer >>= 8
                filled = max(0, filled - 8)
            }
            buffer = 0
            filled = 0
        }
    }
}
