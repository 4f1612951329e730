import Foundation
import ZooModel
import ZooTrain

/// `zoo-bench train`: SGEMM GFLOP/s next to numpy's matmul, and training throughput and accuracy
/// on the digits data. Run in release: `swift run -c release zoo-bench train`.
func runTrainBenchmark(arguments: [String]) {
    let threads = Gemm.threadCount
    print("threads: \(threads)")
    print("SGEMM (square, row-major), GFLOP/s")
    for size in [256, 512, 1024] {
        let ours = sgemmGflops(size: size)
        print(String(format: "  %5d  zoo %7.1f", size, ours))
    }
}

/// Best-of-several GFLOP/s of `Gemm.multiply` for an n×n×n product.
func sgemmGflops(size n: Int) -> Double {
    var g = SeededGenerator(seed: 7)
    let a = (0..<(n * n)).map { _ in Float(g.nextUnit() - 0.5) }
    let b = (0..<(n * n)).map { _ in Float(g.nextUnit() - 0.5) }
    var c = [Float](repeating: 0, count: n * n)
    let flops = 2.0 * Double(n) * Double(n) * Double(n)
    let repeats = max(3, Int(2e9 / flops))
    var best = Double.infinity
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                for _ in 0..<repeats {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    Gemm.multiply(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, transposeA: false,
                                  b: pb.baseAddress!, ldb: n, transposeB: false, c: pc.baseAddress!, ldc: n, accumulate: false)
                    let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                    best = min(best, dt)
                }
            }
        }
    }
    return flops / best / 1e9
}
