import Testing
@testable import ZooFormat

/// The byte-plane transform (spec §5.3) against a direct reading of the spec, for every width and
/// rotation and for lengths around the AVX2 loops' 32-element steps.
@Suite struct BytePlanesTests {
    /// Plane p of element i is byte p of rotl(v, r) within 8w bits, v the little-endian element.
    static func reference(_ raw: [UInt8], width w: Int, rotation r: Int) -> [UInt8] {
        let n = raw.count / w
        var planes = [UInt8](repeating: 0, count: raw.count)
        for i in 0..<n {
            var bits = [Int](repeating: 0, count: 8 * w) // bit k of the element
            for k in 0..<(8 * w) { bits[k] = Int(raw[i * w + k / 8] >> (k % 8)) & 1 }
            for p in 0..<w {
                var byte = 0
                for b in 0..<8 {
                    // Rotating left by r: bit k of the result is bit (k - r) mod 8w of v.
                    let k = 8 * p + b
                    byte |= bits[(k - r + 8 * w) % (8 * w)] << b
                }
                planes[p * n + i] = UInt8(byte)
            }
        }
        return planes
    }

    @Test func splitMatchesTheSpecAndMergeInvertsIt() {
        var rng = SeededGenerator(seed: 55)
        for w in [1, 2, 4, 8] {
            for r in (w == 1 ? [0] : [0, 1]) {
                for n in [0, 1, 7, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257, 1000] {
                    let raw = (0..<(n * w)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                    var planes = [UInt8](repeating: 0, count: raw.count)
                    raw.withUnsafeBytes { src in planes.withUnsafeMutableBytes { BytePlanes.split(src, width: w, rotation: r, into: $0) } }
                    #expect(planes == Self.reference(raw, width: w, rotation: r), "width \(w) rotation \(r) count \(n)")
                    var back = [UInt8](repeating: 0, count: raw.count)
                    planes.withUnsafeBytes { p in
                        let sources = (0..<w).map { UnsafeRawPointer(p.baseAddress ?? UnsafeRawPointer(bitPattern: 64)!) + $0 * n }
                        back.withUnsafeMutableBytes { BytePlanes.merge(sources, width: w, rotation: r, into: $0) }
                    }
                    #expect(back == raw, "width \(w) rotation \(r) count \(n)")
                }
            }
        }
    }
}
