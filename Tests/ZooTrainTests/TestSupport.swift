import Foundation
import ZooModel
@testable import ZooTrain

/// Paths inside the repository, found from this file so tests never depend on the working directory.
enum TestPaths {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let vectors = testsDirectory.appendingPathComponent("Vectors")
    static let digits = repositoryRoot.appendingPathComponent("zoo/datasets/digits.csv.gz")
}

/// Central finite differences of `loss` with respect to `values[i]`, with the loss summed in Double.
func numericGradient(_ values: [Float], eps: Float = 5e-3, loss: ([Float]) -> Double) -> [Double] {
    var v = values
    var out = [Double](repeating: 0, count: values.count)
    for i in 0..<values.count {
        v[i] = values[i] + eps
        let up = loss(v)
        v[i] = values[i] - eps
        let down = loss(v)
        v[i] = values[i]
        out[i] = (up - down) / Double(2 * eps)
    }
    return out
}

/// Largest violation of |a - n| <= rel·max(|a|, |n|) + abs, as a ratio (≤ 1 passes).
func gradientMismatch(_ analytic: [Float], _ numeric: [Double], rel: Double = 2e-2, abs absTol: Double = 2e-3) -> Double {
    var worst = 0.0
    for i in 0..<numeric.count {
        let a = Double(analytic[i]), n = numeric[i]
        let allowed = rel * max(Swift.abs(a), Swift.abs(n)) + absTol
        worst = max(worst, Swift.abs(a - n) / allowed)
    }
    return worst
}

/// Inputs whose elements are at least `gap` apart and away from zero by `gap`, so that kinks
/// (ReLU at 0, max-pool ties) never fall inside a finite-difference step.
func separatedInput(_ shape: [Int], seed: UInt64, gap: Float = 0.05) -> Tensor {
    let n = shape.reduce(1, *)
    var values = (0..<n).map { i -> Float in
        let k = Float(i / 2 + 1) * gap
        return i % 2 == 0 ? k : -k
    }
    var g = SeededRandom.splitMix(seed: seed)
    g.shuffle(&values)
    return Tensor(shape: shape, data: values)
}
