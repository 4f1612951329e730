import Foundation

/// A cheap look at one byte plane that decides which storage methods are worth trying, so the
/// encoder does not run deflate on planes it cannot shrink (the spec leaves this choice to writers).
struct PlaneStatistics {
    /// Estimated entropy in bits per byte (order 0).
    var bitsPerByte: Double
    /// Whether neighbouring bytes repeat much more often than chance, which LZ77 can exploit.
    var hasRepeats: Bool

    init(_ plane: UnsafeRawBufferPointer) {
        let n = plane.count
        guard n > 0 else { bitsPerByte = 0; hasRepeats = false; return }
        var counts = [Int](repeating: 0, count: 256)
        var repeats = 0
        let bytes = plane.bindMemory(to: UInt8.self)
        counts.withUnsafeMutableBufferPointer { c in
            var previous = bytes[0]
            for b in bytes {
                c[Int(b)] &+= 1
                repeats &+= b == previous ? 1 : 0
                previous = b
            }
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
        let expected = collision * total
        hasRepeats = Double(repeats) > 1.5 * expected + 16 && repeats >= n / 16
    }

    /// Whether Huffman-only deflate is worth trying: it can save at least 2%.
    var tryHuffman: Bool { bitsPerByte <= 7.84 }
    /// Whether full deflate is worth trying: runs to exploit, or below Huffman's 1 bit per byte.
    var tryDeflate: Bool { hasRepeats || bitsPerByte < 1.0 }
}
