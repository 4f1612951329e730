/// Assembles one block of a recognised architecture: nodes named after the source module's paths
/// (`conv1`, `downsample.0`, `block.2.fc1`), each node's tensors recorded as block roles `NODE.ROLE`
/// mapped to the checkpoint names `PREFIX.NODE.ROLE`.
struct BlockBuilder {
    /// The checkpoint name of the block's module (`layer1.0`, `features.3`, `blocks.2.1`).
    let prefix: String
    private(set) var nodes: [BlockNode] = []
    private(set) var tensors: [String: String] = [:]
    /// The most recent node, read by the next node unless it says otherwise.
    private(set) var last = Block.inputName

    init(prefix: String) { self.prefix = prefix }

    /// Adds a node reading `inputs` (default: the previous node) and returns its name.
    @discardableResult
    mutating func node(_ name: String, _ op: LayerOp, inputs: [String]? = nil, roles: [String] = []) -> String {
        nodes.append(BlockNode(name: name, op: op, inputs: inputs ?? [last]))
        for role in roles { tensors["\(name).\(role)"] = "\(prefix).\(name).\(role)" }
        last = name
        return name
    }

    /// A convolution node; `bias` as PyTorch's `bias=` (a bias tensor is then expected).
    @discardableResult
    mutating func conv(_ name: String, _ options: Conv2dOptions, bias: Bool = false, input: String? = nil) -> String {
        node(name, .conv2d(options), inputs: input.map { [$0] }, roles: bias ? ["weight", "bias"] : ["weight"])
    }

    /// A batch-norm node with its four tensors.
    @discardableResult
    mutating func batchnorm(_ name: String, _ norm: BatchNormSettings, input: String? = nil) -> String {
        node(name, .batchnorm(eps: norm.eps, momentum: norm.momentum), inputs: input.map { [$0] },
             roles: ["weight", "bias", "running_mean", "running_var"])
    }

    /// The finished block, its output the last node added.
    var layer: Layer {
        Layer(name: prefix, op: .block(Block(nodes: nodes, output: last)), tensors: tensors)
    }

    /// torchvision's `Conv2dNormActivation` at `module`: conv `module.0` (no bias), batch norm
    /// `module.1`, activation `module.2` (none for a projection); `module` "" names them `0`, `1`, `2`.
    @discardableResult
    mutating func convNormActivation(_ module: String, _ options: Conv2dOptions, _ norm: BatchNormSettings,
                                     _ activation: LayerOp?) -> String {
        let p = module.isEmpty ? "" : module + "."
        conv(p + "0", options)
        let out = batchnorm(p + "1", norm)
        return activation.map { node(p + "2", $0) } ?? out
    }

    /// timm's conv and `BatchNormAct2d`: conv `conv` (no bias), batch norm `norm`, its activation
    /// `norm.act` (none when timm's `apply_act` is off).
    @discardableResult
    mutating func convBatchNormAct(_ conv: String, _ norm: String, _ options: Conv2dOptions, _ settings: BatchNormSettings,
                                   _ activation: LayerOp?) -> String {
        self.conv(conv, options)
        let out = batchnorm(norm, settings)
        return activation.map { node(norm + ".act", $0) } ?? out
    }
}
