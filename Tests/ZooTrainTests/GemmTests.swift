import Testing
import ZooModel
@testable import ZooTrain

/// Plain triple loop in Double: the reference the blocked kernel must match.
func naiveMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> [Double] {
    let m = transposeA ? a.shape[1] : a.shape[0]
    let k = transposeA ? a.shape[0] : a.shape[1]
    let n = transposeB ? b.shape[0] : b.shape[1]
    var out = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = 0.0
            for p in 0..<k {
                let x = transposeA ? a.data[p * m + i] : a.data[i * k + p]
                let y = transposeB ? b.data[j * k + p] : b.data[p * n + j]
                s += Double(x) * Double(y)
            }
            out[i * n + j] = s
        }
    }
    return out
}

func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var g = SeededRandom.splitMix(seed: seed)
    let n = shape.reduce(1, *)
    return Tensor(shape: shape, data: (0..<n).map { _ in Float(g.unit() * 2 - 1) * scale })
}

struct GemmTests {
    @Test(arguments: [(1, 1, 1), (7, 13, 5), (6, 16, 256), (37, 50, 300), (100, 33, 17), (13, 2100, 3), (20, 40, 260)])
    func matchesNaiveForAllTranspositions(size: (Int, Int, Int)) {
        let (m, n, k) = size
        for ta in [false, true] {
            for tb in [false, true] {
                let a = randomTensor(ta ? [k, m] : [m, k], seed: UInt64(m * 31 + k))
                let b = randomTensor(tb ? [n, k] : [k, n], seed: UInt64(n * 17 + k))
                let c = Gemm.matmul(a, b, transposeA: ta, transposeB: tb)
                let ref = naiveMatmul(a, b, transposeA: ta, transposeB: tb)
                var worst = 0.0
                for i in 0..<ref.count { worst = max(worst, abs(Double(c.data[i]) - ref[i])) }
                #expect(c.shape == [m, n])
                #expect(worst < 1e-4 * Double(max(1, k)).squareRoot(), "m=\(m) n=\(n) k=\(k) tA=\(ta) tB=\(tb) worst=\(worst)")
            }
        }
    }

    @Test func accumulateAddsIntoC() {
        let a = randomTensor([9, 20], seed: 1)
        let b = randomTensor([20, 18], seed: 2)
        var c = randomTensor([9, 18], seed: 3)
        let before = c.data
        let product = Gemm.matmul(a, b)
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                c.data.withUnsafeMutableBufferPointer { pc in
                    Gemm.multiply(m: 9, n: 18, k: 20, a: pa.baseAddress!, lda: 20, transposeA: false,
                                  b: pb.baseAddress!, ldb: 18, transposeB: false, c: pc.baseAddress!, ldc: 18, accumulate: true)
                }
            }
        }
        for i in 0..<before.count { #expect(abs(c.data[i] - (before[i] + product.data[i])) < 1e-5) }
    }

    @Test func resultDoesNotDependOnTheThreadSplit() {
        // Work is split over rows and columns of C only, so each element is summed in one fixed order.
        let (m, n, k) = (50, 130, 300)
        let a = randomTensor([m, k], seed: 4), b = randomTensor([n, k], seed: 5)
        var serial = [Float](repeating: 0, count: m * n)
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                serial.withUnsafeMutableBufferPointer { pc in
                    Gemm.multiply(m: m, n: n, k: k, a: pa.baseAddress!, lda: k, transposeA: false,
                                  b: pb.baseAddress!, ldb: k, transposeB: true, c: pc.baseAddress!, ldc: n,
                                  accumulate: false, allowParallel: false)
                }
            }
        }
        for _ in 0..<3 {
            #expect(Gemm.matmul(a, b, transposeB: true).data == serial)
        }
    }
}
