/// What `ModelSurgery.graft` produced: the new description, the head's new tensors, and a report.
public struct GraftResult: Sendable, Equatable {
    /// Backbone layers followed by the head; lineage `graft`; freeze spec applied.
    public var description: ModelDescription
    /// The head's tensors with their first values; every other tensor is the backbone's, unchanged.
    public var newTensors: [InitializedTensor]
    /// Backbone layers carried over, in order.
    public var keptLayers: [String]
    /// The head's layers, in order.
    public var newLayers: [String]
    /// Backbone tensors the new model uses (carry their encoded bytes unchanged).
    public var keptTensors: [String]
    /// The head's input shape and where it came from (`layer 'fc1' output`, `--in-features`, or the tensor it was read from).
    public var headInput: [Int]
    /// Where `headInput` came from, for the report.
    public var headInputSource: String
    /// Metadata that changed (labels), for the report.
    public var metadataUpdates: [MetadataUpdate]

    public init(description: ModelDescription, newTensors: [InitializedTensor], keptLayers: [String], newLayers: [String],
                keptTensors: [String], headInput: [Int], headInputSource: String, metadataUpdates: [MetadataUpdate]) {
        self.description = description
        self.newTensors = newTensors
        self.keptLayers = keptLayers
        self.newLayers = newLayers
        self.keptTensors = keptTensors
        self.headInput = headInput
        self.headInputSource = headInputSource
        self.metadataUpdates = metadataUpdates
    }

    /// A load report in the manner of transformers': layers kept, layers new, tensors newly initialised.
    public var reportLines: [String] {
        var lines: [String] = []
        lines.append("layers kept (\(keptLayers.count)): \(abbreviated(keptLayers))")
        lines.append("layers new (\(newLayers.count)): \(newLayers.joined(separator: ", "))")
        lines.append("head input: \(shapeText(headInput)) from \(headInputSource)")
        lines.append("tensors newly initialised (\(newTensors.count)):")
        for t in newTensors { lines.append("  \(t.name) \(shapeText(t.shape)): \(t.summary)") }
        let frozen = description.frozenLayers
        lines.append("frozen: the first \(frozen) of \(description.layers.count) layers")
        for u in metadataUpdates { lines.append("metadata: \(u)") }
        return lines
    }

    private func abbreviated(_ names: [String]) -> String {
        names.count <= 6 ? names.joined(separator: ", ")
            : names.prefix(3).joined(separator: ", ") + ", ..., " + names.suffix(2).joined(separator: ", ")
    }
}
