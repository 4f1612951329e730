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

    /// The output shape of one layer for a per-sample input shape.
    static func outputShape(of layer: Layer, input: [Int]) throws(TrainError) -> [Int] {
        func spatial() throws(TrainError) -> (Int, Int, Int) {
            guard input.count == 3 else {
                throw TrainError(.invalidShape, "layer '\(layer.name)' (\(layer.op.name)) needs a CxHxW input but receives \(input)")
            }
            return (input[0], input[1], input[2])
        }
        func window(_ k: Int, _ s: Int, _ p: Int, _ h: Int, _ w: Int) throws(TrainError) -> (Int, Int) {
            guard k > 0, s > 0, p >= 0, h + 2 * p >= k, w + 2 * p >= k else {
                throw TrainError(.invalidShape, "layer '\(layer.name)': kernel \(k), stride \(s), padding \(p) do not fit a \(h)x\(w) input")
            }
            return ((h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1)
        }
        switch layer.op {
        case .dense(let out):
            guard out > 0 else { throw TrainError(.invalidShape, "layer '\(layer.name)': dense needs out_features > 0") }
            return input.dropLast() + [out]
        case .conv2d(let out, let k, let s, let p):
            let (_, h, w) = try spatial()
            guard out > 0 else { throw TrainError(.invalidShape, "layer '\(layer.name)': conv2d needs out_channels > 0") }
            let (oh, ow) = try window(k, s, p, h, w)
            return [out, oh, ow]
        case .maxpool2d(let k, let s), .avgpool2d(let k, let s):
            let (c, h, w) = try spatial()
            let (oh, ow) = try window(k, s, 0, h, w)
            return [c, oh, ow]
        case .globalAvgPool:
            return [try spatial().0]
        case .flatten:
            return [input.reduce(1, *)]
        case .relu, .gelu, .tanh, .sigmoid, .softmax, .batchnorm, .layernorm:
            return input
        case .dropout(let p):
            guard p >= 0 && p < 1 else { throw TrainError(.invalidShape, "layer '\(layer.name)': dropout p must be in [0, 1), not \(p)") }
            return input
        case .inferredBlock:
            throw TrainError(.unsupportedLayer,
                             "layer '\(layer.name)' is an inferred block: its tensors are known but not its computation, so it cannot run; slice it off or describe it with runnable ops")
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

    static func makeLayer(_ layer: Layer, index: Int, inputShape: [Int], tensors: [String: [Float]],
                          seed: UInt64) throws(TrainError) -> NetworkLayer {
        switch layer.op {
        case .dense(let out):
            let inF = inputShape.last ?? 1
            guard let w = try parameter("weight", of: layer, shape: [out, inF], required: true, in: tensors) else {
                throw TrainError(.missingTensor, "layer '\(layer.name)' has no weight")
            }
            return DenseLayer(weight: w, bias: try parameter("bias", of: layer, shape: [out], required: false, in: tensors))
        case .conv2d(let out, let k, let s, let p):
            guard let w = try parameter("weight", of: layer, shape: [out, inputShape[0], k, k], required: true, in: tensors) else {
                throw TrainError(.missingTensor, "layer '\(layer.name)' has no weight")
            }
            return Conv2dLayer(weight: w, bias: try parameter("bias", of: layer, shape: [out], required: false, in: tensors),
                               stride: s, padding: p)
        case .maxpool2d(let k, let s): return Pool2dLayer(kind: .max, kernel: k, stride: s)
        case .avgpool2d(let k, let s): return Pool2dLayer(kind: .average, kernel: k, stride: s)
        case .globalAvgPool: return GlobalAvgPoolLayer()
        case .flatten: return FlattenLayer()
        case .relu: return ActivationLayer(.relu)
        case .gelu: return ActivationLayer(.gelu)
        case .tanh: return ActivationLayer(.tanh)
        case .sigmoid: return ActivationLayer(.sigmoid)
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
        }
    }
}
