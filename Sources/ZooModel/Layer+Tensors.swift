extension Layer {
    /// This layer's tensor names, standard roles first, then the rest in natural order.
    public var orderedTensorNames: [String] {
        let standard = ModelBuilder.roleOrder.compactMap { tensors[$0] }
        let rest = tensors.keys.filter { !ModelBuilder.roleOrder.contains($0) }.sorted(by: naturalLess).compactMap { tensors[$0] }
        return standard + rest
    }
}
