/// One item of the layer-spec language (formats/model-description.md, "Layer specs"), as used by
/// `zoo create --layers` and `zoo graft --head`: `dense:128`, `relu`, `conv2d:16:3:s2:pad1`, ...
public struct LayerSpec: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The op the item denotes, with its parameters.
    public var op: LayerOp

    public init(_ op: LayerOp) { self.op = op }

    /// The accepted forms, for error messages and `--help`.
    public static let acceptedForms = """
        dense:OUT, conv2d:OUT:K[:sS][:padP][:dD][:gG], maxpool2d:K[:sS][:padP], avgpool2d:K[:sS][:padP], \
        global_avgpool, adaptive_avgpool2d:S, flatten, relu, relu6, gelu, tanh, sigmoid, hardsigmoid, hardswish, \
        silu, softmax, identity, dropout[:P], batchnorm, layernorm
        """

    /// Parses a comma-separated list such as `dense:128,relu,dropout:0.2,dense:10`.
    ///
    /// Spaces around items are ignored. An error names the bad item, its 1-based position and
    /// the accepted forms.
    public static func parse(_ text: String) throws(ModelError) -> [LayerSpec] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingSpaces() }
        if items.count == 1 && items[0].isEmpty {
            throw ModelError(.invalidSpec, "the layer spec is empty; give a comma-separated list of: \(acceptedForms)")
        }
        var specs: [LayerSpec] = []
        for (i, item) in items.enumerated() {
            specs.append(try parseItem(item, position: i + 1))
        }
        return specs
    }

    /// Parses one item; `position` (1-based) is only used in error messages.
    public static func parseItem(_ item: String, position: Int = 1) throws(ModelError) -> LayerSpec {
        func bad(_ why: String) -> ModelError {
            let shown = item.isEmpty ? "an empty item" : "'\(item)'"
            return ModelError(.invalidSpec, "layer spec item \(position) (\(shown)): \(why); accepted forms: \(acceptedForms)")
        }
        let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let name = parts[0].lowercased()
        let args = Array(parts.dropFirst())
        if item.isEmpty { throw bad("nothing between the commas") }

        func positive(_ s: String, _ what: String) throws(ModelError) -> Int {
            guard let v = Int(s), v > 0, v <= 1 << 24 else {
                throw bad("\(what) must be a whole number from 1 to \(1 << 24), got '\(s)'")
            }
            return v
        }
        func noArgs() throws(ModelError) {
            if !args.isEmpty { throw bad("'\(name)' takes no parameters") }
        }
        /// Reads optional `sS`, `padP`, `dD` and `gG` options (any order, each once).
        func options(_ list: ArraySlice<String>, allowed: Set<Character>) throws(ModelError) -> (stride: Int?, pad: Int?, dilation: Int?, groups: Int?) {
            var stride: Int?, pad: Int?, dilation: Int?, groups: Int?
            let expected = [("s", "sS for stride"), ("p", "padP for padding"), ("d", "dD for dilation"), ("g", "gG for groups")]
                .filter { allowed.contains(Character($0.0)) }.map(\.1).joined(separator: ", ")
            for opt in list {
                if opt.hasPrefix("pad") {
                    guard allowed.contains("p") else { throw bad("'\(name)' has no padding option") }
                    guard pad == nil else { throw bad("padding given twice") }
                    let v = String(opt.dropFirst(3))
                    guard let p = Int(v), p >= 0, p <= 1 << 16 else { throw bad("padding must be a whole number from 0 to \(1 << 16), got '\(v)'") }
                    pad = p
                } else if opt.hasPrefix("s"), allowed.contains("s") {
                    guard stride == nil else { throw bad("stride given twice") }
                    stride = try positive(String(opt.dropFirst()), "stride")
                } else if opt.hasPrefix("d"), allowed.contains("d") {
                    guard dilation == nil else { throw bad("dilation given twice") }
                    dilation = try positive(String(opt.dropFirst()), "dilation")
                } else if opt.hasPrefix("g"), allowed.contains("g") {
                    guard groups == nil else { throw bad("groups given twice") }
                    groups = try positive(String(opt.dropFirst()), "the group count")
                } else {
                    throw bad("unknown option '\(opt)' (expected \(expected))")
                }
            }
            return (stride, pad, dilation, groups)
        }

        switch name {
        case "dense", "linear":
            guard args.count == 1 else { throw bad("dense takes one parameter, the output size: dense:OUT") }
            return LayerSpec(.dense(outFeatures: try positive(args[0], "the output size")))
        case "conv2d", "conv":
            guard args.count >= 2, args.count <= 6 else {
                throw bad("conv2d takes output channels and kernel size, then optional sS, padP, dD and gG: conv2d:OUT:K[:sS][:padP][:dD][:gG]")
            }
            let out = try positive(args[0], "the output channel count")
            let k = try positive(args[1], "the kernel size")
            let o = try options(args[2...], allowed: ["s", "p", "d", "g"])
            return LayerSpec(.conv2d(Conv2dOptions(outChannels: out, kernel: k, stride: o.stride ?? 1, padding: o.pad ?? 0,
                                                   dilation: o.dilation ?? 1, groups: o.groups ?? 1)))
        case "maxpool2d", "maxpool", "avgpool2d", "avgpool":
            guard args.count >= 1, args.count <= 3 else { throw bad("\(name) takes a kernel size, then optional sS and padP: \(name):K[:sS][:padP]") }
            let k = try positive(args[0], "the kernel size")
            let o = try options(args[1...], allowed: ["s", "p"])
            let pool = Pool2dOptions(kernel: k, stride: o.stride ?? k, padding: o.pad ?? 0)
            return LayerSpec(name.hasPrefix("max") ? .maxpool2d(pool) : .avgpool2d(pool))
        case "global_avgpool", "globalavgpool", "gap":
            try noArgs(); return LayerSpec(.globalAvgPool)
        case "adaptive_avgpool2d", "adaptive_avgpool":
            guard args.count == 1 else { throw bad("adaptive_avgpool2d takes one parameter, the output size: adaptive_avgpool2d:S") }
            return LayerSpec(.adaptiveAvgPool2d(Size2d(try positive(args[0], "the output size"))))
        case "flatten": try noArgs(); return LayerSpec(.flatten)
        case "relu": try noArgs(); return LayerSpec(.relu)
        case "relu6": try noArgs(); return LayerSpec(.relu6)
        case "hardsigmoid": try noArgs(); return LayerSpec(.hardsigmoid)
        case "hardswish": try noArgs(); return LayerSpec(.hardswish)
        case "silu", "swish": try noArgs(); return LayerSpec(.silu)
        case "identity": try noArgs(); return LayerSpec(.identity)
        case "gelu": try noArgs(); return LayerSpec(.gelu)
        case "tanh": try noArgs(); return LayerSpec(.tanh)
        case "sigmoid": try noArgs(); return LayerSpec(.sigmoid)
        case "softmax": try noArgs(); return LayerSpec(.softmax)
        case "dropout":
            guard args.count <= 1 else { throw bad("dropout takes one optional parameter, the drop probability: dropout[:P]") }
            guard let a = args.first else { return LayerSpec(.dropout(p: 0.5)) }
            guard let p = Double(a), p >= 0, p < 1 else { throw bad("the drop probability must be a number from 0 up to (not including) 1, got '\(a)'") }
            return LayerSpec(.dropout(p: p))
        case "batchnorm", "bn":
            try noArgs(); return LayerSpec(.batchnorm(eps: 1e-5, momentum: 0.1))
        case "layernorm", "ln":
            try noArgs(); return LayerSpec(.layernorm(eps: 1e-5))
        default:
            throw bad("unknown layer '\(parts[0])'")
        }
    }

    /// The item in the spec language; `parse(description)` gives the same op back.
    public var description: String {
        switch op {
        case .dense(let out): return "dense:\(out)"
        case .conv2d(let o):
            // Rectangular kernels and asymmetric padding have no spec form; they print as people read them.
            return "conv2d:\(o.outChannels):\(o.kernel)" + (o.stride == Size2d(1) ? "" : ":s\(o.stride)")
                + (o.padding == .zero ? "" : ":pad\(o.padding)") + (o.dilation == Size2d(1) ? "" : ":d\(o.dilation)")
                + (o.groups == 1 ? "" : ":g\(o.groups)")
        case .maxpool2d(let o), .avgpool2d(let o):
            return "\(op.name):\(o.kernel)" + (o.stride == o.kernel ? "" : ":s\(o.stride)") + (o.padding == .zero ? "" : ":pad\(o.padding)")
                + (o.ceilMode ? ":ceil" : "")
        case .adaptiveAvgPool2d(let s): return "adaptive_avgpool2d:\(s)"
        case .concat(let dim): return "concat:\(dim)"
        case .block(let b): return b.summary()
        case .dropout(let p): return "dropout:\(p)"
        default: return op.name
        }
    }

    /// A list of items back in the spec language (`dense:128,relu`).
    public static func text(_ specs: [LayerSpec]) -> String {
        specs.map(\.description).joined(separator: ",")
    }
}
