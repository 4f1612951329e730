/// The one seeded, platform-independent random generator of ZooModel and ZooTrain.
///
/// Two engines, both specified, so the bytes a seed gives never change:
/// - xoshiro256** seeded through SplitMix64 (`init(seed:)`, `init(seed:stream:)`): new weights
///   (formats/model-description.md, "Initialisation"), one stream per tensor name;
/// - SplitMix64 itself (`splitMix(seed:)`, `derived(seed:stream:)`): the trainer's shuffles,
///   splits and dropout masks, and `Network.initialTensors`, as they have always been drawn (the
///   bundled models' digests depend on them).
///
/// Only integer operations, IEEE `+ - * /` and `sqrt` (all exactly rounded) are used, plus a
/// logarithm written here from those, so the same seed gives the same bits on every machine.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    /// Which sequence `next()` produces.
    private enum Engine: Sendable { case xoshiro, splitMix }
    private let engine: Engine
    /// xoshiro256**'s state; SplitMix64 keeps its state in `s0`.
    private var s0, s1, s2, s3: UInt64

    /// A xoshiro256** stream seeded from a 64-bit seed: the four state words are SplitMix64's
    /// first outputs.
    public init(seed: UInt64) {
        var sm = seed
        engine = .xoshiro
        s0 = Self.splitMix64(&sm)
        s1 = Self.splitMix64(&sm)
        s2 = Self.splitMix64(&sm)
        s3 = Self.splitMix64(&sm)
    }

    /// The stream of one named tensor: the seed mixed with the FNV-1a hash of the name's UTF-8
    /// bytes, so adding or removing another tensor does not change this one's values.
    public init(seed: UInt64, stream name: String) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        var sm = seed ^ h
        self.init(seed: Self.splitMix64(&sm))
    }

    private init(splitMixState state: UInt64) {
        engine = .splitMix
        s0 = state
        s1 = 0
        s2 = 0
        s3 = 0
    }

    /// The SplitMix64 sequence from state `seed` (Steele, Lea, Flood 2014): small and fast; the
    /// trainer's shuffles and dropout masks.
    public static func splitMix(seed: UInt64) -> SeededRandom {
        SeededRandom(splitMixState: seed)
    }

    /// A SplitMix64 generator for a sub-stream (a layer, an epoch) that does not overlap `seed`'s
    /// other uses: state `seed xor stream·0xD6E8FEB86659FD93`, first output skipped.
    public static func derived(seed: UInt64, stream: UInt64) -> SeededRandom {
        var g = splitMix(seed: seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        _ = g.next()
        return g
    }

    /// SplitMix64: one step.
    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The next 64 random bits (xoshiro256**, Blackman and Vigna 2018, or SplitMix64).
    public mutating func next() -> UInt64 {
        if engine == .splitMix { return Self.splitMix64(&s0) }
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform integer in `0..<bound` (the high word of `next() × bound`, Lemire's method
    /// without the rare retry, so one draw per call).
    public mutating func index(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Shuffles in place with Fisher-Yates; written out (not `shuffle(using:)`) so the order is
    /// fixed by this code, not by the standard library's version.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = index(below: i + 1)
            if i != j { values.swapAt(i, j) }
        }
    }

    /// Uniform in [0, 1): the top 53 bits scaled by 2^-53.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * unit()
    }

    /// A standard normal value by Marsaglia's polar method (no sine or cosine needed).
    public mutating func normal() -> Double {
        while true {
            let u = 2 * unit() - 1
            let v = 2 * unit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * portableLog(s) / s).squareRoot()
            }
        }
    }

    /// A normal value with standard deviation `std`, redrawn until it lies within 2 `std` of 0.
    public mutating func truncatedNormal(std: Double) -> Double {
        while true {
            let z = normal()
            if z >= -2 && z <= 2 { return z * std }
        }
    }
}

@inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
    (x << k) | (x >> (64 &- k))
}

/// Natural logarithm of a positive finite `x`, from exactly rounded operations only, so it gives
/// the same bits everywhere (libm's `log` may differ in the last place between platforms).
///
/// `x = m * 2^e` with `m` in [sqrt(1/2), sqrt(2)); `log m = 2 atanh(t)`, `t = (m-1)/(m+1)`,
/// `|t| < 0.172`, summed to `t^27` (error below 1e-18).
func portableLog(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
    var m = x.significand          // [1, 2), exact
    var e = Double(x.exponent)     // exact
    if m > 1.4142135623730951 {
        m /= 2
        e += 1
    }
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    var term = t
    var sum = 0.0
    var k = 1.0
    while k <= 27 {
        sum += term / k
        term *= t2
        k += 2
    }
    return 2 * sum + e * 0.6931471805599453
}
