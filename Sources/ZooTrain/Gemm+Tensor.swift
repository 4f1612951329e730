extension Gemm {
    /// `op(a) · op(b)` for 2-D tensors, a convenience over `multiply` for tests and small callers.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        precondition(a.shape.count == 2 && b.shape.count == 2, "matmul takes 2-D tensors")
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0]
        let n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kb, "matmul inner dimensions differ: \(k) and \(kb)")
        var out = Tensor(zeros: [m, n])
        a.data.withUnsafeBufferPointer { pa in
            b.data.withUnsafeBufferPointer { pb in
                out.data.withUnsafeMutableBufferPointer { pc in
                    guard let ap = pa.baseAddress, let bp = pb.baseAddress, let cp = pc.baseAddress else { return }
                    multiply(m: m, n: n, k: k, a: ap, lda: a.shape[1], transposeA: transposeA,
                             b: bp, ldb: b.shape[1], transposeB: transposeB, c: cp, ldc: n, accumulate: false)
                }
            }
        }
        return out
    }
}
