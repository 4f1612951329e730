import ZooModel

extension Network {
    /// Per-sample shapes through the description: element 0 is the input, element i+1 the output
    /// of layer i. Checks every op fits its input; description shapes, when present, must agree.
    public static func shapes(for description: ModelDescription) throws(TrainError) -> [[Int]] {
        guard let input = description.input, !input.isEmpty, input.allSatisfy({ $0 > 0 }) else {
            throw TrainError(.invalidShape, "the model has no input shape; set one (for example --input 1x8x8) before training")
        }
        var shapes = [input]
        var shape = input
        for layer in description.layers {
            if let declared = layer.inputShape, declared != shape {
                throw TrainError(.invalidShape, "layer '\(layer.name)' declares input \(declared) but receives \(shape); fix the description")
            }
            shape = try outputShape(of: layer, input: shape)
            if let declared = layer.outputShape, declared != shape {
                throw TrainError(.invalidShape, "layer '\(layer.name)' declares output \(declared) but computes \(shape); fix the description")
            }
            shapes.append(shape)
        }
        return shapes
    }

    /// The output shape of one layer for a per-sample input shape: ZooModel's shape rules
    /// (formats/model-description.md, "Shapes"), with the layer named in the error.
    static func outputShape(of layer: Layer, input: [Int]) throws(TrainError) -> [Int] {
        if case .inferredBlock = layer.op {
            throw TrainError(.unsupportedLayer,
                             "layer '\(layer.name)' is an inferred block: its tensors are known but not its computation, so it cannot run; slice it off or describe it with runnable ops")
        }
        do {
            return try layer.op.outputShape(for: input)
        } catch {
            throw TrainError(.invalidShape, "layer '\(layer.name)': \(error.message)")
        }
    }

    /// The tensor of `role` in `layer`, checked against `shape`; nil when the layer has no such role
    /// and it is optional.
    static func tensor(_ role: String, of layer: Layer, shape: [Int], required: Bool,
                       in tensors: [String: [Float]]) throws(TrainError) -> (name: String, tensor: Tensor)? {
        guard let name = layer.tensors[role] else {
            if required {
                throw TrainError(.missingTensor, "layer '\(layer.name)' (\(layer.op.name)) has no '\(role)' tensor; add it to the description")
            }
            return nil
        }
        guard let values = tensors[name] else {
            throw TrainError(.missingTensor, "layer '\(layer.name)' needs tensor '\(name)' (\(role)), which the checkpoint does not have")
        }
        let expected = shape.reduce(1, *)
        guard values.count == expected else {
            throw TrainError(.tensorShapeMismatch,
                             "tensor '\(name)' of layer '\(layer.name)' has \(values.count) elements but \(role) must be \(shape) (\(expected)); the description does not match the weights")
        }
        return (name, Tensor(shape: shape, data: values))
    }

    static func parameter(_ role: String, of layer: Layer, shape: [Int], required: Bool,
                          in tensors: [String: [Float]]) throws(TrainError) -> Parameter? {
        try tensor(role, of: layer, shape: shape, required: required, in: tensors).map { Parameter(name: $0.name, value: $0.tensor) }
    }

    /// The runnable layer for `layer` (top-level position `index`, which seeds its dropout masks).
    static func makeLayer(_ layer: Layer, index: Int, inputShape: [Int], tensors: [String: [Float]],
                          seed: UInt64) throws(TrainError) -> NetworkLayer {
        switch layer.op {
        case .dense(let out):
            let inF = inputShape.last ?? 1
            guard let w = try parameter("weight", of: layer, shape: [out, inF], required: true, in: tensors) else {
                throw TrainError(.missingTensor, "layer '\(layer.name)' has no weight")
            }
            return DenseLayer(weight: w, bias: try parameter("bias", of: layer, shape: [out], required: false, in: tensors))
        case .conv2d(let o):
            let shape = [o.outChannels, inputShape[0] / o.groups, o.kernel.height, o.kernel.width]
            guard let w = try parameter("weight", of: layer, shape: shape, required: true, in: tensors) else {
                throw TrainError(.missingTensor, "layer '\(layer.name)' has no weight")
            }
            return try Conv2dLayer(weight: w, bias: try parameter("bias", of: layer, shape: [o.outChannels], required: false, in: tensors),
                                   options: o, layerName: layer.name)
        case .maxpool2d(let o): return try Pool2dLayer(kind: .max, options: o, layerName: layer.name)
        case .avgpool2d(let o): return try Pool2dLayer(kind: .average, options: o, layerName: layer.name)
        case .globalAvgPool: return GlobalAvgPoolLayer()
        case .adaptiveAvgPool2d(let size): return AdaptiveAvgPool2dLayer(height: size.height, width: size.width)
        case .flatten: return FlattenLayer()
        case .relu: return ActivationLayer(.relu)
        case .relu6: return ActivationLayer(.relu6)
        case .gelu: return ActivationLayer(.gelu)
        case .tanh: return ActivationLayer(.tanh)
        case .sigmoid: return ActivationLayer(.sigmoid)
        case .hardsigmoid: return ActivationLayer(.hardsigmoid)
        case .hardswish: return ActivationLayer(.hardswish)
        case .silu: return ActivationLayer(.silu)
        case .identity: return IdentityLayer()
        case .softmax: return SoftmaxLayer()
        case .dropout(let p): return DropoutLayer(p: p, seed: seed ^ (UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15))
        case .batchnorm(let eps, let momentum):
            let c = [inputShape[0]]
            guard let mean = try tensor("running_mean", of: layer, shape: c, required: true, in: tensors),
                  let variance = try tensor("running_var", of: layer, shape: c, required: true, in: tensors) else {
                throw TrainError(.missingTensor, "batchnorm layer '\(layer.name)' needs running_mean and running_var")
            }
            return BatchNormLayer(weight: try parameter("weight", of: layer, shape: c, required: false, in: tensors),
                                  bias: try parameter("bias", of: layer, shape: c, required: false, in: tensors),
                                  runningMean: mean, runningVar: variance, eps: eps, momentum: momentum)
        case .layernorm(let eps):
            let d = [inputShape.last ?? 1]
            return LayerNormLayer(weight: try parameter("weight", of: layer, shape: d, required: false, in: tensors),
                                  bias: try parameter("bias", of: layer, shape: d, required: false, in: tensors), eps: eps)
        case .inferredBlock:
            throw TrainError(.unsupportedLayer, "layer '\(layer.name)' is an inferred block and cannot run")
        case .block(let block):
            return try makeBlock(layer, block: block, index: index, inputShape: inputShape, tensors: tensors, seed: seed)
        case .add, .mul, .concat:
            throw TrainError(.unsupportedLayer, "layer '\(layer.name)' is \(layer.op.name), which reads two or more values; it can only be a node inside a block")
        }
    }
}
