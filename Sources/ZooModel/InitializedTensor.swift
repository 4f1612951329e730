/// A new Float32 tensor with its values (row-major, PyTorch layout), ready to be encoded.
public struct InitializedTensor: Sendable, Equatable {
    /// Checkpoint name.
    public var name: String
    /// Shape in PyTorch layout.
    public var shape: [Int]
    /// Row-major values.
    public var values: [Float]
    /// How the values were drawn, for reports (`normal std 0.125 (he)`, `zeros`).
    public var summary: String

    public init(name: String, shape: [Int], values: [Float], summary: String) {
        self.name = name
        self.shape = shape
        self.values = values
        self.summary = summary
    }

    /// The values as little-endian bytes, as safetensors and `.zckpt` store F32.
    public var littleEndianBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for v in values {
            let b = v.bitPattern.littleEndian
            bytes.append(UInt8(truncatingIfNeeded: b))
            bytes.append(UInt8(truncatingIfNeeded: b >> 8))
            bytes.append(UInt8(truncatingIfNeeded: b >> 16))
            bytes.append(UInt8(truncatingIfNeeded: b >> 24))
        }
        return bytes
    }
}
