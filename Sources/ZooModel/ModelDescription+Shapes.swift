extension ModelDescription {
    /// A copy with every layer's input and output shape computed from `input`
    /// (formats/model-description.md, "Shapes").
    ///
    /// Throws `.notRunnable` when there is no input shape or a layer is an inferred block, and
    /// `.shapeMismatch`, naming the layer and both shapes, when a layer cannot take its input.
    public func withInferredShapes() throws(ModelError) -> ModelDescription {
        guard let input else {
            throw ModelError(.notRunnable, "the description has no input shape, so layer shapes cannot be computed; add \"input\" (for example [64] or [1, 8, 8])")
        }
        var copy = self
        copy.layers = try Self.shapedLayers(self.layers, input: input)
        return copy
    }

    /// `layers` with input and output shapes set, starting from `input`.
    static func shapedLayers(_ layers: [Layer], input: [Int]) throws(ModelError) -> [Layer] {
        var shape = input
        var result: [Layer] = []
        for (i, var layer) in layers.enumerated() {
            do {
                let out = try layer.op.outputShape(for: shape)
                layer.inputShape = shape
                layer.outputShape = out
                shape = out
            } catch {
                throw ModelError(error.kind, "layer \(i) '\(layer.name)': \(error.message)")
            }
            result.append(layer)
        }
        return result
    }
}
