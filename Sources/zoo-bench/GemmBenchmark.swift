import Foundation
import ZooTrain

/// `zoo-bench gemm [--rounds N] [--sizes 256,512,1024]`: SGEMM GFLOP/s of zoo and numpy (OpenBLAS)
/// with the same thread count, alternating in the same run, round after round, so a shared machine's
/// load hits both sides alike. Prints each round's ratio and the range.
func runGemmBenchmark(arguments: [String]) {
    var rounds = 3
    var sizes = [256, 512, 1024]
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--rounds" where i + 1 < arguments.count: rounds = max(1, Int(arguments[i + 1]) ?? rounds); i += 1
        case "--sizes" where i + 1 < arguments.count:
            sizes = arguments[i + 1].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }; i += 1
        default:
            print("usage: zoo-bench gemm [--rounds N] [--sizes 256,512,1024]")
            return
        }
        i += 1
    }
    let threads = Gemm.threadCount
    print("SGEMM, square row-major float32, \(threads) thread(s) on both sides, kernel \(GemmKernel.selected.rawValue), GFLOP/s (best of several runs per round)")
    var ratios: [Int: [Double]] = [:]
    for round in 1...rounds {
        for size in sizes {
            // numpy right before zoo for each size: the two see the same load.
            let numpy = numpyMatmulGflops(sizes: [size], threads: threads)
            let ours = sgemmGflops(size: size)
            if let theirs = numpy[size] {
                ratios[size, default: []].append(ours / theirs)
                print(String(format: "  round %d  %5d  zoo %7.1f  numpy %7.1f  %5.2fx", round, size, ours, theirs, ours / theirs))
            } else {
                print(String(format: "  round %d  %5d  zoo %7.1f  numpy n/a", round, size, ours))
            }
        }
    }
    for size in sizes {
        guard let r = ratios[size], let lo = r.min(), let hi = r.max() else { continue }
        print(String(format: "  %5d  zoo/numpy %.2f-%.2fx over %d rounds", size, lo, hi, r.count))
    }
}
