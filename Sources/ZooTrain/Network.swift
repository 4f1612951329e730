import ZooModel

/// A runnable network built from a model description and its tensors.
///
/// Layers with index below `frozenLayers` do not train: they run in evaluation mode (batchnorm
/// uses and keeps its running statistics, dropout is off), get no gradients, and backward stops at
/// the lowest trainable layer, so nothing below it is back-propagated.
public final class Network {
    /// The description this network was built from.
    public let modelDescription: ModelDescription
    /// The runnable layers, one per description layer.
    public let layers: [NetworkLayer]
    /// Per-sample shapes: `shapes[i]` is layer i's input, `shapes[layers.count]` the output.
    public let shapes: [[Int]]
    /// Leading layers that do not train.
    public let frozenLayers: Int
    /// Layers walked by the last `backward` (a measure of the work freezing saves).
    public private(set) var lastBackwardLayerCount = 0

    /// Builds the network, checking every layer's op, tensors and shapes.
    ///
    /// - Parameters:
    ///   - tensors: tensor name -> values (row-major, PyTorch layouts).
    ///   - frozenLayers: overrides the description's freeze spec when given.
    ///   - seed: seeds dropout masks.
    public init(description: ModelDescription, tensors: [String: [Float]], frozenLayers: Int? = nil,
                seed: UInt64 = 0) throws(TrainError) {
        let shapes = try Network.shapes(for: description)
        let frozen = frozenLayers ?? description.frozenLayers
        guard frozen >= 0 && frozen <= description.layers.count else {
            throw TrainError(.invalidConfiguration,
                             "cannot freeze \(frozen) layers of a model with \(description.layers.count); use 0...\(description.layers.count)")
        }
        var built: [NetworkLayer] = []
        for (index, layer) in description.layers.enumerated() {
            built.append(try Network.makeLayer(layer, index: index, inputShape: shapes[index], tensors: tensors, seed: seed))
        }
        self.modelDescription = description
        self.layers = built
        self.shapes = shapes
        self.frozenLayers = frozen
    }

    /// Per-sample shape of the network's input.
    public var inputShape: [Int] { shapes[0] }
    /// Per-sample shape of the network's output.
    public var outputShape: [Int] { shapes[layers.count] }

    /// Index of the lowest layer that trains and has parameters; nil when nothing trains.
    public var lowestTrainableLayer: Int? {
        (frozenLayers..<layers.count).first { !layers[$0].parameters.isEmpty }
    }

    /// The parameters the optimizer updates (those of unfrozen layers), bottom to top.
    public var trainableParameters: [Parameter] {
        layers[frozenLayers...].flatMap(\.parameters)
    }

    /// Layers that produce logits: all, less a final softmax (losses and accuracy work on logits).
    public var logitLayerCount: Int {
        if case .softmax = modelDescription.layers.last?.op { return layers.count - 1 }
        return layers.count
    }

    /// Runs layers `0..<upTo` (all by default) on a batch `[N] + inputShape`.
    ///
    /// Layers backward will not reach keep nothing for it (`forwardWithoutSaving`): in evaluation
    /// mode all of them (inference: the weights and the activations in flight, no saved ones), in
    /// training mode those below the lowest trainable one, so a frozen backbone holds no
    /// activations between batches. A `backward` must follow a training-mode forward.
    public func forward(_ input: Tensor, training: Bool, upTo: Int? = nil) -> Tensor {
        var x = input
        let unreached = training ? (lowestTrainableLayer ?? layers.count) : layers.count
        for i in 0..<(upTo ?? layers.count) {
            let mode = training && i >= frozenLayers
            if i < unreached {
                layers[i].forwardWithoutSaving(updating: &x, training: mode)
            } else {
                layers[i].forward(updating: &x, training: mode)
            }
        }
        return x
    }

    /// Back-propagates dL/d(output of layer `from - 1`) through the layers that train, storing the
    /// parameters' gradients; `from` is the `upTo` of the forward it follows.
    public func backward(_ gradOutput: Tensor, from: Int? = nil) {
        lastBackwardLayerCount = 0
        guard let lowest = lowestTrainableLayer else { return }
        var g = gradOutput
        var i = (from ?? layers.count) - 1
        while i >= lowest {
            lastBackwardLayerCount += 1
            let needInput = i > lowest
            layers[i].backward(updating: &g, inputGradient: needInput, parameterGradients: true)
            guard needInput else { break }
            i -= 1
        }
    }

    /// Every tensor of the network by checkpoint name (parameters and running statistics).
    public func tensors() -> [String: [Float]] {
        var out: [String: [Float]] = [:]
        for layer in layers {
            for (name, tensor) in layer.stateTensors { out[name] = tensor.data }
        }
        return out
    }
}
