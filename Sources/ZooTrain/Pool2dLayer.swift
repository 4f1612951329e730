/// Max or average pooling over square windows without padding (PyTorch's `MaxPool2d` /
/// `AvgPool2d` with floor rounding), NCHW.
public final class Pool2dLayer: NetworkLayer {
    /// Which reduction a window applies.
    public enum Kind: Sendable { case max, average }
    /// Max or average.
    public let kind: Kind
    /// Window side.
    public let kernel: Int
    /// Step between windows.
    public let stride: Int
    private var inputShape: [Int] = []
    /// For max pooling: the flat input index that won each output element.
    private var argmax: [Int32] = []

    /// A pooling layer.
    public init(kind: Kind, kernel: Int, stride: Int) {
        self.kind = kind
        self.kernel = kernel
        self.stride = stride
    }

    /// Output height and width for an input height and width.
    func outputSize(_ h: Int, _ w: Int) -> (Int, Int) {
        ((h - kernel) / stride + 1, (w - kernel) / stride + 1)
    }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        inputShape = x.shape
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = outputSize(h, w)
        var y = Tensor(zeros: [n, c, oh, ow])
        if kind == .max { argmax = [Int32](repeating: 0, count: y.count) }
        let scale = 1 / Float(kernel * kernel)
        x.data.withUnsafeBufferPointer { px in
            y.data.withUnsafeMutableBufferPointer { py in
                argmax.withUnsafeMutableBufferPointer { pa in
                    for plane in 0..<(n * c) {
                        let base = plane * h * w
                        for i in 0..<oh {
                            for j in 0..<ow {
                                let o = (plane * oh + i) * ow + j
                                if kind == .max {
                                    var best = -Float.infinity
                                    var at = base + i * stride * w + j * stride
                                    for di in 0..<kernel {
                                        for dj in 0..<kernel {
                                            let idx = base + (i * stride + di) * w + j * stride + dj
                                            // Strict > keeps the first maximum, as PyTorch does.
                                            if px[idx] > best { best = px[idx]; at = idx }
                                        }
                                    }
                                    py[o] = best
                                    pa[o] = Int32(at)
                                } else {
                                    var s: Float = 0
                                    for di in 0..<kernel {
                                        for dj in 0..<kernel { s += px[base + (i * stride + di) * w + j * stride + dj] }
                                    }
                                    py[o] = s * scale
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        guard inputGradient else { return nil }
        var gx = Tensor(zeros: inputShape)
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (oh, ow) = outputSize(h, w)
        let scale = 1 / Float(kernel * kernel)
        gy.data.withUnsafeBufferPointer { pg in
            gx.data.withUnsafeMutableBufferPointer { px in
                if kind == .max {
                    argmax.withUnsafeBufferPointer { pa in
                        for o in 0..<gy.count { px[Int(pa[o])] += pg[o] }
                    }
                    return
                }
                for plane in 0..<(n * c) {
                    let base = plane * h * w
                    for i in 0..<oh {
                        for j in 0..<ow {
                            let g = pg[(plane * oh + i) * ow + j] * scale
                            for di in 0..<kernel {
                                for dj in 0..<kernel { px[base + (i * stride + di) * w + j * stride + dj] += g }
                            }
                        }
                    }
                }
            }
        }
        return gx
    }
}
