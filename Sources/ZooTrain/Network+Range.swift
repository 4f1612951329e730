extension Network {
    /// Runs layers `start..<end` (to the last layer by default) on a batch of layer `start`'s
    /// inputs, `[N] + shapes[start]`, exactly as `forward(_:training:upTo:)` runs them: a layer
    /// trains when `training` is set and it is not frozen. With `start` 0 it is that forward; the
    /// trainer uses a later `start` to go on from a frozen prefix's cached outputs.
    public func forward(_ input: Tensor, training: Bool, from start: Int, upTo end: Int? = nil) -> Tensor {
        var x = input
        for i in start..<(end ?? layers.count) {
            x = layers[i].forward(x, training: training && i >= frozenLayers)
        }
        return x
    }
}
