import ZooModel

/// 2-D convolution as PyTorch's `Conv2d`: NCHW activations, weight `[out, in/groups, kh, kw]`,
/// optional bias, any stride, dilation and groups, and per-side padding (TensorFlow's "same"
/// padding is asymmetric for stride 2).
///
/// The kernels are in `Convolution`: dense and grouped convolutions are SGEMM products that read
/// the input in place (no im2col buffer), depthwise ones direct SIMD loops. Forward keeps a
/// reference to its input (no copy) for the weight gradient.
public final class Conv2dLayer: NetworkLayer {
    /// `[outChannels, inChannels / groups, kernelH, kernelW]`.
    public let weight: Parameter
    /// `[outChannels]`, or nil.
    public let bias: Parameter?
    /// Step between windows.
    public let stride: Size2d
    /// Zero padding on each side.
    public let padding: Padding2d
    /// Spacing between kernel taps.
    public let dilation: Size2d
    /// Channel groups (in and out channels both divide by it; equal to both: depthwise).
    public let groups: Int
    private var input = Tensor(zeros: [0])

    /// A convolution over the given tensors.
    public init(weight: Parameter, bias: Parameter?, stride: Size2d = Size2d(1), padding: Padding2d = .zero,
                dilation: Size2d = Size2d(1), groups: Int = 1) {
        precondition(weight.value.shape.count == 4, "a conv2d weight is [out, in/groups, kh, kw]")
        _ = AllocatorTuning.applied
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    /// A convolution with a square stride and the same padding on every side.
    public convenience init(weight: Parameter, bias: Parameter?, stride: Int, padding: Int) {
        self.init(weight: weight, bias: bias, stride: Size2d(stride), padding: Padding2d(padding))
    }

    /// The weight and bias that exist.
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    /// The geometry of a pass over an input of this shape.
    func geometry(_ shape: [Int]) -> ConvGeometry {
        precondition(shape.count == 4, "conv2d takes NCHW input, not \(shape)")
        let w = weight.value.shape
        let g = ConvGeometry(batch: shape[0], inChannels: shape[1], height: shape[2], width: shape[3], outChannels: w[0],
                             kernelH: w[2], kernelW: w[3], strideH: stride.height, strideW: stride.width,
                             dilationH: dilation.height, dilationW: dilation.width,
                             padTop: padding.top, padLeft: padding.left, padBottom: padding.bottom, padRight: padding.right,
                             groups: groups)
        precondition(w[1] * groups == shape[1], "conv2d weight \(w) with \(groups) groups does not take \(shape[1]) channels")
        if let problem = g.problem { preconditionFailure("conv2d: \(problem)") }
        return g
    }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        input = x
        let g = geometry(x.shape)
        let y = uninitializedFloats(g.outputCount) { py in
            x.data.withUnsafeBufferPointer { px in
                weight.value.data.withUnsafeBufferPointer { pw in
                    withOptionalPointer(bias?.value.data) { pb in
                        Convolution.forward(g, input: px.baseAddress!, weight: pw.baseAddress!, bias: pb, output: py)
                    }
                }
            }
        }
        return Tensor(shape: [g.batch, g.outChannels, g.outHeight, g.outWidth], data: y)
    }

    /// See `NetworkLayer.releaseSaved()`: the input, held for the weight gradient.
    public func releaseSaved() { input = Tensor(zeros: [0]) }

    /// Elements kept for backward (tests of `releaseSaved`).
    var savedElements: Int { input.count }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        let g = geometry(input.shape)
        precondition(gy.shape == [g.batch, g.outChannels, g.outHeight, g.outWidth], "conv2d output gradient has shape \(gy.shape)")
        if parameterGradients {
            var biasGradient = bias.map { _ in [Float](repeating: 0, count: g.outChannels) }
            let weightGradient = uninitializedFloats(g.weightCount) { pw in
                input.data.withUnsafeBufferPointer { px in
                    gy.data.withUnsafeBufferPointer { pg in
                        if biasGradient != nil {
                            biasGradient!.withUnsafeMutableBufferPointer { pb in
                                Convolution.backwardWeight(g, input: px.baseAddress!, outputGradient: pg.baseAddress!,
                                                           weightGradient: pw, biasGradient: pb.baseAddress!)
                            }
                        } else {
                            Convolution.backwardWeight(g, input: px.baseAddress!, outputGradient: pg.baseAddress!,
                                                       weightGradient: pw, biasGradient: nil)
                        }
                    }
                }
            }
            weight.gradient = Tensor(shape: weight.value.shape, data: weightGradient)
            if let bias, let biasGradient { bias.gradient = Tensor(shape: [g.outChannels], data: biasGradient) }
        }
        guard inputGradient else { return nil }
        let gx = uninitializedFloats(g.inputCount) { px in
            gy.data.withUnsafeBufferPointer { pg in
                weight.value.data.withUnsafeBufferPointer { pw in
                    Convolution.backwardData(g, outputGradient: pg.baseAddress!, weight: pw.baseAddress!, inputGradient: px)
                }
            }
        }
        return Tensor(shape: input.shape, data: gx)
    }
}

/// An array of `count` floats that `fill` writes completely (no zeroing pass first).
func uninitializedFloats(_ count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let base = buffer.baseAddress { fill(base) } else { var dummy: Float = 0; fill(&dummy) }
        initialized = count
    }
}

/// Calls `body` with a pointer to the array's elements, or nil without an array.
func withOptionalPointer<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}
