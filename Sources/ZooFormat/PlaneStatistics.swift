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

    init(_ plane: UnsafeRawBufferPointer) {
        let n = plane.count
        guard n > 0 else { bitsPerByte = 0; hasRepeats = false; return }
        var repeats = 0
        var counts = [Int](repeating: 0, count: 256)
        let bytes = plane.bindMemory(to: UInt8.self)
        var start = 0
        // Four interleaved tables: runs of one byte value (common in exponent planes) would
        // otherwise serialise every increment on the same counter.
        var tables = [Int](repeating: 0, count: 1024)
        while start < n {
            let end = min(n, start + HuffmanEncoder.blockSize)
            for k in 0..<1024 { tables[k] = 0 }
            tables.withUnsafeMutableBufferPointer { t in
                var i = start
                while i + 4 <= end {
                    let a = Int(bytes[i]), b = Int(bytes[i + 1]), c = Int(bytes[i + 2]), d = Int(bytes[i + 3])
                    t[a] &+= 1
                    t[256 &+ b] &+= 1
                    t[512 &+ c] &+= 1
                    t[768 &+ d] &+= 1
                    repeats &+= (a == b ? 1 : 0) &+ (b == c ? 1 : 0) &+ (c == d ? 1 : 0)
                    i &+= 4
                }
                while i < end { t[Int(bytes[i])] &+= 1; i &+= 1 }
            }
            var block = [Int](repeating: 0, count: 256)
            for v in 0..<256 {
                block[v] = tables[v] + tables[256 + v] + tables[512 + v] + tables[768 + v]
                counts[v] += block[v]
            }
            blockCounts.append(block)
            start = end
        }
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

    /// Whether Huffman-only deflate is worth trying: it can save at least 2%.
    var tryHuffman: Bool { bitsPerByte <= 7.84 }
    /// Whether full deflate is worth trying: runs to exploit, or below Huffman's 1 bit per byte.
    var tryDeflate: Bool { hasRepeats || bitsPerByte < 1.0 }
}
