import ZooModel

extension Network {
    /// The runnable block for a block layer: each node built as a layer of its own, named
    /// `LAYER.NODE` in messages, with the block layer's tensors of role `NODE.ROLE` as its roles.
    static func makeBlock(_ layer: Layer, block: Block, index: Int, inputShape: [Int], tensors: [String: [Float]],
                          seed: UInt64) throws(TrainError) -> BlockLayer {
        let shapes: [String: [Int]]
        do {
            try block.validate(owner: "layer '\(layer.name)'")
            shapes = try block.nodeShapes(for: inputShape)
        } catch {
            throw TrainError(error.kind == .shapeMismatch ? .invalidShape : .unsupportedLayer, error.message)
        }
        var position: [String: Int] = [Block.inputName: 0]
        var steps: [BlockLayer.Step] = []
        var reads: [[Int]] = []
        for (j, node) in block.nodes.enumerated() {
            var r: [Int] = []
            for name in node.inputs {
                guard let v = position[name] else {
                    throw TrainError(.unsupportedLayer, "layer '\(layer.name)': node '\(node.name)' reads '\(name)', which is not an earlier node")
                }
                r.append(v)
            }
            reads.append(r)
            position[node.name] = j + 1
            switch node.op {
            case .add: steps.append(.merge(AddLayer()))
            case .mul: steps.append(.merge(MulLayer()))
            case .concat(let dim): steps.append(.merge(ConcatLayer(dim: dim)))
            default:
                let prefix = node.name + "."
                var roles: [String: String] = [:]
                for (role, name) in layer.tensors where role.hasPrefix(prefix) { roles[String(role.dropFirst(prefix.count))] = name }
                let nodeLayer = Layer(name: "\(layer.name).\(node.name)", op: node.op, tensors: roles)
                guard let first = node.inputs.first, let inShape = shapes[first] else {
                    throw TrainError(.unsupportedLayer, "layer '\(layer.name)': node '\(node.name)' has no input")
                }
                steps.append(.single(try makeLayer(nodeLayer, index: index, inputShape: inShape, tensors: tensors,
                                                   seed: seed ^ (UInt64(j + 1) &* 0xD6E8_FEB8_6659_FD93))))
            }
        }
        guard let output = position[block.output] else {
            throw TrainError(.unsupportedLayer, "layer '\(layer.name)': the block's output '\(block.output)' is not one of its nodes")
        }
        return BlockLayer(name: layer.name, nodeNames: block.nodes.map(\.name), steps: steps, reads: reads, output: output)
    }

    /// Every dropout layer, inside blocks too.
    var dropoutLayers: [DropoutLayer] {
        layers.flatMap { layer -> [DropoutLayer] in
            if let block = layer as? BlockLayer { return block.nodeLayers.compactMap { $0 as? DropoutLayer } }
            return (layer as? DropoutLayer).map { [$0] } ?? []
        }
    }

    /// Restarts every dropout layer's mask sequence from `seed` (the trainer does this per run).
    public func reseedDropout(_ seed: UInt64) {
        for layer in dropoutLayers { layer.reseed(seed) }
    }
}
