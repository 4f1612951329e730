/// One tensor in a safetensors header.
public struct SafetensorsEntry: Sendable, Equatable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    /// Byte range of the tensor's data, relative to the start of the data section.
    public var dataOffsets: Range<Int>
    public init(name: String, dtype: DType, shape: [Int], dataOffsets: Range<Int>) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.dataOffsets = dataOffsets
    }

    /// Number of elements (1 for a scalar, 0 when any dimension is 0); validated headers never overflow.
    public var elementCount: Int { shape.reduce(1, *) }
}
