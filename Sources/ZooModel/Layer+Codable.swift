import ZooFormat

// JSON form (formats/model-description.md): the op's name under "op" and its parameters as
// sibling keys, so a layer reads as one flat object: {"name":"fc1","op":"dense","out_features":10,...}.
extension Layer: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: JSONKey.self)
        name = try c.decode(String.self, forKey: JSONKey("name"))
        tensors = try c.decodeIfPresent([String: String].self, forKey: JSONKey("tensors")) ?? [:]
        inputShape = try c.decodeIfPresent([Int].self, forKey: JSONKey("input_shape"))
        outputShape = try c.decodeIfPresent([Int].self, forKey: JSONKey("output_shape"))
        op = try LayerOp.decode(named: try c.decode(String.self, forKey: JSONKey("op")), from: c, owner: "layer '\(name)'")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: JSONKey.self)
        try c.encode(name, forKey: JSONKey("name"))
        try op.encode(into: &c)
        if !tensors.isEmpty { try c.encode(tensors, forKey: JSONKey("tensors")) }
        try c.encodeIfPresent(inputShape, forKey: JSONKey("input_shape"))
        try c.encodeIfPresent(outputShape, forKey: JSONKey("output_shape"))
    }
}

extension ModelDescription: Codable {
    private enum CodingKeys: String, CodingKey {
        case schema, input, layers, metadata, lineage, frozenLayers = "frozen_layers"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let declared = try c.decodeIfPresent(Int.self, forKey: .schema) ?? 1
        guard declared >= 1, declared <= Self.currentSchema else {
            throw DecodingError.dataCorruptedError(
                forKey: .schema, in: c,
                debugDescription: "the description has schema \(declared), but this zoo reads schema 1 to \(Self.currentSchema); upgrade zoo")
        }
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
