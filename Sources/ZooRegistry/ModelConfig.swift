import ZooFormat
import ZooModel

/// A version's config blob (formats/store.md, "Config blob"): the tensor records in layer order
/// (as in a `.zckpt` index, without offsets), the safetensors-style string metadata, and the model
/// description. `inspect` reads only this and the manifest, never a tensor blob.
public struct ModelConfig: Codable, Sendable, Equatable {
    /// Tensor records, one per manifest layer, in the same order.
    public var tensors: [TensorRecord]
    /// safetensors' `__metadata__`, carried byte-exact; nil when the source had none.
    public var metadata: [String: String]?
    /// Layers, model metadata and lineage.
    public var model: ModelDescription

    /// A config from its parts.
    public init(tensors: [TensorRecord], metadata: [String: String]?, model: ModelDescription) {
        self.tensors = tensors
        self.metadata = metadata
        self.model = model
    }

    /// The tensors as a `.zckpt` index lists them (for its totals, and for export).
    public var checkpointIndex: CheckpointIndex { CheckpointIndex(tensors: tensors, metadata: metadata ?? [:]) }
    /// Parameter count: the sum of element counts.
    public var parameterCount: Int { checkpointIndex.parameterCount }
    /// Sum of the tensors' raw bytes.
    public var rawBytes: UInt64 { checkpointIndex.rawBytes }
    /// Sum of the tensors' stored bytes.
    public var storedBytes: UInt64 { checkpointIndex.storedBytes }
}
