/// One item of the layer-spec language (formats/model-description.md, "Layer specs"), as used by
/// `zoo create --layers` and `zoo graft --head`: `dense:128`, `relu`, `conv2d:16:3:s2:pad1`, ...
public struct LayerSpec: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The op the item denotes, with its parameters.
    public var op: LayerOp

    public init(_ op: LayerOp) { self.op = op }

    /// The accepted forms, for error messages and `--help`.
    public static let acceptedForms = """
        dense:OUT, conv2d:OUT:K[:sS][:padP], maxpool2d:K[:sS], avgpool2d:K[:sS], global_avgpool, \
        flatten, relu, gelu, tanh, sigmoid, softmax, dropout[:P], batchnorm, layernorm
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
        /// Reads optional `sS` / `padP` options (any order, each once).
        func options(_ list: ArraySlice<String>, allowPad: Bool) throws(ModelError) -> (stride: Int?, pad: Int?) {
            var stride: Int?, pad: Int?
            for opt in list {
                if opt.hasPrefix("pad") {
                    guard allowPad else { throw bad("'\(name)' has no padding option") }
                    guard pad == nil else { throw bad("padding given twice") }
                    let v = String(opt.dropFirst(3))
                    guard let p = Int(v), p >= 0, p <= 1 << 16 else { throw bad("padding must be a whole number from 0 to \(1 << 16), got '\(v)'") }
                    pad = p
                } else if opt.hasPrefix("s") {
                    guard stride == nil else { throw bad("stride given twice") }
                    stride = try positive(String(opt.dropFirst()), "stride")
                } else {
                    throw bad("unknown option '\(opt)' (expected sS for stride\(allowPad ? " or padP for padding" : ""))")
                }
            }
            return (stride, pad)
        }

        switch name {
        case "dense", "linear":
            guard args.count == 1 else { throw bad("dense takes one parameter, the output size: dense:OUT") }
            return LayerSpec(.dense(outFeatures: try positive(args[0], "the output size")))
        case "conv2d", "conv":
            guard args.count >= 2, args.count <= 4 else {
                throw bad("conv2d takes output channels and kernel size, then optional sS and padP: conv2d:OUT:K[:sS][:padP]")
            }
            let out = try positive(args[0], "the output channel count")
            let k = try positive(args[1], "the kernel size")
            let o = try options(args[2...], allowPad: true)
            return LayerSpec(.conv2d(outChannels: out, kernel: k, stride: o.stride ?? 1, padding: o.pad ?? 0))
        case "maxpool2d", "maxpool", "avgpool2d", "avgpool":
            guard args.count == 1 || args.count == 2 else { throw bad("\(name) takes a kernel size and an optional stride: \(name):K[:sS]") }
            let k = try positive(args[0], "the kernel size")
            let o = try options(args[1...], allowPad: false)
            let s = o.stride ?? k
            return LayerSpec(name.hasPrefix("max") ? .maxpool2d(kernel: k, stride: s) : .avgpool2d(kernel: k, stride: s))
        case "global_avgpool", "globalavgpool", "gap":
            try noArgs(); return LayerSpec(.globalAvgPool)
        case "flatten": try noArgs(); return LayerSpec(.flatten)
        case "relu": try noArgs(); return LayerSpec(.relu)
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
        case .conv2d(let out, let k, let s, let p):
            return "conv2d:\(out):\(k)" + (s == 1 ? "" : ":s\(s)") + (p == 0 ? "" : ":pad\(p)")
        case .maxpool2d(let k, let s): return "maxpool2d:\(k)" + (s == k ? "" : ":s\(s)")
        case .avgpool2d(let k, let s): return "avgpool2d:\(k)" + (s == k ? "" : ":s\(s)")
        case .dropout(let p): return "dropout:\(p)"
        default: return op.name
        }
    }

    /// A list of items back in the spec language (`dense:128,relu`).
    public static func text(_ specs: [LayerSpec]) -> String {
        specs.map(\.description).joined(separator: ",")
    }
}
