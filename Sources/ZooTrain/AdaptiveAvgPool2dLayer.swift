/// PyTorch's `AdaptiveAvgPool2d`: `[N, C, H, W] -> [N, C, oh, ow]`, output `(i, j)` the mean of
/// rows `floor(i·H/oh) ..< ceil((i+1)·H/oh)` and the same for columns (bins may overlap when the
/// output does not divide the input). Size 1 is squeeze-and-excitation's squeeze.
public final class AdaptiveAvgPool2dLayer: NetworkLayer {
    /// Output height and width.
    public let outputHeight: Int, outputWidth: Int
    private var inputShape: [Int] = []

    /// An adaptive average pool to `height × width`.
    public init(height: Int, width: Int) {
        self.outputHeight = height
        self.outputWidth = width
    }

    /// The input rows (or columns) of output bin `i` of `out` over an input of `size`.
    static func bin(_ i: Int, _ out: Int, _ size: Int) -> Range<Int> {
        (i * size / out)..<(((i + 1) * size + out - 1) / out)
    }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        inputShape = x.shape
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (outputHeight, outputWidth)
        var y = Tensor(zeros: [n, c, oh, ow])
        x.data.withUnsafeBufferPointer { px in
            y.data.withUnsafeMutableBufferPointer { py in
                guard let src = px.baseAddress, let dst = py.baseAddress else { return }
                Parallel.forEach(n * c, parallel: x.count >= Parallel.elementwiseThreshold) { plane in
                    let p = src + plane * h * w
                    for i in 0..<oh {
                        let rows = Self.bin(i, oh, h)
                        for j in 0..<ow {
                            let cols = Self.bin(j, ow, w)
                            var s = 0.0
                            if cols.count == w {
                                // Whole rows are contiguous: one SIMD sum.
                                s = Elementwise.sum(p + rows.lowerBound * w, rows.count * w)
                            } else {
                                for r in rows { s += Elementwise.sum(p + r * w + cols.lowerBound, cols.count) }
                            }
                            dst[(plane * oh + i) * ow + j] = Float(s / Double(rows.count * cols.count))
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
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (oh, ow) = (outputHeight, outputWidth)
        var gx = Tensor(zeros: inputShape)
        let parallel = gx.count >= Parallel.elementwiseThreshold
        gy.data.withUnsafeBufferPointer { pg in
            gx.data.withUnsafeMutableBufferPointer { px in
                guard let src = pg.baseAddress, let dst = px.baseAddress else { return }
                Parallel.forEach(n * c, parallel: parallel) { plane in
                    let p = dst + plane * h * w
                    // Bins in a fixed order, so overlapping bins add up the same way every time.
                    for i in 0..<oh {
                        let rows = Self.bin(i, oh, h)
                        for j in 0..<ow {
                            let cols = Self.bin(j, ow, w)
                            let g = src[(plane * oh + i) * ow + j] / Float(rows.count * cols.count)
                            for r in rows {
                                for q in cols { p[r * w + q] += g }
                            }
                        }
                    }
                }
            }
        }
        return gx
    }
}
