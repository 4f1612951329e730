/// A register-blocked SGEMM micro-kernel and the cache blocking that suits it.
///
/// `run` computes an `mr × nr` tile of C from a packed strip of A (`kc` groups of `mr` values) and
/// `kc` rows of `nr` values of B (`ldb` apart), overwriting C or adding to it. The blocking sizes
/// are fixed per kernel, never per thread count: the inner dimension is always cut at the same
/// places, so every element of C is summed in the same order however the work is split.
protocol GemmMicroKernel {
    /// Rows of the register tile.
    static var mr: Int { get }
    /// Columns of the register tile.
    static var nr: Int { get }
    /// Inner-dimension block: one packed strip of B (`kc × nr`) should stay in L1.
    static var kc: Int { get }
    /// Rows of A packed together (a multiple of `mr`; `mc × kc` stays in L2).
    static var mc: Int { get }
    /// Columns of B packed together (a multiple of `nr`).
    static var nc: Int { get }
    /// The tile computation.
    static func run(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool)
}
