extension Block {
    /// Checks what decoding cannot: node names unique and not `input`, inputs naming `input` or an
    /// earlier node, one input for single-input ops, no nested blocks, an output that is a node, and
    /// every node leading to the output. `owner` names the layer in messages.
    public func validate(owner: String) throws(ModelError) {
        func bad(_ why: String) -> ModelError { ModelError(.malformed, "\(owner): \(why)") }
        guard !nodes.isEmpty else { throw bad("the block has no nodes") }
        var seen: Set<String> = [Block.inputName]
        for (j, node) in nodes.enumerated() {
            guard !node.name.isEmpty else { throw bad("nodes[\(j)] has an empty name") }
            guard node.name != Block.inputName else { throw bad("nodes[\(j)] is named '\(Block.inputName)', which names the block's input") }
            guard !seen.contains(node.name) else { throw bad("nodes[\(j)]: the name '\(node.name)' is used by an earlier node") }
            switch node.op {
            case .block, .inferredBlock:
                throw bad("node '\(node.name)' is a \(node.op.name); blocks do not nest, so list its nodes in this block")
            default: break
            }
            if node.op.isMultiInput {
                guard node.inputs.count >= 2 else { throw bad("node '\(node.name)' (\(node.op.name)) needs two or more inputs") }
            } else if node.inputs.count != 1 {
                throw bad("node '\(node.name)' (\(node.op.name)) takes exactly one input, not \(node.inputs.count)")
            }
            for input in node.inputs where !seen.contains(input) {
                throw bad("node '\(node.name)' reads '\(input)', which is neither '\(Block.inputName)' nor an earlier node (nodes are listed so that each comes after what it reads)")
            }
            seen.insert(node.name)
        }
        guard nodes.contains(where: { $0.name == output }) else {
            throw bad("the output '\(output)' is not one of the block's nodes")
        }
        // Walk back from the output: a node nothing depends on would be computed for nothing.
        var needed: Set<String> = [output]
        for node in nodes.reversed() where needed.contains(node.name) { needed.formUnion(node.inputs) }
        if let unused = nodes.first(where: { !needed.contains($0.name) }) {
            throw bad("node '\(unused.name)' does not lead to the block's output '\(output)'; remove it")
        }
    }
}
