/// The shape arithmetic of 2-D max or average pooling over NCHW, as PyTorch's `MaxPool2d` /
/// `AvgPool2d` with per-side padding, `ceil_mode` and `count_include_pad`.
struct PoolGeometry: Hashable, Sendable {
    var batch: Int
    var channels: Int
    var height: Int
    var width: Int
    var kernelH: Int
    var kernelW: Int
    var strideH: Int
    var strideW: Int
    var padTop: Int = 0
    var padLeft: Int = 0
    var padBottom: Int = 0
    var padRight: Int = 0
    /// Round the output size up (a last, partial window), as `ceil_mode=True`.
    var ceilMode: Bool = false
    /// Average pooling divides by the whole window, padding included (PyTorch's default), rather
    /// than by the pixels inside the input.
    var countIncludePad: Bool = true

    /// PyTorch's `pooling_output_shape`: with `ceil_mode` the last window must start inside the
    /// input or the top/left padding.
    static func outputSize(_ size: Int, kernel: Int, stride: Int, before: Int, after: Int, ceil: Bool) -> Int {
        let span = size + before + after - kernel + (ceil ? stride - 1 : 0)
        var out = (span >= 0 ? span / stride : -((-span + stride - 1) / stride)) + 1
        if ceil && (out - 1) * stride >= size + before { out -= 1 }
        return out
    }

    var outHeight: Int {
        Self.outputSize(height, kernel: kernelH, stride: strideH, before: padTop, after: padBottom, ceil: ceilMode)
    }
    var outWidth: Int {
        Self.outputSize(width, kernel: kernelW, stride: strideW, before: padLeft, after: padRight, ceil: ceilMode)
    }
    var inPlane: Int { height * width }
    var outPlane: Int { outHeight * outWidth }
    var outputCount: Int { batch * channels * outPlane }

    /// Why the geometry cannot run, or nil. As PyTorch, padding is at most half the kernel, so
    /// every window holds at least one input pixel.
    var problem: String? {
        if batch < 0 || channels <= 0 || height <= 0 || width <= 0 {
            return "channels and sizes must be positive (\(channels)x\(height)x\(width))"
        }
        if kernelH <= 0 || kernelW <= 0 || strideH <= 0 || strideW <= 0 {
            return "kernel \(kernelH)x\(kernelW) and stride \(strideH)x\(strideW) must be positive"
        }
        if padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0 {
            return "padding must not be negative"
        }
        if 2 * max(padTop, padBottom) > kernelH || 2 * max(padLeft, padRight) > kernelW {
            return "padding (top \(padTop), left \(padLeft), bottom \(padBottom), right \(padRight)) must be at most half the \(kernelH)x\(kernelW) kernel"
        }
        if outHeight <= 0 || outWidth <= 0 {
            return "the \(kernelH)x\(kernelW) window does not fit the padded \(height)x\(width) input"
        }
        return nil
    }
}
