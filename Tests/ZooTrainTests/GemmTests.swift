import Foundation
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
    /// Every kernel this CPU can run is checked, not only the selected one.
    static let kernels = GemmKernel.allCases.filter(\.isSupported)

    @Test func selectsTheWidestKernel() {
        // On a CPU with AVX-512 the AVX-512 kernel runs unless ZOO_KERNEL asks otherwise.
        if CPUFeatures.hasAVX512 && ProcessInfo.processInfo.environment["ZOO_KERNEL"] == nil {
            #expect(GemmKernel.selected == .avx512)
        }
        #expect(GemmKernel.selected.isSupported)
    }

    @Test(arguments: [(1, 1, 1), (7, 13, 5), (6, 16, 256), (37, 50, 300), (100, 33, 17), (13, 2100, 3), (20, 40, 260),
                      (8, 48, 257), (150, 97, 520)])
    func matchesNaiveForAllTranspositions(size: (Int, Int, Int)) {
        let (m, n, k) = size
        for kernel in Self.kernels {
            for ta in [false, true] {
                for tb in [false, true] {
                    let a = randomTensor(ta ? [k, m] : [m, k], seed: UInt64(m * 31 + k))
                    let b = randomTensor(tb ? [n, k] : [k, n], seed: UInt64(n * 17 + k))
                    var c = [Float](repeating: .nan, count: m * n)
                    a.data.withUnsafeBufferPointer { pa in
                        b.data.withUnsafeBufferPointer { pb in
                            c.withUnsafeMutableBufferPointer { pc in
                                Gemm.multiply(m: m, n: n, k: k, a: pa.baseAddress!, lda: a.shape[1], transposeA: ta,
                                              b: pb.baseAddress!, ldb: b.shape[1], transposeB: tb, c: pc.baseAddress!, ldc: n,
                                              accumulate: false, allowParallel: true, kernel: kernel)
                            }
                        }
                    }
                    let ref = naiveMatmul(a, b, transposeA: ta, transposeB: tb)
                    var worst = 0.0
                    for i in 0..<ref.count { worst = max(worst, abs(Double(c[i]) - ref[i])) }
                    #expect(worst < 1e-4 * Double(max(1, k)).squareRoot(), "\(kernel) m=\(m) n=\(n) k=\(k) tA=\(ta) tB=\(tb) worst=\(worst)")
                }
            }
        }
        #expect(Gemm.matmul(randomTensor([m, k], seed: 1), randomTensor([k, n], seed: 2)).shape == [m, n])
    }

    @Test func planarOperandsReadBatchesOfImages() {
        // A [i, (image, q)] · B [(image, q), j] where both factors are planes of 3 images, C into planes too.
        let (m, images, plane, n) = (11, 3, 29, 53)
        let aPlanes = randomTensor([images, m, plane], seed: 11), b = randomTensor([images * plane, n], seed: 12)
        var ref = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for im in 0..<images { for q in 0..<plane {
            ref[i * n + j] += Double(aPlanes.data[(im * m + i) * plane + q]) * Double(b.data[(im * plane + q) * n + j])
        } } } }
        for kernel in Self.kernels {
            var c = [Float](repeating: .nan, count: m * n)
            aPlanes.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        let planar = PlanarA(base: pa.baseAddress!, ld: plane, imageColumns: plane, imageStride: m * plane)
                        let packed = PackedA(kernel: kernel, m: m, k: images * plane, source: planar)
                        Gemm.run(m: m, n: n, k: images * plane, a: packed, b: DenseB(base: pb.baseAddress!, ld: n, transposed: false),
                                 c: GemmOutput(pc.baseAddress!, ldc: n), accumulate: false, kernel: kernel)
                    }
                }
            }
            var worst = 0.0
            for i in 0..<ref.count { worst = max(worst, abs(Double(c[i]) - ref[i])) }
            #expect(worst < 1e-4, "\(kernel) worst=\(worst)")
        }
        // C as planes: C[i, (image, q)] = Σ_p A[i, p] · B[p, (image, q)], B read from planes of 3 images.
        let w = randomTensor([m, 17], seed: 13), x = randomTensor([images, 17, plane], seed: 14)
        for kernel in Self.kernels {
            var y = [Float](repeating: .nan, count: images * m * plane)
            w.data.withUnsafeBufferPointer { pw in
                x.data.withUnsafeBufferPointer { px in
                    y.withUnsafeMutableBufferPointer { py in
                        let a = PackedA(kernel: kernel, m: m, k: 17, source: DenseA(base: pw.baseAddress!, ld: 17, transposed: false))
                        Gemm.run(m: m, n: images * plane, k: 17, a: a,
                                 b: PlanarB(base: px.baseAddress!, ld: plane, imageColumns: plane, imageStride: 17 * plane),
                                 c: GemmOutput(py.baseAddress!, ldc: plane, imageColumns: plane, imageStride: m * plane),
                                 accumulate: false, kernel: kernel)
                    }
                }
            }
            var worst = 0.0
            for im in 0..<images { for i in 0..<m { for q in 0..<plane {
                var s = 0.0
                for p in 0..<17 { s += Double(w.data[i * 17 + p]) * Double(x.data[(im * 17 + p) * plane + q]) }
                worst = max(worst, abs(Double(y[(im * m + i) * plane + q]) - s))
            } } }
            #expect(worst < 1e-4, "\(kernel) worst=\(worst)")
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
