import ZooFormat

/// What `ModelSurgery.slice` produced: the new description and what it kept and dropped.
public struct SliceResult: Sendable, Equatable {
    /// The backbone: the first layers, lineage `slice`, depth-dependent metadata updated.
    public var description: ModelDescription
    /// Names of the kept layers, in order.
    public var keptLayers: [String]
    /// Names of the dropped layers, in order.
    public var droppedLayers: [String]
    /// Tensors the kept layers use, in layer order; carry their encoded bytes unchanged.
    public var keptTensors: [String]
    /// Tensors only the dropped layers use.
    public var droppedTensors: [String]
    /// Depth-dependent metadata that was changed (for example `hf_config.num_hidden_layers` 6 -> 3).
    public var metadataUpdates: [MetadataUpdate]
    /// Depth-dependent metadata that could not be updated, one sentence each; show these to the user.
    public var warnings: [String]

    public init(description: ModelDescription, keptLayers: [String], droppedLayers: [String],
                keptTensors: [String], droppedTensors: [String], metadataUpdates: [MetadataUpdate], warnings: [String]) {
        self.description = description
        self.keptLayers = keptLayers
        self.droppedLayers = droppedLayers
        self.keptTensors = keptTensors
        self.droppedTensors = droppedTensors
        self.metadataUpdates = metadataUpdates
        self.warnings = warnings
    }
}
