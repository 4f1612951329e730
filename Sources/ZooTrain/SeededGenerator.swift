/// A small, fast, seedable random generator (SplitMix64), so every random choice is reproducible
/// from a seed on every platform and toolchain.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence depends only on `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound` (Lemire's method without the rare retry bias).
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0)
        let product = next().multipliedFullWidth(by: UInt64(bound))
        return Int(product.high)
    }

    /// Shuffles in place with Fisher-Yates; written out (not `shuffle(using:)`) so the order is
    /// fixed by this code, not by the standard library's version.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = nextIndex(below: i + 1)
            if i != j { values.swapAt(i, j) }
        }
    }

    /// A generator for a sub-stream (a layer, an epoch) that does not overlap this seed's uses.
    public static func derived(seed: UInt64, stream: UInt64) -> SeededGenerator {
        var g = SeededGenerator(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        _ = g.next()
        return g
    }
}
