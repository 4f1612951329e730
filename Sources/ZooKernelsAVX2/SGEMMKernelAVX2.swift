// Compiled with `-target-cpu haswell` (Package.swift): AVX2 and FMA, SIMD8<Float> is one ymm register.

/// The AVX2 SGEMM micro-kernel: a 6×16 tile of C (twelve ymm accumulators, two loads of B and one
/// broadcast of A per step).
///
/// `a` is one packed strip of A (`kc` groups of 6 row values); `b` holds `kc` rows of 16 values,
/// `ldb` floats apart (16 when packed). With `accumulate` the tile is added to C, else it overwrites C.
@inline(never)
public func sgemmKernelAVX2(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
    typealias V = SIMD8<Float>
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
    var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
    var rb = UnsafeRawPointer(b)
    let step = ldb * 4
    var ap = a
    for _ in 0..<kc {
        let b0 = rb.loadUnaligned(as: V.self)
        let b1 = rb.loadUnaligned(fromByteOffset: 32, as: V.self)
        var s = V(repeating: ap[0])
        c00 = fma(c00, s, b0); c01 = fma(c01, s, b1)
        s = V(repeating: ap[1])
        c10 = fma(c10, s, b0); c11 = fma(c11, s, b1)
        s = V(repeating: ap[2])
        c20 = fma(c20, s, b0); c21 = fma(c21, s, b1)
        s = V(repeating: ap[3])
        c30 = fma(c30, s, b0); c31 = fma(c31, s, b1)
        s = V(repeating: ap[4])
        c40 = fma(c40, s, b0); c41 = fma(c41, s, b1)
        s = V(repeating: ap[5])
        c50 = fma(c50, s, b0); c51 = fma(c51, s, b1)
        ap += 6
        rb += step
    }
    let row = ldc * 4
    let raw = UnsafeMutableRawPointer(c)
    @inline(__always) func put(_ r: Int, _ x0: V, _ x1: V) {
        let p = raw + r * row
        if accumulate {
            let q = UnsafeRawPointer(p)
            p.storeBytes(of: q.loadUnaligned(as: V.self) + x0, as: V.self)
            p.storeBytes(of: q.loadUnaligned(fromByteOffset: 32, as: V.self) + x1, toByteOffset: 32, as: V.self)
        } else {
            p.storeBytes(of: x0, as: V.self)
            p.storeBytes(of: x1, toByteOffset: 32, as: V.self)
        }
    }
    put(0, c00, c01); put(1, c10, c11); put(2, c20, c21); put(3, c30, c31); put(4, c40, c41); put(5, c50, c51)
}

/// `acc + x * y`, fused in release builds (which target haswell); debug builds target the baseline
/// CPU, where a fused multiply-add would become a slow library call per lane.
@inline(__always)
func fma(_ acc: SIMD8<Float>, _ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
    #if ZOO_FMA
    return acc.addingProduct(x, y)
    #else
    return acc + x * y
    #endif
}
