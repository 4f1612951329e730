import ZooModel

// Until the convolution kernels take groups, dilation, rectangular kernels and per-side padding,
// the layer runs what schema 1 could describe and refuses the rest by name.
extension Conv2dLayer {
    /// A convolution with the description's options; `layerName` is for errors.
    public convenience init(weight: Parameter, bias: Parameter?, options o: Conv2dOptions, layerName: String) throws(TrainError) {
        guard o.isSchema1 else {
            throw TrainError(.unsupportedLayer, "layer '\(layerName)': conv2d with groups, dilation, a rectangular kernel or uneven padding cannot run in this build yet")
        }
        self.init(weight: weight, bias: bias, stride: o.stride.height, padding: o.padding.top)
    }
}

extension Pool2dLayer {
    /// A pooling layer with the description's options; `layerName` is for errors.
    public convenience init(kind: Kind, options o: Pool2dOptions, layerName: String) throws(TrainError) {
        guard o.isSchema1 else {
            throw TrainError(.unsupportedLayer, "layer '\(layerName)': pooling with padding, ceil mode or a rectangular window cannot run in this build yet")
        }
        self.init(kind: kind, kernel: o.kernel.height, stride: o.stride.height)
    }
}
