/// A block (formats/model-description.md, "Blocks"): one top-level layer that runs a small graph
/// of nodes in their listed order, each reading the block's input or earlier nodes' outputs.
///
/// Forward keeps each value only until its last reader has run and hands that reader its
/// reference, so an elementwise node works in place (ReLU after batchnorm, the residual add) and
/// no activation is copied; a value read again later (a residual's input) is left intact by
/// copy-on-write. Backward walks the nodes in reverse; where a value feeds several nodes (residual
/// fan-out) its gradients are summed in reverse node order, then in each node's input order, so
/// the result is the same bits on every run. dL/d(block input) is only computed when asked for.
public final class BlockLayer: NetworkLayer {
    /// What one node runs.
    public enum Step {
        /// An op that reads one value.
        case single(NetworkLayer)
        /// `add`, `mul` or `concat`.
        case merge(MergeLayer)
    }

    /// The block layer's name, for messages.
    public let name: String
    /// Node names, in order.
    public let nodeNames: [String]
    /// The built nodes, in order.
    public let steps: [Step]
    /// For each node, the values it reads: 0 is the block's input, `j + 1` node `j`'s output.
    let reads: [[Int]]
    /// For each value, the last node that reads it (-1: none).
    let lastRead: [Int]
    /// The value that leaves the block.
    let outputValue: Int

    /// A block running `steps` (named `nodeNames`) where node `j` reads `reads[j]` and value
    /// `output` leaves the block; `Network` builds these from a description's block.
    public init(name: String, nodeNames: [String], steps: [Step], reads: [[Int]], output: Int) {
        self.name = name
        self.nodeNames = nodeNames
        self.steps = steps
        self.reads = reads
        self.outputValue = output
        var last = [Int](repeating: -1, count: steps.count + 1)
        for (j, r) in reads.enumerated() { for v in r { last[v] = j } }
        self.lastRead = last
    }

    /// The layers inside the block that read one value (for reseeding dropout, for tests).
    public var nodeLayers: [NetworkLayer] {
        steps.compactMap { if case .single(let l) = $0 { return l } else { return nil } }
    }

    /// Every node's trainable tensors, in node order.
    public var parameters: [Parameter] { nodeLayers.flatMap(\.parameters) }

    /// Every node's tensors (parameters and running statistics), by checkpoint name.
    public var stateTensors: [(name: String, tensor: Tensor)] { nodeLayers.flatMap(\.stateTensors) }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var y = x
        forward(updating: &y, training: training)
        return y
    }

    /// See `NetworkLayer.forward(updating:training:)`.
    public func forward(updating x: inout Tensor, training: Bool) {
        run(&x, training: training, saving: true)
    }

    /// See `NetworkLayer.forwardWithoutSaving(updating:training:)`: each node drops what it kept
    /// right after it runs, so the block never holds more than the values still to be read.
    public func forwardWithoutSaving(updating x: inout Tensor, training: Bool) {
        run(&x, training: training, saving: false)
    }

    /// The nodes in order on `x`; without `saving`, each node forgets its saved values once run.
    private func run(_ x: inout Tensor, training: Bool, saving: Bool) {
        var values = [Tensor?](repeating: nil, count: steps.count + 1)
        values[0] = x
        x = Tensor(zeros: [0])
        for (j, step) in steps.enumerated() {
            // Gather the inputs, then drop the block's own reference to any value read for the last
            // time, so the node holds the only one and may write over it.
            var inputs = reads[j].map { values[$0] ?? Tensor(zeros: [0]) }
            for v in reads[j] where lastRead[v] == j && v != outputValue { values[v] = nil }
            switch step {
            case .single(let layer):
                var t = inputs[0]
                inputs = []
                if saving {
                    layer.forward(updating: &t, training: training)
                } else {
                    layer.forwardWithoutSaving(updating: &t, training: training)
                }
                values[j + 1] = t
            case .merge(let merge):
                values[j + 1] = merge.forward(&inputs, training: training)
                if !saving { merge.releaseSaved() }
            }
        }
        x = values[outputValue] ?? Tensor(zeros: [0])
    }

    /// See `NetworkLayer.releaseSaved()`: every node's.
    public func releaseSaved() {
        for step in steps {
            switch step {
            case .single(let layer): layer.releaseSaved()
            case .merge(let merge): merge.releaseSaved()
            }
        }
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        var g = gy
        backward(updating: &g, inputGradient: inputGradient, parameterGradients: parameterGradients)
        return inputGradient ? g : nil
    }

    /// See `NetworkLayer.backward(updating:inputGradient:parameterGradients:)`.
    public func backward(updating g: inout Tensor, inputGradient: Bool, parameterGradients: Bool) {
        var grads = [Tensor?](repeating: nil, count: steps.count + 1)
        grads[outputValue] = g
        g = Tensor(zeros: [0])
        for j in steps.indices.reversed() {
            // Every node leads to the output (validated), so its gradient is there by now.
            guard var gy = grads[j + 1] else { continue }
            grads[j + 1] = nil
            let needed = reads[j].map { $0 != 0 || inputGradient }
            switch steps[j] {
            case .single(let layer):
                layer.backward(updating: &gy, inputGradient: needed[0], parameterGradients: parameterGradients)
                if needed[0] { Self.accumulate(&grads[reads[j][0]], gy) }
            case .merge(let merge):
                let gs = merge.backward(gy, needed: needed)
                for (k, v) in reads[j].enumerated() where needed[k] {
                    if let gk = gs[k] { Self.accumulate(&grads[v], gk) }
                }
            }
        }
        if inputGradient, let gx = grads[0] { g = gx }
    }

    /// Adds `gradient` into `slot` (sets it when empty). A slot shared with another value (add's
    /// backward hands the same tensor to both inputs) is copied before it is written.
    static func accumulate(_ slot: inout Tensor?, _ gradient: Tensor) {
        guard var sum = slot else {
            slot = gradient
            return
        }
        slot = nil
        AddLayer.accumulate(&sum, gradient)
        slot = sum
    }
}
