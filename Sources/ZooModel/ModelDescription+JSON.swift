import Foundation

extension ModelDescription {
    /// The newest description schema this library writes and reads.
    public static let currentSchema = 2

    /// Parses a description from JSON (formats/model-description.md) and checks it: known schema,
    /// unique non-empty layer names, `frozen_layers` within the layer count. Errors are `.malformed`
    /// with the path of the bad field.
    public init(json data: Data) throws(ModelError) {
        let decoded: ModelDescription
        do {
            decoded = try JSONDecoder().decode(ModelDescription.self, from: data)
        } catch let error as DecodingError {
            throw ModelError(.malformed, "the model description is not valid: \(Self.explain(error))")
        } catch {
            throw ModelError(.malformed, "the model description is not valid JSON: \(error)")
        }
        try decoded.validate()
        self = decoded
    }

    /// Parses a description from JSON text.
    public init(json text: String) throws(ModelError) {
        try self.init(json: Data(text.utf8))
    }

    /// The description as JSON with sorted keys, so equal descriptions give equal bytes (and digests).
    public func jsonData(pretty: Bool = false) throws(ModelError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(self)
        } catch {
            throw ModelError(.malformed, "the model description cannot be written as JSON: \(error)")
        }
    }

    /// Checks what JSON decoding cannot: layer names, block structure, the freeze count.
    public func validate() throws(ModelError) {
        var seen: Set<String> = []
        for (i, l) in layers.enumerated() {
            guard !l.name.isEmpty else { throw ModelError(.malformed, "layers[\(i)] has an empty name; every layer needs a unique name") }
            guard seen.insert(l.name).inserted else {
                throw ModelError(.malformed, "layers[\(i)]: the name '\(l.name)' is used by an earlier layer; layer names must be unique")
            }
        }
        for (i, l) in layers.enumerated() {
            if case .block(let block) = l.op { try block.validate(owner: "layers[\(i)] '\(l.name)'") }
            if l.op.isMultiInput {
                throw ModelError(.malformed, "layers[\(i)] '\(l.name)' is \(l.op.name), which reads two or more values; use it as a node inside a block")
            }
        }
        guard frozenLayers >= 0, frozenLayers <= layers.count else {
            throw ModelError(.malformed, "frozen_layers is \(frozenLayers) but must be from 0 to the layer count \(layers.count)")
        }
        if let input, input.isEmpty || input.contains(where: { $0 <= 0 }) {
            throw ModelError(.malformed, "input \(shapeText(input)) is not a valid shape: every dimension must be positive")
        }
    }

    /// A decoding error as a sentence with the JSON path of the problem (`layers[2].out_features`).
    static func explain(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            var s = ""
            for k in keys {
                if let i = k.intValue { s += "[\(i)]" } else { s += (s.isEmpty ? "" : ".") + k.stringValue }
            }
            return s.isEmpty ? "the top level" : s
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            return "\(path(ctx.codingPath + [key])) is missing"
        case .typeMismatch(let type, let ctx):
            return "\(path(ctx.codingPath)) should be \(type)"
        case .valueNotFound(let type, let ctx):
            return "\(path(ctx.codingPath)) should be \(type), not null"
        case .dataCorrupted(let ctx):
            return "\(path(ctx.codingPath)): \(ctx.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
