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

    public init(tensors: [TensorRecord], metadata: [String: String]?, model: ModelDescription) {
        self.tensors = tensors
        self.metadata = metadata
        self.model = model
    }

    /// Parameter count: the sum of element counts.
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.elementCount } }
    /// Sum of the tensors' raw bytes.
    public var rawBytes: UInt64 { tensors.reduce(0) { $0 + $1.rawBytes } }
    /// Sum of the tensors' stored bytes.
    public var storedBytes: UInt64 { tensors.reduce(0) { $0 + $1.storedBytes } }
}
