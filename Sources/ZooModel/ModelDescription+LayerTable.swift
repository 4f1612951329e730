extension ModelDescription {
    /// The layer table for `zoo inspect`. `shapes` (tensor name -> shape) gives the parameter
    /// counts; layer shapes are computed from `input` when the model is runnable, else taken as recorded.
    public func layerSummaries(shapes: [String: [Int]] = [:]) -> [LayerSummary] {
        let shaped = (try? withInferredShapes().layers) ?? layers
        return shaped.enumerated().map { i, layer in
            let names = layer.orderedTensorNames
            var total: Int?
            for n in names {
                guard let shape = shapes[n], let count = try? elementCount(shape, { ModelError(.shapeMismatch, $0) }) else { continue }
                let (sum, overflow) = (total ?? 0).addingReportingOverflow(count)
                total = overflow ? total : sum
            }
            let op = layer.op == .inferredBlock ? "inferred block" : LayerSpec(layer.op).description
            return LayerSummary(index: i, name: layer.name, op: op, tensors: names, parameters: total,
                                trainable: i >= frozenLayers, inputShape: layer.inputShape, outputShape: layer.outputShape)
        }
    }
}
