// Shapes through a block (formats/model-description.md, "Blocks"): each node's input shapes are
// the shapes of the values it names, in the order it names them.

extension Block {
    /// Every node's output shape for a block input of shape `input` (per sample), keyed by node name.
    public func nodeShapes(for input: [Int]) throws(ModelError) -> [String: [Int]] {
        var shapes: [String: [Int]] = [Block.inputName: input]
        for node in nodes {
            var ins: [[Int]] = []
            for name in node.inputs {
                guard let s = shapes[name] else {
                    throw ModelError(.malformed, "node '\(node.name)' reads '\(name)', which is neither '\(Block.inputName)' nor an earlier node")
                }
                ins.append(s)
            }
            do {
                shapes[node.name] = try node.op.outputShape(forInputs: ins)
            } catch {
                throw ModelError(error.kind, "node '\(node.name)': \(error.message)")
            }
        }
        return shapes
    }

    /// The block's output shape for a block input of shape `input`.
    public func outputShape(for input: [Int]) throws(ModelError) -> [Int] {
        guard let out = try nodeShapes(for: input)[output] else {
            throw ModelError(.malformed, "the block's output '\(output)' is not one of its nodes")
        }
        return out
    }

    /// The tensors the block's nodes need, keyed by block role (`NODE.ROLE`), for input `input`.
    public func parameterShapes(for input: [Int]) throws(ModelError) -> [String: [Int]] {
        let shapes = try nodeShapes(for: input)
        var result: [String: [Int]] = [:]
        for node in nodes where !node.op.knownRoles.isEmpty {
            // A node with parameters reads one value (checked by validation).
            guard let first = node.inputs.first, let inShape = shapes[first] else { continue }
            do {
                for (role, shape) in try node.op.parameterShapes(for: inShape) { result[node.tensorRole(role)] = shape }
            } catch {
                throw ModelError(error.kind, "node '\(node.name)': \(error.message)")
            }
        }
        return result
    }

    /// Block roles its nodes can own (`conv1.weight`, `bn1.running_mean`, ...).
    public var knownRoles: Set<String> {
        Set(nodes.flatMap { node in node.op.knownRoles.map(node.tensorRole) })
    }

    /// Block roles without which the block cannot run.
    public var requiredRoles: Set<String> {
        Set(nodes.flatMap { node in node.op.requiredRoles.map(node.tensorRole) })
    }
}

extension LayerOp {
    /// The output shape for the inputs of a block node: one shape for most ops, two or more for
    /// `add`, `mul` and `concat`.
    public func outputShape(forInputs inputs: [[Int]]) throws(ModelError) -> [Int] {
        func fail(_ why: String) -> ModelError {
            ModelError(.shapeMismatch, "\(name) cannot take inputs \(inputs.map(shapeText).joined(separator: " and ")): \(why)")
        }
        switch self {
        case .add, .mul:
            guard inputs.count >= 2 else { throw fail("\(name) needs two or more inputs") }
            // Equal rank per sample, so the batch dimensions line up as in PyTorch; each dimension
            // equal or 1 (broadcast).
            var out = inputs[0]
            for s in inputs.dropFirst() {
                guard s.count == out.count else { throw fail("the inputs must have the same number of dimensions") }
                for d in 0..<s.count {
                    if s[d] == out[d] || s[d] == 1 { continue }
                    guard out[d] == 1, self == .mul else {
                        throw fail(self == .add ? "add needs equal shapes" : "dimension \(d + 1) is neither equal nor 1")
                    }
                    out[d] = s[d]
                }
            }
            if self == .add, inputs.contains(where: { $0 != out }) { throw fail("add needs equal shapes") }
            return out
        case .concat(let dim):
            guard inputs.count >= 2 else { throw fail("concat needs two or more inputs") }
            let axis = dim - 1
            guard let first = inputs.first, axis >= 0, axis < first.count else {
                throw fail("dim \(dim) is not a dimension of the inputs (1 is channels; 0, the batch, cannot be joined)")
            }
            var total = 0
            for s in inputs {
                guard s.count == first.count, (0..<s.count).allSatisfy({ $0 == axis || s[$0] == first[$0] }) else {
                    throw fail("all dimensions but dim \(dim) must be equal")
                }
                let (sum, o) = total.addingReportingOverflow(s[axis])
                guard !o else { throw fail("the joined size overflows") }
                total = sum
            }
            var out = first
            out[axis] = total
            return out
        default:
            guard inputs.count == 1 else { throw fail("\(name) takes exactly one input") }
            return try outputShape(for: inputs[0])
        }
    }
}
