// A block in a few words, for `zoo inspect` and `zoo create` tables: its node count, what kind of
// block it is, and its ops in order (`block(9, residual): conv3/2,bn,relu,conv3,bn,conv1/2,bn,add,relu`).

extension Block {
    /// `block(N, KINDS): OPS`: KINDS is `residual` (an add), `gated` (a mul, as squeeze-and-excitation)
    /// and `concat`; OPS the nodes' short names in order, the middle elided past `maxOps`.
    public func summary(maxOps: Int = 10) -> String {
        var kinds: [String] = []
        if nodes.contains(where: { $0.op == .add }) { kinds.append("residual") }
        if nodes.contains(where: { $0.op == .mul }) { kinds.append("gated") }
        if nodes.contains(where: { if case .concat = $0.op { return true } else { return false } }) { kinds.append("concat") }
        var ops = nodes.map { Self.shortName($0.op) }
        if ops.count > maxOps, maxOps >= 3 {
            ops = Array(ops.prefix(maxOps - 2)) + ["…"] + [ops[ops.count - 1]]
        }
        return "block(\(([String(nodes.count)] + kinds).joined(separator: ", "))): " + ops.joined(separator: ",")
    }

    /// A node's op in a few letters: `conv3` (kernel 3), `/2` for stride 2, `dw` for depthwise,
    /// `g` for grouped; `bn`, `hswish`, `avgpool`, `cat`, ...
    static func shortName(_ op: LayerOp) -> String {
        switch op {
        case .conv2d(let o):
            let kind = o.groups == 1 ? "conv" : (o.groups == o.outChannels ? "dwconv" : "gconv")
            return kind + o.kernel.description + (o.stride == Size2d(1) ? "" : "/\(o.stride)")
        case .dense: return "fc"
        case .batchnorm: return "bn"
        case .layernorm: return "ln"
        case .hardswish: return "hswish"
        case .hardsigmoid: return "hsigmoid"
        case .identity: return "id"
        case .adaptiveAvgPool2d, .globalAvgPool: return "avgpool"
        case .maxpool2d(let o): return "maxpool\(o.kernel)" + (o.stride == Size2d(1) ? "" : "/\(o.stride)")
        case .avgpool2d(let o): return "avgpool\(o.kernel)" + (o.stride == Size2d(1) ? "" : "/\(o.stride)")
        case .concat: return "cat"
        default: return op.name
        }
    }
}
