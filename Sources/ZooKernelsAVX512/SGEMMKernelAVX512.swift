// Compiled with `-target-cpu skylake-avx512` (Package.swift): SIMD16<Float> is one zmm register here.
// ZooTrain calls into this module only after checking at run time that the CPU and the OS support
// AVX-512; nothing else may call it.

/// The AVX-512 SGEMM micro-kernel: an 8×48 tile of C (24 zmm accumulators, three loads of B and one
/// broadcast of A per step).
///
/// `a` is one packed strip of A (`kc` groups of 8 row values); `b` holds `kc` rows of 48 values,
/// `ldb` floats apart (48 when packed). With `accumulate` the tile is added to C, else it overwrites
/// C. Kept out of line so that its body is always compiled for this module's target CPU.
@inline(never)
public func sgemmKernelAVX512(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                              c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
    typealias V = SIMD16<Float>
    var c00 = V(), c01 = V(), c02 = V(), c10 = V(), c11 = V(), c12 = V()
    var c20 = V(), c21 = V(), c22 = V(), c30 = V(), c31 = V(), c32 = V()
    var c40 = V(), c41 = V(), c42 = V(), c50 = V(), c51 = V(), c52 = V()
    var c60 = V(), c61 = V(), c62 = V(), c70 = V(), c71 = V(), c72 = V()
    var rb = UnsafeRawPointer(b)
    let step = ldb * 4
    var ap = a
    for _ in 0..<kc {
        let b0 = rb.loadUnaligned(as: V.self)
        let b1 = rb.loadUnaligned(fromByteOffset: 64, as: V.self)
        let b2 = rb.loadUnaligned(fromByteOffset: 128, as: V.self)
        var s = V(repeating: ap[0])
        c00 = fma16(c00, s, b0); c01 = fma16(c01, s, b1); c02 = fma16(c02, s, b2)
        s = V(repeating: ap[1])
        c10 = fma16(c10, s, b0); c11 = fma16(c11, s, b1); c12 = fma16(c12, s, b2)
        s = V(repeating: ap[2])
        c20 = fma16(c20, s, b0); c21 = fma16(c21, s, b1); c22 = fma16(c22, s, b2)
        s = V(repeating: ap[3])
        c30 = fma16(c30, s, b0); c31 = fma16(c31, s, b1); c32 = fma16(c32, s, b2)
        s = V(repeating: ap[4])
        c40 = fma16(c40, s, b0); c41 = fma16(c41, s, b1); c42 = fma16(c42, s, b2)
        s = V(repeating: ap[5])
        c50 = fma16(c50, s, b0); c51 = fma16(c51, s, b1); c52 = fma16(c52, s, b2)
        s = V(repeating: ap[6])
        c60 = fma16(c60, s, b0); c61 = fma16(c61, s, b1); c62 = fma16(c62, s, b2)
        s = V(repeating: ap[7])
        c70 = fma16(c70, s, b0); c71 = fma16(c71, s, b1); c72 = fma16(c72, s, b2)
        ap += 8
        rb += step
    }
    let row = ldc * 4
    let raw = UnsafeMutableRawPointer(c)
    @inline(__always) func put(_ r: Int, _ x0: V, _ x1: V, _ x2: V) {
        let p = raw + r * row
        if accumulate {
            let q = UnsafeRawPointer(p)
            p.storeBytes(of: q.loadUnaligned(as: V.self) + x0, as: V.self)
            p.storeBytes(of: q.loadUnaligned(fromByteOffset: 64, as: V.self) + x1, toByteOffset: 64, as: V.self)
            p.storeBytes(of: q.loadUnaligned(fromByteOffset: 128, as: V.self) + x2, toByteOffset: 128, as: V.self)
        } else {
            p.storeBytes(of: x0, as: V.self)
            p.storeBytes(of: x1, toByteOffset: 64, as: V.self)
            p.storeBytes(of: x2, toByteOffset: 128, as: V.self)
        }
    }
    put(0, c00, c01, c02); put(1, c10, c11, c12); put(2, c20, c21, c22); put(3, c30, c31, c32)
    put(4, c40, c41, c42); put(5, c50, c51, c52); put(6, c60, c61, c62); put(7, c70, c71, c72)
}

/// `acc + x * y`, fused in release builds (which target skylake-avx512); debug builds target the
/// baseline CPU, where a fused multiply-add would become a slow library call per lane.
@inline(__always)
func fma16(_ acc: SIMD16<Float>, _ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> {
    #if ZOO_FMA
    return acc.addingProduct(x, y)
    #else
    return acc + x * y
    #endif
}
