import ZooKernelsAVX512

/// The 8×48 AVX-512 kernel (`ZooKernelsAVX512`), for CPUs with AVX-512.
///
/// 8 rows divide the channel counts of real CNNs (16, 24, 32, 64, ...) so conv tiles waste little.
enum AVX512MicroKernel: GemmMicroKernel {
    static let mr = 8
    static let nr = 48
    static let kc = 256
    static let mc = 144
    static let nc = 480

    @inline(__always)
    static func run(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        sgemmKernelAVX512(kc: kc, a: a, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }
}
