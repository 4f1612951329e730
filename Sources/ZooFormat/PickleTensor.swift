/// A tensor as `_rebuild_tensor_v2` describes it: a view into a storage, element offset, shape and
/// strides in elements (formats/pytorch-checkpoints.md, §4 "Tensors").
public struct PickleTensor: Sendable, Equatable {
    /// Index of its storage in the checkpoint's storage table.
    public var storage: Int
    /// Offset of element [0, 0, ...] in the storage, in elements.
    public var storageOffset: Int
    /// Dimensions, outermost first; `[]` for a scalar.
    public var shape: [Int]
    /// Step in elements along each dimension (not necessarily contiguous, may be 0 for expanded views).
    public var strides: [Int]
    /// Whether the pickle marked it `requires_grad`.
    public var requiresGrad: Bool
    /// Whether it was a `torch.nn.Parameter`.
    public var isParameter: Bool
}
