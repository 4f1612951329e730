/// One architecture a checkpoint might be: its name (`torchvision.resnet50`) and the runnable
/// description it would get, whose layers say exactly which tensors, of which shapes, it needs.
struct ArchitectureCandidate: Sendable {
    var architecture: String
    var description: ModelDescription

    /// Every tensor the description names, with the shape its layer needs, in forward order
    /// (a block's tensors in node order).
    var expectedTensors: [(name: String, shape: [Int])] {
        let roleOrder = ["weight", "bias", "running_mean", "running_var"]
        var result: [(name: String, shape: [Int])] = []
        for layer in description.layers {
            guard let input = layer.inputShape, let shapes = try? layer.op.parameterShapes(for: input) else { continue }
            let roles: [String]
            if case .block(let block) = layer.op {
                roles = block.nodes.flatMap { node in roleOrder.map(node.tensorRole) }
            } else {
                roles = roleOrder
            }
            for role in roles {
                if let name = layer.tensors[role], let shape = shapes[role] { result.append((name, shape)) }
            }
        }
        return result
    }

    /// How the checkpoint differs from this candidate, first difference first: tensors it lacks or
    /// holds with another shape (in layer order), then tensors it has that the candidate does not
    /// know. A batch norm's `num_batches_tracked` counter (PyTorch's, a scalar) is allowed but not
    /// needed: the description does not use it.
    func differences(from checkpoint: CheckpointTensors) -> [String] {
        var result: [String] = []
        var known: Set<String> = []
        for (name, shape) in expectedTensors {
            known.insert(name)
            guard let have = checkpoint.shapes[name] else {
                result.append("\(name) \(shapeText(shape)) is missing")
                continue
            }
            if have != shape { result.append("\(name) is \(shapeText(have)) but \(architecture) has \(shapeText(shape))") }
        }
        for t in checkpoint.tensors where !known.contains(t.name) {
            let counter = ".num_batches_tracked"
            if t.name.hasSuffix(counter), t.shape.isEmpty || t.shape == [1],
               known.contains(String(t.name.dropLast(counter.count)) + ".running_mean") {
                continue
            }
            result.append("\(t.name) \(shapeText(t.shape)) is not part of \(architecture)")
        }
        return result
    }
}
