import ZooFormat

// JSON form (formats/model-description.md): the op's name under "op" and its parameters as
// sibling keys, so a layer reads as one flat object: {"name":"fc1","op":"dense","out_features":10,...}.
extension Layer: Codable {
    private enum CodingKeys: String, CodingKey {
        case name, op, tensors, inputShape = "input_shape", outputShape = "output_shape"
        case outFeatures = "out_features", outChannels = "out_channels", kernel, stride, padding
        case p, eps, momentum
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        tensors = try c.decodeIfPresent([String: String].self, forKey: .tensors) ?? [:]
        inputShape = try c.decodeIfPresent([Int].self, forKey: .inputShape)
        outputShape = try c.decodeIfPresent([Int].self, forKey: .outputShape)
        let opName = try c.decode(String.self, forKey: .op)
        func int(_ key: CodingKeys) throws -> Int { try c.decode(Int.self, forKey: key) }
        func intOr(_ key: CodingKeys, _ fallback: Int) throws -> Int { try c.decodeIfPresent(Int.self, forKey: key) ?? fallback }
        func double(_ key: CodingKeys, _ fallback: Double) throws -> Double { try c.decodeIfPresent(Double.self, forKey: key) ?? fallback }
        switch opName {
        case "dense": op = .dense(outFeatures: try int(.outFeatures))
        case "conv2d":
            let k = try int(.kernel)
            op = .conv2d(outChannels: try int(.outChannels), kernel: k, stride: try intOr(.stride, 1), padding: try intOr(.padding, 0))
        case "maxpool2d":
            let k = try int(.kernel)
            op = .maxpool2d(kernel: k, stride: try intOr(.stride, k))
        case "avgpool2d":
            let k = try int(.kernel)
            op = .avgpool2d(kernel: k, stride: try intOr(.stride, k))
        case "global_avgpool": op = .globalAvgPool
        case "flatten": op = .flatten
        case "relu": op = .relu
        case "gelu": op = .gelu
        case "tanh": op = .tanh
        case "sigmoid": op = .sigmoid
        case "softmax": op = .softmax
        case "dropout": op = .dropout(p: try double(.p, 0.5))
        case "batchnorm": op = .batchnorm(eps: try double(.eps, 1e-5), momentum: try double(.momentum, 0.1))
        case "layernorm": op = .layernorm(eps: try double(.eps, 1e-5))
        case "inferred": op = .inferredBlock
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .op, in: c,
                debugDescription: "unknown op '\(opName)' in layer '\(name)'; known ops: dense, conv2d, maxpool2d, avgpool2d, global_avgpool, flatten, relu, gelu, tanh, sigmoid, softmax, dropout, batchnorm, layernorm, inferred")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(op.name, forKey: .op)
        switch op {
        case .dense(let out): try c.encode(out, forKey: .outFeatures)
        case .conv2d(let out, let k, let s, let p):
            try c.encode(out, forKey: .outChannels)
            try c.encode(k, forKey: .kernel)
            try c.encode(s, forKey: .stride)
            try c.encode(p, forKey: .padding)
        case .maxpool2d(let k, let s), .avgpool2d(let k, let s):
            try c.encode(k, forKey: .kernel)
            try c.encode(s, forKey: .stride)
        case .dropout(let p): try c.encode(p, forKey: .p)
        case .batchnorm(let eps, let m):
            try c.encode(eps, forKey: .eps)
            try c.encode(m, forKey: .momentum)
        case .layernorm(let eps): try c.encode(eps, forKey: .eps)
        case .globalAvgPool, .flatten, .relu, .gelu, .tanh, .sigmoid, .softmax, .inferredBlock: break
        }
        if !tensors.isEmpty { try c.encode(tensors, forKey: .tensors) }
        try c.encodeIfPresent(inputShape, forKey: .inputShape)
        try c.encodeIfPresent(outputShape, forKey: .outputShape)
    }
}

extension ModelDescription: Codable {
    private enum CodingKeys: String, CodingKey {
        case schema, input, layers, metadata, lineage, frozenLayers = "frozen_layers"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decodeIfPresent(Int.self, forKey: .schema) ?? 1
        input = try c.decodeIfPresent([Int].self, forKey: .input)
        layers = try c.decode([Layer].self, forKey: .layers)
        metadata = try c.decodeIfPresent(ModelMetadata.self, forKey: .metadata) ?? ModelMetadata()
        lineage = try c.decodeIfPresent(LineageRecord.self, forKey: .lineage)
        frozenLayers = try c.decodeIfPresent(Int.self, forKey: .frozenLayers) ?? 0
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encodeIfPresent(input, forKey: .input)
        try c.encode(layers, forKey: .layers)
        try c.encode(metadata, forKey: .metadata)
        try c.encodeIfPresent(lineage, forKey: .lineage)
        try c.encode(frozenLayers, forKey: .frozenLayers)
    }
}
