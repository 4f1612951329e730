import ZooFormat

/// What layer inference and surgery need to know about a stored tensor: its name, dtype and shape.
public struct TensorInfo: Sendable, Equatable, Hashable {
    /// Checkpoint name.
    public var name: String
    /// Element type.
    public var dtype: DType
    /// Shape, empty for a scalar.
    public var shape: [Int]

    public init(name: String, dtype: DType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// The name, dtype and shape of a checkpoint's tensor record.
    public init(_ record: TensorRecord) {
        self.init(name: record.name, dtype: record.dtype, shape: record.shape)
    }
}
