/// Fully connected layer over the last dimension, as PyTorch's `Linear`: `y = x Wᵀ + b`,
/// weight `[out, in]`, bias `[out]`.
public final class DenseLayer: NetworkLayer {
    /// `[out, in]`.
    public let weight: Parameter
    /// `[out]`, or nil for a layer without bias.
    public let bias: Parameter?
    private var input = Tensor(zeros: [0])

    /// A dense layer over the given tensors (weight `[out, in]`).
    public init(weight: Parameter, bias: Parameter?) {
        self.weight = weight
        self.bias = bias
    }

    /// The weight and bias that exist.
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let outF = weight.value.shape[0], inF = weight.value.shape[1]
        let rows = x.count / inF
        input = x
        var y = Tensor(zeros: Array(x.shape.dropLast()) + [outF])
        x.data.withUnsafeBufferPointer { px in
            weight.value.data.withUnsafeBufferPointer { pw in
                y.data.withUnsafeMutableBufferPointer { py in
                    Gemm.multiply(m: rows, n: outF, k: inF, a: px.baseAddress!, lda: inF, transposeA: false,
                                  b: pw.baseAddress!, ldb: inF, transposeB: true,
                                  c: py.baseAddress!, ldc: outF, accumulate: false)
                    if let bias {
                        bias.value.data.withUnsafeBufferPointer { pb in
                            for r in 0..<rows {
                                let row = py.baseAddress! + r * outF
                                for j in 0..<outF { row[j] += pb[j] }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// See `NetworkLayer.releaseSaved()`: the input, held for the weight gradient.
    public func releaseSaved() { input = Tensor(zeros: [0]) }

    /// Elements kept for backward (tests of `releaseSaved`).
    var savedElements: Int { input.count }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        let outF = weight.value.shape[0], inF = weight.value.shape[1]
        let rows = gy.count / outF
        if parameterGradients {
            gy.data.withUnsafeBufferPointer { pg in
                input.data.withUnsafeBufferPointer { px in
                    weight.gradient.data.withUnsafeMutableBufferPointer { pw in
                        // dW[out, in] = gyᵀ · x
                        Gemm.multiply(m: outF, n: inF, k: rows, a: pg.baseAddress!, lda: outF, transposeA: true,
                                      b: px.baseAddress!, ldb: inF, transposeB: false,
                                      c: pw.baseAddress!, ldc: inF, accumulate: false)
                    }
                }
                if let bias {
                    bias.gradient.data.withUnsafeMutableBufferPointer { pb in
                        for j in 0..<outF { pb[j] = 0 }
                        for r in 0..<rows {
                            let row = pg.baseAddress! + r * outF
                            for j in 0..<outF { pb[j] += row[j] }
                        }
                    }
                }
            }
        }
        guard inputGradient else { return nil }
        var gx = Tensor(zeros: input.shape)
        gy.data.withUnsafeBufferPointer { pg in
            weight.value.data.withUnsafeBufferPointer { pw in
                gx.data.withUnsafeMutableBufferPointer { px in
                    // dx[rows, in] = gy · W
                    Gemm.multiply(m: rows, n: inF, k: outF, a: pg.baseAddress!, lda: outF, transposeA: false,
                                  b: pw.baseAddress!, ldb: inF, transposeB: false,
                                  c: px.baseAddress!, ldc: inF, accumulate: false)
                }
            }
        }
        return gx
    }
}
