/// One tensor in a safetensors header.
public struct SafetensorsEntry: Sendable, Equatable {
    /// The tensor's name, the header key (any UTF-8 but `__metadata__`).
    public var name: String
    /// The element type.
    public var dtype: DType
    /// Dimensions, outermost first; `[]` for a scalar.
    public var shape: [Int]
    /// Byte range of the tensor's data, relative to the start of the data section.
    public var dataOffsets: Range<Int>
    /// An entry as it appears in a header.
    public init(name: String, dtype: DType, shape: [Int], dataOffsets: Range<Int>) {
        self.name = name; self.dtype = dtype; self.shape = shape; self.dataOffsets = dataOffsets
    }

    /// Number of elements (1 for a scalar, 0 when any dimension is 0); validated headers never overflow.
    public var elementCount: Int { shape.reduce(1, *) }
}
