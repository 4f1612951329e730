import Foundation

/// Single-precision matrix multiply (SGEMM), cache-blocked, SIMD and multi-threaded.
///
/// Computes `C = op(A) · op(B)` or `C += op(A) · op(B)` for row-major matrices, where `op` is
/// the identity or the transpose, so dense and convolution backward passes need no transposed
/// copies. The layout follows the GotoBLAS/BLIS scheme (`Gemm+Engine.swift`): panels of B and
/// blocks of A are packed into contiguous strips and a register-blocked micro-kernel runs over
/// them; the micro-kernel is the widest the CPU has, chosen at run time (`GemmKernel`). Work is
/// split over blocks of rows and columns of C only, never over the inner dimension, so every
/// element of C is summed in the same order whatever the thread count or scheduling: results are
/// bit-for-bit reproducible on one kernel.
public enum Gemm {
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
    /// to show the result does not depend on how the work is split), `kernel` picks the micro-kernel.
    static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, allowParallel: Bool,
        kernel: GemmKernel = .selected
    ) {
        run(m: m, n: n, k: k, a: DenseA(base: a, ld: lda, transposed: transposeA),
            b: DenseB(base: b, ld: ldb, transposed: transposeB), c: GemmOutput(c, ldc: ldc),
            accumulate: accumulate, parallel: allowParallel, kernel: kernel)
    }
}
