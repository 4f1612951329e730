/// A tensor a new layer needs: where it belongs and its shape, before any values are drawn.
public struct PlannedTensor: Sendable, Equatable, Hashable {
    /// Checkpoint name, for example `0.weight` or `head.2.bias`.
    public var name: String
    /// The owning layer's name.
    public var layer: String
    /// `weight`, `bias`, `running_mean` or `running_var`.
    public var role: String
    /// Shape in PyTorch layout.
    public var shape: [Int]
    /// The owning layer's op and input shape, which decide the fans used by initialisation.
    public var op: LayerOp
    /// The owning layer's input shape.
    public var input: [Int]

    public init(name: String, layer: String, role: String, shape: [Int], op: LayerOp, input: [Int]) {
        self.name = name
        self.layer = layer
        self.role = role
        self.shape = shape
        self.op = op
        self.input = input
    }
}

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
