import ZooModel

extension Conv2dLayer {
    /// A convolution with the description's options (groups, dilation, rectangular kernel and
    /// stride, per-side padding); `layerName` is for errors. The weight must be
    /// `[outChannels, in / groups, kernel.height, kernel.width]`.
    public convenience init(weight: Parameter, bias: Parameter?, options o: Conv2dOptions, layerName: String) throws(TrainError) {
        let w = weight.value.shape
        guard o.kernel.height > 0, o.kernel.width > 0, o.stride.height > 0, o.stride.width > 0,
              o.dilation.height > 0, o.dilation.width > 0 else {
            throw TrainError(.invalidShape, "layer '\(layerName)': conv2d kernel \(o.kernel), stride \(o.stride) and dilation \(o.dilation) must be positive")
        }
        guard o.padding.top >= 0, o.padding.left >= 0, o.padding.bottom >= 0, o.padding.right >= 0 else {
            throw TrainError(.invalidShape, "layer '\(layerName)': conv2d padding \(o.padding) must not be negative")
        }
        guard o.groups > 0, o.outChannels % o.groups == 0 else {
            throw TrainError(.invalidShape, "layer '\(layerName)': conv2d groups \(o.groups) must divide its \(o.outChannels) output channels")
        }
        guard w == [o.outChannels, w.count == 4 ? w[1] : -1, o.kernel.height, o.kernel.width] else {
            throw TrainError(.tensorShapeMismatch, "layer '\(layerName)': conv2d weight \(w) does not match \(o.outChannels) filters of \(o.kernel)")
        }
        self.init(weight: weight, bias: bias, stride: o.stride, padding: o.padding, dilation: o.dilation, groups: o.groups)
    }
}

extension Pool2dLayer {
    /// A pooling layer with the description's options; `layerName` is for errors. As PyTorch,
    /// padding is at most half the window.
    public convenience init(kind: Kind, options o: Pool2dOptions, layerName: String) throws(TrainError) {
        guard o.kernel.height > 0, o.kernel.width > 0, o.stride.height > 0, o.stride.width > 0 else {
            throw TrainError(.invalidShape, "layer '\(layerName)': pooling kernel \(o.kernel) and stride \(o.stride) must be positive")
        }
        let p = o.padding
        guard min(p.top, p.left, p.bottom, p.right) >= 0,
              2 * max(p.top, p.bottom) <= o.kernel.height, 2 * max(p.left, p.right) <= o.kernel.width else {
            throw TrainError(.invalidShape, "layer '\(layerName)': pooling padding \(p) must be between 0 and half the \(o.kernel) window")
        }
        self.init(kind: kind, kernel: o.kernel, stride: o.stride, padding: o.padding,
                  ceilMode: o.ceilMode, countIncludePad: o.countIncludePad)
    }
}
