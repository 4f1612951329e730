/// The shape arithmetic of a 2-D convolution over NCHW, as PyTorch's `Conv2d` with per-side padding.
///
/// Output position (oy, ox) reads input rows `oy * strideH - padTop + ki * dilationH` and columns
/// `ox * strideW - padLeft + kj * dilationW` for every kernel tap (ki, kj); taps outside the input
/// read zero. Weight `[outChannels, inChannels / groups, kernelH, kernelW]`.
struct ConvGeometry: Hashable, Sendable {
    var batch: Int
    var inChannels: Int
    var height: Int
    var width: Int
    var outChannels: Int
    var kernelH: Int
    var kernelW: Int
    var strideH: Int = 1
    var strideW: Int = 1
    var dilationH: Int = 1
    var dilationW: Int = 1
    var padTop: Int = 0
    var padLeft: Int = 0
    var padBottom: Int = 0
    var padRight: Int = 0
    var groups: Int = 1

    /// Output rows: `(H + top + bottom - dilation·(kh - 1) - 1) / stride + 1`.
    var outHeight: Int { (height + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1 }
    /// Output columns.
    var outWidth: Int { (width + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1 }
    /// Input channels per group.
    var groupInChannels: Int { inChannels / groups }
    /// Output channels per group.
    var groupOutChannels: Int { outChannels / groups }
    /// Taps per channel.
    var taps: Int { kernelH * kernelW }
    /// The inner dimension of the product: `groupInChannels · kh · kw`.
    var patch: Int { groupInChannels * kernelH * kernelW }
    /// Input plane size.
    var inPlane: Int { height * width }
    /// Output plane size.
    var outPlane: Int { outHeight * outWidth }
    /// Elements of the input.
    var inputCount: Int { batch * inChannels * inPlane }
    /// Elements of the output.
    var outputCount: Int { batch * outChannels * outPlane }
    /// Elements of the weight.
    var weightCount: Int { outChannels * patch }

    /// One filter per channel (groups == in == out): the direct kernels, not a product.
    var isDepthwise: Bool { groups > 1 && groups == inChannels && groups == outChannels }
    /// A 1×1 kernel with unit stride and no padding: the product reads the NCHW planes directly.
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0
    }

    /// A 1×1 kernel with a stride or padding: exactly a pointwise convolution of the input sampled
    /// at the output positions (`sampled`), which reads the planes directly.
    var isSampledPointwise: Bool { kernelH == 1 && kernelW == 1 && !isPointwise }

    /// The pointwise convolution over the input sampled at the output positions.
    var sampled: ConvGeometry {
        var s = self
        s.height = outHeight
        s.width = outWidth
        s.strideH = 1; s.strideW = 1; s.dilationH = 1; s.dilationW = 1
        s.padTop = 0; s.padLeft = 0; s.padBottom = 0; s.padRight = 0
        return s
    }

    /// Why the geometry cannot run (non-positive sizes, groups not dividing the channels, a window
    /// larger than the padded input), or nil when it can.
    var problem: String? {
        if batch < 0 || inChannels <= 0 || height <= 0 || width <= 0 || outChannels <= 0 {
            return "channels and sizes must be positive (in \(inChannels)x\(height)x\(width), out \(outChannels))"
        }
        if kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0 || dilationH <= 0 || dilationW <= 0 {
            return "kernel \(kernelH)x\(kernelW), stride \(strideH)x\(strideW) and dilation \(dilationH)x\(dilationW) must be positive"
        }
        if padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0 {
            return "padding must not be negative (top \(padTop), left \(padLeft), bottom \(padBottom), right \(padRight))"
        }
        if groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0 {
            return "groups \(groups) must divide both \(inChannels) input and \(outChannels) output channels"
        }
        if height + padTop + padBottom < dilationH * (kernelH - 1) + 1 || width + padLeft + padRight < dilationW * (kernelW - 1) + 1 {
            return "the \(kernelH)x\(kernelW) kernel (dilation \(dilationH)x\(dilationW)) does not fit the padded \(height)x\(width) input"
        }
        return nil
    }
}
