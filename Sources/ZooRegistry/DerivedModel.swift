import ZooFormat
import ZooModel

/// A model made from a stored parent by slice or graft, before it is written: which of the
/// parent's tensors it keeps (their encoded streams are carried, never re-encoded), which new
/// tensors it adds, and its description (lineage included).
public struct DerivedModel: Sendable, Equatable {
    /// Names of the parent's tensors to keep. They are written in the parent's order, whatever
    /// the order here, so a slice of a file is the file with tensors left out.
    public var keptTensors: [String]
    /// New Float32 tensors (a grafted head), written after the kept ones, encoded with the codec given.
    public var newTensors: [InitializedTensor]
    /// The new version's description.
    public var model: ModelDescription
    /// safetensors-style string metadata (usually the parent's).
    public var metadata: [String: String]?

    public init(keptTensors: [String], newTensors: [InitializedTensor] = [], model: ModelDescription,
                metadata: [String: String]?) {
        self.keptTensors = keptTensors
        self.newTensors = newTensors
        self.model = model
        self.metadata = metadata
    }
}
