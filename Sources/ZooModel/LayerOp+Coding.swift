// JSON form of an op (formats/model-description.md): the op's name under "op" and its parameters as
// sibling keys of the layer or block-node object that holds it. Parameters at their default value
// are left out, so a description schema 1 can express is written exactly as schema 1 wrote it.

/// A JSON object key by name.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

extension LayerOp {
    /// Reads the op called `opName` from the sibling keys in `c`; `owner` names the layer or node in errors.
    static func decode(named opName: String, from c: KeyedDecodingContainer<JSONKey>, owner: String) throws -> LayerOp {
        func key(_ k: String) -> JSONKey { JSONKey(k) }
        func corrupt(_ k: String, _ why: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key(k), in: c, debugDescription: "\(why) in \(owner)")
        }
        func int(_ k: String) throws -> Int { try c.decode(Int.self, forKey: key(k)) }
        func intOr(_ k: String, _ fallback: Int) throws -> Int { try c.decodeIfPresent(Int.self, forKey: key(k)) ?? fallback }
        func double(_ k: String, _ fallback: Double) throws -> Double { try c.decodeIfPresent(Double.self, forKey: key(k)) ?? fallback }
        func bool(_ k: String, _ fallback: Bool) throws -> Bool { try c.decodeIfPresent(Bool.self, forKey: key(k)) ?? fallback }
        /// One number for both dimensions or `[height, width]`.
        func size(_ k: String, _ fallback: Size2d?) throws -> Size2d {
            guard c.contains(key(k)) else {
                guard let fallback else { throw DecodingError.keyNotFound(key(k), .init(codingPath: c.codingPath, debugDescription: "\(k) is required in \(owner)")) }
                return fallback
            }
            if let v = try? c.decode(Int.self, forKey: key(k)) { return Size2d(v) }
            let v = try c.decode([Int].self, forKey: key(k))
            guard v.count == 2 else { throw corrupt(k, "\(k) must be a number or [height, width], not \(v.count) numbers") }
            return Size2d(height: v[0], width: v[1])
        }
        /// One number, `[h, w]`, or `[top, left, bottom, right]`.
        func padding(_ k: String) throws -> Padding2d {
            guard c.contains(key(k)) else { return .zero }
            if let v = try? c.decode(Int.self, forKey: key(k)) { return Padding2d(v) }
            let v = try c.decode([Int].self, forKey: key(k))
            switch v.count {
            case 2: return Padding2d(height: v[0], width: v[1])
            case 4: return Padding2d(top: v[0], left: v[1], bottom: v[2], right: v[3])
            default: throw corrupt(k, "\(k) must be a number, [h, w] or [top, left, bottom, right], not \(v.count) numbers")
            }
        }
        func pool() throws -> Pool2dOptions {
            let kernel = try size("kernel", nil)
            return Pool2dOptions(kernel: kernel, stride: try size("stride", kernel), padding: try padding("padding"),
                                 ceilMode: try bool("ceil_mode", false), countIncludePad: try bool("count_include_pad", true))
        }
        switch opName {
        case "dense": return .dense(outFeatures: try int("out_features"))
        case "conv2d":
            return .conv2d(Conv2dOptions(outChannels: try int("out_channels"), kernel: try size("kernel", nil),
                                         stride: try size("stride", Size2d(1)), padding: try padding("padding"),
                                         dilation: try size("dilation", Size2d(1)), groups: try intOr("groups", 1)))
        case "maxpool2d": return .maxpool2d(try pool())
        case "avgpool2d": return .avgpool2d(try pool())
        case "global_avgpool": return .globalAvgPool
        case "adaptive_avgpool2d": return .adaptiveAvgPool2d(try size("output_size", nil))
        case "flatten": return .flatten
        case "relu": return .relu
        case "relu6": return .relu6
        case "gelu": return .gelu
        case "tanh": return .tanh
        case "sigmoid": return .sigmoid
        case "hardsigmoid": return .hardsigmoid
        case "hardswish": return .hardswish
        case "silu": return .silu
        case "softmax": return .softmax
        case "identity": return .identity
        case "dropout": return .dropout(p: try double("p", 0.5))
        case "batchnorm": return .batchnorm(eps: try double("eps", 1e-5), momentum: try double("momentum", 0.1))
        case "layernorm": return .layernorm(eps: try double("eps", 1e-5))
        case "add": return .add
        case "mul": return .mul
        case "concat": return .concat(dim: try intOr("dim", 1))
        case "block": return .block(try Block.decode(from: c, owner: owner))
        case "inferred": return .inferredBlock
        default:
            throw DecodingError.dataCorruptedError(
                forKey: key("op"), in: c,
                debugDescription: "unknown op '\(opName)' in \(owner); known ops: \(LayerOp.knownNames.joined(separator: ", "))")
        }
    }

    /// Writes the op's name and its non-default parameters into `c`.
    func encode(into c: inout KeyedEncodingContainer<JSONKey>) throws {
        func key(_ k: String) -> JSONKey { JSONKey(k) }
        func size(_ s: Size2d, _ k: String) throws {
            if s.isSquare { try c.encode(s.height, forKey: key(k)) } else { try c.encode([s.height, s.width], forKey: key(k)) }
        }
        func padding(_ p: Padding2d, _ k: String) throws {
            let v = p.jsonValues
            if v.count == 1 { try c.encode(v[0], forKey: key(k)) } else { try c.encode(v, forKey: key(k)) }
        }
        func pool(_ o: Pool2dOptions) throws {
            try size(o.kernel, "kernel")
            try size(o.stride, "stride")
            if o.padding != .zero { try padding(o.padding, "padding") }
            if o.ceilMode { try c.encode(true, forKey: key("ceil_mode")) }
            if !o.countIncludePad { try c.encode(false, forKey: key("count_include_pad")) }
        }
        try c.encode(name, forKey: key("op"))
        switch self {
        case .dense(let out): try c.encode(out, forKey: key("out_features"))
        case .conv2d(let o):
            try c.encode(o.outChannels, forKey: key("out_channels"))
            try size(o.kernel, "kernel")
            try size(o.stride, "stride")
            // Schema 1 always wrote the padding, so a conv without padding still says 0.
            try padding(o.padding, "padding")
            if o.dilation != Size2d(1) { try size(o.dilation, "dilation") }
            if o.groups != 1 { try c.encode(o.groups, forKey: key("groups")) }
        case .maxpool2d(let o), .avgpool2d(let o): try pool(o)
        case .adaptiveAvgPool2d(let s): try size(s, "output_size")
        case .dropout(let p): try c.encode(p, forKey: key("p"))
        case .batchnorm(let eps, let m):
            try c.encode(eps, forKey: key("eps"))
            try c.encode(m, forKey: key("momentum"))
        case .layernorm(let eps): try c.encode(eps, forKey: key("eps"))
        case .concat(let dim): try c.encode(dim, forKey: key("dim"))
        case .block(let b): try b.encode(into: &c)
        case .globalAvgPool, .flatten, .relu, .relu6, .gelu, .tanh, .sigmoid, .hardsigmoid, .hardswish, .silu,
             .softmax, .identity, .add, .mul, .inferredBlock:
            break
        }
    }
}

extension Block {
    /// Reads `nodes` and `output` of a block layer. A node's `inputs` default to the node before it
    /// (the block's input for the first); `output` defaults to the last node.
    static func decode(from c: KeyedDecodingContainer<JSONKey>, owner: String) throws -> Block {
        var list = try c.nestedUnkeyedContainer(forKey: JSONKey("nodes"))
        var nodes: [BlockNode] = []
        while !list.isAtEnd {
            let n = try list.nestedContainer(keyedBy: JSONKey.self)
            let name = try n.decode(String.self, forKey: JSONKey("name"))
            let where_ = "node '\(name)' of \(owner)"
            if n.contains(JSONKey("tensors")) {
                throw DecodingError.dataCorruptedError(forKey: JSONKey("tensors"), in: n,
                    debugDescription: "\(where_) has its own tensors; a block's tensors belong to the block layer, with roles NODE.ROLE (\(name).weight)")
            }
            let opName = try n.decode(String.self, forKey: JSONKey("op"))
            // Refused here, not only in validation, so a file cannot make decoding recurse.
            if opName == "block" {
                throw DecodingError.dataCorruptedError(forKey: JSONKey("op"), in: n,
                    debugDescription: "\(where_) is a block; blocks do not nest, so list its nodes in this block")
            }
            let op = try LayerOp.decode(named: opName, from: n, owner: where_)
            let inputs = try n.decodeIfPresent([String].self, forKey: JSONKey("inputs")) ?? [nodes.last?.name ?? Block.inputName]
            nodes.append(BlockNode(name: name, op: op, inputs: inputs))
        }
        return Block(nodes: nodes, output: try c.decodeIfPresent(String.self, forKey: JSONKey("output")))
    }

    /// Writes `nodes` (each with its inputs) and `output`.
    func encode(into c: inout KeyedEncodingContainer<JSONKey>) throws {
        var list = c.nestedUnkeyedContainer(forKey: JSONKey("nodes"))
        for node in nodes {
            var n = list.nestedContainer(keyedBy: JSONKey.self)
            try n.encode(node.name, forKey: JSONKey("name"))
            try node.op.encode(into: &n)
            try n.encode(node.inputs, forKey: JSONKey("inputs"))
        }
        try c.encode(output, forKey: JSONKey("output"))
    }
}
