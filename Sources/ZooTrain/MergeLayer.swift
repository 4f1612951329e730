/// A block node that reads two or more values: `add`, `mul`, `concat`
/// (formats/model-description.md, "Blocks").
///
/// `BlockLayer` hands over the inputs it no longer needs, so an op may reuse one input's storage
/// for its output (copy-on-write copies it when something else still holds it).
public protocol MergeLayer: AnyObject {
    /// The output for a batch of each input; may take the storage of `inputs`' elements.
    func forward(_ inputs: inout [Tensor], training: Bool) -> Tensor
    /// dL/d(input k) for each `k` where `needed[k]`, nil elsewhere, given dL/d(output) of the last forward.
    func backward(_ gradOutput: Tensor, needed: [Bool]) -> [Tensor?]
    /// Drops what the last forward kept for backward (see `NetworkLayer.releaseSaved`).
    func releaseSaved()
}

extension MergeLayer {
    /// Ops that keep nothing large for backward have nothing to drop.
    public func releaseSaved() {}
}
