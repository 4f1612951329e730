import Dispatch
import Foundation

/// Single-precision matrix multiply (SGEMM), cache-blocked, SIMD and multi-threaded.
///
/// Computes `C = op(A) · op(B)` or `C += op(A) · op(B)` for row-major matrices, where `op` is
/// the identity or the transpose, so dense and convolution backward passes need no transposed
/// copies. The layout follows the GotoBLAS/BLIS scheme: a `kc × nc` panel of B and an `mc × kc`
/// block of A are packed into contiguous strips, and a 6×16 register-blocked micro-kernel runs over
/// them. Work is split over blocks of rows and columns of C only, never over the inner dimension,
/// so every element of C is summed in the same order whatever the thread count or scheduling:
/// results are bit-for-bit reproducible.
public enum Gemm {
    static let mr = 6
    static let nr = 16
    static let kc = 256
    static let mc = 96
    static let nc = 2048
    /// Below this many multiply-adds the threads cost more than they save.
    static let parallelThreshold = 1 << 18

    /// The number of threads used for large products: `ZOO_THREADS` when set, else the active
    /// processor count (benchmarks set both this and OpenBLAS's count so the comparison is fair).
    public static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["ZOO_THREADS"], let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// `C[m×n] (+)= op(A)[m×k] · op(B)[k×n]`, row-major with leading dimensions.
    ///
    /// - Parameters:
    ///   - transposeA: when true, `a` holds A^T stored as `[k, m]` (leading dimension `lda`).
    ///   - transposeB: when true, `b` holds B^T stored as `[n, k]` (leading dimension `ldb`).
    ///   - accumulate: add into `c` instead of overwriting it.
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        multiply(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB,
                 c: c, ldc: ldc, accumulate: accumulate, allowParallel: true)
    }

    /// As the public `multiply`; `allowParallel: false` runs on the calling thread only (tests use it
    /// to show the result does not depend on how the work is split).
    static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, allowParallel: Bool
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let parallel = allowParallel && threadCount > 1 && m * n * k >= parallelThreshold
        let packedB = UnsafeMutableRawPointer.allocate(byteCount: kc * (nc + nr) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: kc * (nc + nr))
        defer { packedB.deallocate() }
        var jc = 0
        while jc < n {
            let ncCur = min(nc, n - jc)
            let strips = (ncCur + nr - 1) / nr
            var pc = 0
            while pc < k {
                let kcCur = min(kc, k - pc)
                let addInto = accumulate || pc > 0
                packB(b: b, ldb: ldb, transposed: transposeB, p0: pc, kc: kcCur, j0: jc, nc: ncCur, into: packedB)
                let mBlocks = (m + mc - 1) / mc
                // Split the columns too when there are too few row blocks to keep every core busy.
                var nParts = 1
                if parallel && mBlocks < 2 * threadCount {
                    nParts = min(strips, (2 * threadCount + mBlocks - 1) / mBlocks)
                }
                let tasks = mBlocks * nParts
                let work = { (task: Int) in
                    let ib = task / nParts
                    let part = task % nParts
                    let i0 = ib * mc
                    let mcCur = min(mc, m - i0)
                    let s0 = strips * part / nParts
                    let s1 = strips * (part + 1) / nParts
                    if s0 == s1 { return }
                    let packedA = UnsafeMutableRawPointer.allocate(byteCount: kc * (mc + mr) * 4, alignment: 64)
                        .bindMemory(to: Float.self, capacity: kc * (mc + mr))
                    defer { packedA.deallocate() }
                    packA(a: a, lda: lda, transposed: transposeA, i0: i0, mc: mcCur, p0: pc, kc: kcCur, into: packedA)
                    macroKernel(mc: mcCur, kc: kcCur, stripRange: s0..<s1, ncCur: ncCur,
                                packedA: packedA, packedB: packedB,
                                c: c + i0 * ldc + jc, ldc: ldc, accumulate: addInto)
                }
                Parallel.forEach(tasks, parallel: parallel, work)
                pc += kcCur
            }
            jc += ncCur
        }
    }

    /// Packs rows `i0..<i0+mc`, columns `p0..<p0+kc` of op(A) into strips of `mr` rows, `p`-major,
    /// zero-padding the last strip.
    @inline(__always)
    static func packA(a: UnsafePointer<Float>, lda: Int, transposed: Bool, i0: Int, mc: Int, p0: Int, kc: Int,
                      into out: UnsafeMutablePointer<Float>) {
        var dst = out
        var r0 = 0
        while r0 < mc {
            let rows = min(mr, mc - r0)
            if transposed {
                // op(A)[i, p] = A[p, i]: each p gives `rows` consecutive elements.
                for p in 0..<kc {
                    let src = a + (p0 + p) * lda + i0 + r0
                    for r in 0..<rows { dst[r] = src[r] }
                    for r in rows..<mr { dst[r] = 0 }
                    dst += mr
                }
            } else {
                for p in 0..<kc {
                    let src = a + (i0 + r0) * lda + p0 + p
                    for r in 0..<rows { dst[r] = src[r * lda] }
                    for r in rows..<mr { dst[r] = 0 }
                    dst += mr
                }
            }
            r0 += mr
        }
    }

    /// Packs rows `p0..<p0+kc`, columns `j0..<j0+nc` of op(B) into strips of `nr` columns, `p`-major,
    /// zero-padding the last strip.
    @inline(__always)
    static func packB(b: UnsafePointer<Float>, ldb: Int, transposed: Bool, p0: Int, kc: Int, j0: Int, nc: Int,
                      into out: UnsafeMutablePointer<Float>) {
        var dst = out
        var c0 = 0
        while c0 < nc {
            let cols = min(nr, nc - c0)
            if transposed {
                // op(B)[p, j] = B[j, p]: walk each of the strip's columns along its contiguous row.
                for col in 0..<cols {
                    let src = b + (j0 + c0 + col) * ldb + p0
                    for p in 0..<kc { dst[p * nr + col] = src[p] }
                }
                if cols < nr { for p in 0..<kc { for col in cols..<nr { dst[p * nr + col] = 0 } } }
                dst += kc * nr
            } else {
                for p in 0..<kc {
                    let src = b + (p0 + p) * ldb + j0 + c0
                    if cols == nr {
                        UnsafeMutableRawPointer(dst).storeBytes(
                            of: UnsafeRawPointer(src).loadUnaligned(as: SIMD16<Float>.self), as: SIMD16<Float>.self)
                    } else {
                        for col in 0..<cols { dst[col] = src[col] }
                        for col in cols..<nr { dst[col] = 0 }
                    }
                    dst += nr
                }
            }
            c0 += nr
        }
    }

    /// Runs the micro-kernel over one packed A block and a range of packed B strips.
    @inline(__always)
    static func macroKernel(mc: Int, kc: Int, stripRange: Range<Int>, ncCur: Int,
                            packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        let edge = UnsafeMutablePointer<Float>.allocate(capacity: mr * nr)
        defer { edge.deallocate() }
        for s in stripRange {
            let j = s * nr
            let cols = min(nr, ncCur - j)
            let bStrip = packedB + s * kc * nr
            var r0 = 0
            while r0 < mc {
                let rows = min(mr, mc - r0)
                let aStrip = packedA + (r0 / mr) * kc * mr
                let cTile = c + r0 * ldc + j
                if rows == mr && cols == nr {
                    microKernel(kc: kc, a: aStrip, b: bStrip, c: cTile, ldc: ldc, accumulate: accumulate)
                } else {
                    microKernel(kc: kc, a: aStrip, b: bStrip, c: edge, ldc: nr, accumulate: false)
                    for r in 0..<rows {
                        for col in 0..<cols {
                            let v = edge[r * nr + col]
                            cTile[r * ldc + col] = accumulate ? cTile[r * ldc + col] + v : v
                        }
                    }
                }
                r0 += mr
            }
        }
    }

    /// The 6×16 register tile: twelve 8-wide accumulators, one broadcast of A and two loads of B per step.
    @inline(__always)
    static func microKernel(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        typealias V = SIMD8<Float>
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        let rawB = UnsafeRawPointer(b)
        var ap = a
        for p in 0..<kc {
            let b0 = rawB.loadUnaligned(fromByteOffset: p * 64, as: V.self)
            let b1 = rawB.loadUnaligned(fromByteOffset: p * 64 + 32, as: V.self)
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
        }
        store(c00, c01, c, accumulate)
        store(c10, c11, c + ldc, accumulate)
        store(c20, c21, c + 2 * ldc, accumulate)
        store(c30, c31, c + 3 * ldc, accumulate)
        store(c40, c41, c + 4 * ldc, accumulate)
        store(c50, c51, c + 5 * ldc, accumulate)
    }

    @inline(__always)
    static func store(_ lo: SIMD8<Float>, _ hi: SIMD8<Float>, _ row: UnsafeMutablePointer<Float>, _ accumulate: Bool) {
        let raw = UnsafeMutableRawPointer(row)
        if accumulate {
            let oldLo = UnsafeRawPointer(raw).loadUnaligned(as: SIMD8<Float>.self)
            let oldHi = UnsafeRawPointer(raw).loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            raw.storeBytes(of: oldLo + lo, as: SIMD8<Float>.self)
            raw.storeBytes(of: oldHi + hi, toByteOffset: 32, as: SIMD8<Float>.self)
        } else {
            raw.storeBytes(of: lo, as: SIMD8<Float>.self)
            raw.storeBytes(of: hi, toByteOffset: 32, as: SIMD8<Float>.self)
        }
    }

    /// `acc + x * y`, fused where the target has FMA (release builds), plain otherwise: without the
    /// instruction a fused multiply-add becomes a slow library call per lane.
    @inline(__always)
    static func fma(_ acc: SIMD8<Float>, _ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
        #if ZOO_FMA
        return acc.addingProduct(x, y)
        #else
        return acc + x * y
        #endif
    }
}
