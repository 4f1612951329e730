/// SIMD loops over Float buffers for the elementwise layers (activations, batchnorm, add, mul).
///
/// The vector and scalar forms of each function compute the same IEEE operations per element, so
/// a result does not depend on where a range starts or ends.
enum Elementwise {
    /// Sixteen lanes: one AVX-512 register, two AVX2 registers.
    typealias V = SIMD16<Float>

    /// A new array of `count` floats written by `fill`, which must write every element: no zero
    /// fill first, so on large activations the fill is the only pass over the memory.
    @inline(__always)
    static func array(count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let p = buffer.baseAddress, count > 0 { fill(p) }
            initialized = count
        }
    }

    /// `dst[i] = f(src[i])` for `i` in `range`; `dst` may be `src`.
    @inline(__always)
    static func map(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ range: Range<Int>,
                    _ f: (V) -> V, _ scalar: (Float) -> Float) {
        var i = range.lowerBound
        let end = range.upperBound
        while i + 16 <= end {
            UnsafeMutableRawPointer(dst + i).storeBytes(of: f(UnsafeRawPointer(src + i).loadUnaligned(as: V.self)), as: V.self)
            i += 16
        }
        while i < end {
            dst[i] = scalar(src[i])
            i += 1
        }
    }

    /// `dst[i] = f(a[i], b[i])` for `i` in `range`; `dst` may be `a` or `b`.
    @inline(__always)
    static func zip(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ range: Range<Int>,
                    _ f: (V, V) -> V, _ scalar: (Float, Float) -> Float) {
        var i = range.lowerBound
        let end = range.upperBound
        while i + 16 <= end {
            let x = UnsafeRawPointer(a + i).loadUnaligned(as: V.self)
            let y = UnsafeRawPointer(b + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: f(x, y), as: V.self)
            i += 16
        }
        while i < end {
            dst[i] = scalar(a[i], b[i])
            i += 1
        }
    }

    /// A function applied lane by lane, for the transcendental ones (exp, erf, tanh) that have
    /// no SIMD form in the standard library.
    @inline(__always)
    static func lanes(_ v: V, _ f: (Float) -> Float) -> V {
        var out = V()
        for l in 0..<16 { out[l] = f(v[l]) }
        return out
    }

    /// Σ `p[0..<count]`, summed as `sum(_:_:_:_:_:)` sums.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
        sum(p, p, count, { a, _ in a }, { a, _ in a })
    }

    /// Σ `f(a[i], b[i])` over `0..<count`, in Double, with Float SIMD partial sums of at most 4096
    /// elements each (so long planes keep Double accuracy); the order is fixed by `count` alone.
    @inline(__always)
    static func sum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int, _ f: (V, V) -> V,
                    _ scalar: (Float, Float) -> Float) -> Double {
        var total = 0.0
        var start = 0
        while start < count {
            let end = min(count, start + 4096)
            var a0 = V(), a1 = V()
            var i = start
            while i + 32 <= end {
                a0 += f(UnsafeRawPointer(a + i).loadUnaligned(as: V.self), UnsafeRawPointer(b + i).loadUnaligned(as: V.self))
                a1 += f(UnsafeRawPointer(a + i + 16).loadUnaligned(as: V.self), UnsafeRawPointer(b + i + 16).loadUnaligned(as: V.self))
                i += 32
            }
            var s = Double((a0 + a1).sum())
            while i < end {
                s += Double(scalar(a[i], b[i]))
                i += 1
            }
            total += s
            start = end
        }
        return total
    }
}
