import ZooModel

/// Max or average pooling as PyTorch's `MaxPool2d` / `AvgPool2d`: NCHW, rectangular windows and
/// strides, per-side padding (max pooling ignores it, average pooling counts it unless
/// `countIncludePad` is false), and `ceilMode` rounding.
public final class Pool2dLayer: NetworkLayer {
    /// Which reduction a window applies.
    public enum Kind: Sendable { case max, average }
    /// Max or average.
    public let kind: Kind
    /// Window size.
    public let kernel: Size2d
    /// Step between windows.
    public let stride: Size2d
    /// Padding on each side.
    public let padding: Padding2d
    /// Round the output size up, as `ceil_mode=True`.
    public let ceilMode: Bool
    /// Average pooling divides by the whole window including padding (PyTorch's default).
    public let countIncludePad: Bool
    private var inputShape: [Int] = []
    /// For max pooling: the index within its input plane of each output's maximum.
    private var argmax: [Int32] = []

    /// A pooling layer.
    public init(kind: Kind, kernel: Size2d, stride: Size2d, padding: Padding2d = .zero,
                ceilMode: Bool = false, countIncludePad: Bool = true) {
        self.kind = kind
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    /// A square window without padding.
    public convenience init(kind: Kind, kernel: Int, stride: Int) {
        self.init(kind: kind, kernel: Size2d(kernel), stride: Size2d(stride))
    }

    func geometry(_ shape: [Int]) -> PoolGeometry {
        precondition(shape.count == 4, "pooling takes NCHW input, not \(shape)")
        let g = PoolGeometry(batch: shape[0], channels: shape[1], height: shape[2], width: shape[3],
                             kernelH: kernel.height, kernelW: kernel.width, strideH: stride.height, strideW: stride.width,
                             padTop: padding.top, padLeft: padding.left, padBottom: padding.bottom, padRight: padding.right,
                             ceilMode: ceilMode, countIncludePad: countIncludePad)
        if let problem = g.problem { preconditionFailure("pool2d: \(problem)") }
        return g
    }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        inputShape = x.shape
        let g = geometry(x.shape)
        let y: [Float]
        switch kind {
        case .max:
            var indices = [Int32](repeating: 0, count: g.outputCount)
            y = uninitializedFloats(g.outputCount) { py in
                x.data.withUnsafeBufferPointer { px in
                    indices.withUnsafeMutableBufferPointer { pa in
                        Pooling.maxForward(g, input: px.baseAddress!, output: py, argmax: pa.baseAddress!)
                    }
                }
            }
            argmax = indices
        case .average:
            y = uninitializedFloats(g.outputCount) { py in
                x.data.withUnsafeBufferPointer { px in Pooling.averageForward(g, input: px.baseAddress!, output: py) }
            }
        }
        return Tensor(shape: [g.batch, g.channels, g.outHeight, g.outWidth], data: y)
    }

    /// See `NetworkLayer.releaseSaved()`: max pooling's argmax, one index per output.
    public func releaseSaved() { argmax = [] }

    /// Elements kept for backward (tests of `releaseSaved`).
    var savedElements: Int { argmax.count }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        guard inputGradient else { return nil }
        let g = geometry(inputShape)
        precondition(gy.count == g.outputCount, "pool2d output gradient has shape \(gy.shape)")
        let gx = uninitializedFloats(g.batch * g.channels * g.inPlane) { px in
            gy.data.withUnsafeBufferPointer { pg in
                switch kind {
                case .max:
                    argmax.withUnsafeBufferPointer { pa in
                        Pooling.maxBackward(g, outputGradient: pg.baseAddress!, argmax: pa.baseAddress!, inputGradient: px)
                    }
                case .average:
                    Pooling.averageBackward(g, outputGradient: pg.baseAddress!, inputGradient: px)
                }
            }
        }
        return Tensor(shape: inputShape, data: gx)
    }
}
