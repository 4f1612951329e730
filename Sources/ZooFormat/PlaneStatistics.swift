import Foundation

/// A cheap look at one byte plane that decides which storage methods are worth trying, so the
/// encoder does not run deflate on planes it cannot shrink (the spec leaves this choice to writers).
struct PlaneStatistics {
    /// Estimated entropy in bits per byte (order 0).
    var bitsPerByte: Double
    /// Whether neighbouring bytes repeat much more often than chance, which LZ77 can exploit.
    var hasRepeats: Bool

    /// Byte counts of each `HuffmanEncoder.blockSize` block of the plane, handed to the encoder so
    /// the plane is counted once.
    var blockCounts: [[Int]] = []

    /// Planes at least this long are first judged from a sample.
    static let sampleFrom = 1 << 15

    /// Looks at `plane`. A plane of `sampleFrom` bytes or more whose sample is clearly
    /// incompressible (mantissa bytes, typically) is judged from the sample alone: nothing is
    /// worth trying on it, so its bytes need not all be counted. Smaller planes, and planes whose
    /// sample shows anything to gain, are counted in full.
    init(_ plane: UnsafeRawBufferPointer) {
        let n = plane.count
        guard n > 0 else { bitsPerByte = 0; hasRepeats = false; return }
        if n >= Self.sampleFrom, let bits = Self.sampledBitsIfIncompressible(plane) {
            bitsPerByte = bits
            hasRepeats = false
            return
        }
        var repeats = 0
        var counts = [Int](repeating: 0, count: 256)
        let bytes = plane.bindMemory(to: UInt8.self)
        var start = 0
        var blocks: [[Int]] = []
        // Four interleaved tables: runs of one byte value (common in exponent planes) would
        // otherwise serialise every increment on the same counter.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 1024) { t in
            while start < n {
                let end = min(n, start + HuffmanEncoder.blockSize)
                t.initialize(repeating: 0)
                var i = start
                while i &+ 4 <= end {
                    let a = Int(bytes[i]), b = Int(bytes[i &+ 1]), c = Int(bytes[i &+ 2]), d = Int(bytes[i &+ 3])
                    t[a] &+= 1
                    t[256 &+ b] &+= 1
                    t[512 &+ c] &+= 1
                    t[768 &+ d] &+= 1
                    repeats &+= (a == b ? 1 : 0) &+ (b == c ? 1 : 0) &+ (c == d ? 1 : 0)
                    i &+= 4
                }
                while i < end { t[Int(bytes[i])] &+= 1; i &+= 1 }
                var block = [Int](repeating: 0, count: 256)
                for v in 0..<256 {
                    block[v] = Int(t[v]) + Int(t[256 + v]) + Int(t[512 + v]) + Int(t[768 + v])
                    counts[v] += block[v]
                }
                blocks.append(block)
                start = end
            }
        }
        blockCounts = blocks
        let total = Double(n)
        var bits = 0.0
        var collision = 0.0
        for c in counts where c > 0 {
            let p = Double(c) / total
            bits -= p * log2(p)
            collision += p * p
        }
        bitsPerByte = bits
        // Repeats are counted within groups of four: three neighbour pairs per four bytes.
        let expected = collision * total * 0.75
        hasRepeats = Double(repeats) > 1.5 * expected + 16 && repeats >= n / 16
    }

    /// The entropy of 16 windows of 512 bytes spread over `plane`, if it is at least 7.9 bits per
    /// byte with neighbouring bytes repeating no more than chance allows; nil otherwise. An 8 KiB
    /// sample underestimates a 256-symbol entropy by about 0.02 bits, so a plane that passes is
    /// above 7.84 bits (where `tryHuffman` gives up) and has no runs for LZ77.
    static func sampledBitsIfIncompressible(_ plane: UnsafeRawBufferPointer) -> Double? {
        let windows = 16, window = 512
        let stride = plane.count / windows
        guard stride >= window, let bytes = plane.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { counts -> Double? in
            counts.initialize(repeating: 0)
            var repeats = 0
            for w in 0..<windows {
                let start = w * stride
                var i = start
                while i + 4 <= start + window {
                    let a = Int(bytes[i]), b = Int(bytes[i + 1]), c = Int(bytes[i + 2]), d = Int(bytes[i + 3])
                    counts[a] += 1; counts[b] += 1; counts[c] += 1; counts[d] += 1
                    repeats += (a == b ? 1 : 0) + (b == c ? 1 : 0) + (c == d ? 1 : 0)
                    i += 4
                }
            }
            let total = Double(windows * window)
            var bits = 0.0, collision = 0.0
            for v in 0..<256 where counts[v] > 0 {
                let p = Double(counts[v]) / total
                bits -= p * log2(p)
                collision += p * p
            }
            let expected = collision * total * 0.75
            guard bits >= 7.9, Double(repeats) <= 1.2 * expected + 8 else { return nil }
            return bits
        }
    }

    /// Byte counts of the whole plane (the sum of `blockCounts`), nil when it was not counted.
    var planeCounts: [Int]? {
        guard let first = blockCounts.first else { return nil }
        guard blockCounts.count > 1 else { return first }
        var sum = first
        for block in blockCounts.dropFirst() { for v in 0..<256 { sum[v] += block[v] } }
        return sum
    }

    /// Whether Huffman-only deflate is worth trying: it can save at least 2%.
    var tryHuffman: Bool { bitsPerByte <= 7.84 }
    /// Whether full deflate is worth trying: runs to exploit, or below Huffman's 1 bit per byte.
    var tryDeflate: Bool { hasRepeats || bitsPerByte < 1.0 }
}
