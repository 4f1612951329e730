import ZooKernelsAVX2

/// The 6×16 AVX2 + FMA kernel (`ZooKernelsAVX2`), for CPUs without AVX-512.
enum AVX2MicroKernel: GemmMicroKernel {
    static let mr = 6
    static let nr = 16
    static let kc = 256
    static let mc = 96
    static let nc = 2048

    @inline(__always)
    static func run(kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        sgemmKernelAVX2(kc: kc, a: a, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }
}
