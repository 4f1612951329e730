/// Assembles a recognised architecture's top-level layers in forward order, each named after its
/// source module (`conv1`, `features.3`, `classifier.1`) with that module's tensor names.
struct ArchitectureBuilder {
    private(set) var layers: [Layer] = []

    /// A layer with no tensors (activation, pooling, dropout).
    mutating func op(_ name: String, _ op: LayerOp) {
        layers.append(Layer(name: name, op: op))
    }

    /// A convolution layer; `bias` as PyTorch's `bias=`.
    mutating func conv(_ name: String, _ options: Conv2dOptions, bias: Bool = false) {
        layers.append(Layer(name: name, op: .conv2d(options), tensors: roles(name, bias ? ["weight", "bias"] : ["weight"])))
    }

    /// A batch-norm layer with its four tensors.
    mutating func batchnorm(_ name: String, _ norm: BatchNormSettings) {
        layers.append(Layer(name: name, op: .batchnorm(eps: norm.eps, momentum: norm.momentum),
                            tensors: roles(name, ["weight", "bias", "running_mean", "running_var"])))
    }

    /// A linear layer with weight and bias.
    mutating func dense(_ name: String, outFeatures: Int) {
        layers.append(Layer(name: name, op: .dense(outFeatures: outFeatures), tensors: roles(name, ["weight", "bias"])))
    }

    /// A block built by `build` on a `BlockBuilder` for module `name`.
    mutating func block(_ name: String, _ build: (inout BlockBuilder) -> Void) {
        var b = BlockBuilder(prefix: name)
        build(&b)
        layers.append(b.layer)
    }

    private func roles(_ name: String, _ roles: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: roles.map { ($0, "\(name).\($0)") })
    }

    /// The runnable description at torchvision's ImageNet input, 3x224x224, with shapes filled in;
    /// nil when the layers do not fit together (a builder bug, never the checkpoint's fault).
    func description(architecture: String, classes: Int, notes: String? = nil) -> ModelDescription? {
        let metadata = ModelMetadata(task: "classification", labels: classes == ImageNetClasses.names.count ? ImageNetClasses.names : nil,
                                     preprocessing: .imageNet, architecture: architecture, notes: notes)
        return try? ModelDescription(input: [3, 224, 224], layers: layers, metadata: metadata).withInferredShapes()
    }
}
