import Foundation
import Testing
import ZooModel
@testable import ZooTrain

/// A network of blocks (ResNet BasicBlocks with and without downsample, a MobileNetV3 SE inverted
/// residual, a MobileNetV2 inverted residual, a concatenation, adaptive pooling) against PyTorch
/// (scripts/make_block_vectors.py, float64 autograd): outputs in evaluation and training mode, the
/// running statistics after a training forward, and every parameter's gradient, each within
/// 1e-4 of (1 + the reference's largest magnitude), the parity tolerance of issue 9.
struct BlockVectorTests {
    /// The vector: ForwardVectorTests' format with the loss weights and gradients.
    struct Vector {
        var description: ModelDescription
        var tensors: [String: [Double]]
        var input: ForwardVectorTests.Vector.Array
        var output_eval: ForwardVectorTests.Vector.Array
        var output_train: ForwardVectorTests.Vector.Array
        var tensors_after_train: [String: [Double]]
        var loss_weights: ForwardVectorTests.Vector.Array
        var gradients: [String: [Double]]
    }

    func load() throws -> Vector {
        let data = try Data(contentsOf: TestPaths.vectors.appendingPathComponent("blocks_resnet_mobilenet.json"))
        let v = try JSONDecoder().decode(ForwardVectorTests.Vector.self, from: data)
        return Vector(description: v.description, tensors: v.tensors, input: v.input, output_eval: v.output_eval,
                      output_train: v.output_train, tensors_after_train: v.tensors_after_train,
                      loss_weights: try #require(v.loss_weights), gradients: try #require(v.gradients))
    }

    /// max |a - b| / (1 + max |b|).
    func error(_ a: [Float], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        let scale = 1 + (b.map(abs).max() ?? 0)
        return (zip(a, b).map { abs(Double($0) - $1) }.max() ?? 0) / scale
    }

    @Test func matchesPyTorch() throws {
        let v = try load()
        #expect(v.description.schema == 2)
        let network = try Network(description: v.description, tensors: v.tensors.mapValues { $0.map(Float.init) })
        let x = Tensor(shape: v.input.shape, data: v.input.data.map(Float.init))
        let eval = network.forward(x, training: false)
        #expect(eval.shape == v.output_eval.shape)
        #expect(error(eval.data, v.output_eval.data) <= 1e-4)
        // The input is not written over by in-place layers.
        #expect(x.data == v.input.data.map(Float.init))

        let train = network.forward(x, training: true)
        #expect(error(train.data, v.output_train.data) <= 1e-4)
        let after = network.tensors()
        for (name, expected) in v.tensors_after_train {
            let got = try #require(after[name], "\(name) missing")
            #expect(error(got, expected) <= 1e-5, "\(name)")
        }
        network.backward(Tensor(shape: v.loss_weights.shape, data: v.loss_weights.data.map(Float.init)))
        let parameters = Dictionary(uniqueKeysWithValues: network.trainableParameters.map { ($0.name, $0) })
        #expect(Set(parameters.keys) == Set(v.gradients.keys))
        for (name, expected) in v.gradients.sorted(by: { $0.key < $1.key }) {
            let p = try #require(parameters[name], "\(name) is not a parameter")
            #expect(error(p.gradient.data, expected) <= 1e-4, "gradient of \(name): \(error(p.gradient.data, expected))")
        }
    }

    @Test func frozenBlocksKeepTheirStatisticsAndGetNoGradientWork() throws {
        let v = try load()
        let tensors = v.tensors.mapValues { $0.map(Float.init) }
        // Freeze the stem and the first two blocks (layers 0-4).
        let network = try Network(description: v.description, tensors: tensors, frozenLayers: 5)
        let x = Tensor(shape: v.input.shape, data: v.input.data.map(Float.init))
        let y = network.forward(x, training: true)
        network.backward(Tensor(shape: y.shape, data: v.loss_weights.data.map(Float.init)))
        #expect(network.lastBackwardLayerCount == v.description.layers.count - 5)
        let after = network.tensors()
        for name in tensors.keys.filter({ $0.hasPrefix("layer1.") && $0.contains("running") }) {
            #expect(after[name] == tensors[name], "frozen \(name) changed")
        }
        for name in tensors.keys.filter({ $0.hasPrefix("features.2.") && $0.hasSuffix("running_mean") }) {
            #expect(after[name] != tensors[name], "trainable \(name) did not update")
        }
        #expect(network.trainableParameters.allSatisfy { !$0.name.hasPrefix("layer1.") && !$0.name.hasPrefix("conv1") })
        // Layers backward does not reach hold no activations after the forward; the others do.
        #expect(network.layers.prefix(5).allSatisfy { saved($0) == 0 })
        #expect(saved(network.layers[5]) > 0 && saved(network.layers[6]) > 0)
        // The frozen blocks ran in evaluation mode: their parameters' gradients stay zero.
        for layer in network.layers.prefix(5) {
            for p in layer.parameters { #expect(p.gradient.data.allSatisfy { $0 == 0 }, "\(p.name)") }
        }
    }

    /// Elements a layer (a block: all its nodes) keeps for backward.
    static func saved(_ layer: NetworkLayer) -> Int {
        let inner = (layer as? BlockLayer)?.nodeLayers ?? [layer]
        return inner.reduce(0) { total, node in
            let kept = (node as? BatchNormLayer)?.savedElements ?? (node as? ActivationLayer)?.savedElements
                ?? (node as? Conv2dLayer)?.savedElements ?? (node as? Pool2dLayer)?.savedElements
                ?? (node as? DenseLayer)?.savedElements ?? 0
            return total + kept
        }
    }

    func saved(_ layer: NetworkLayer) -> Int { Self.saved(layer) }

    @Test func evaluationForwardKeepsNothingForBackward() throws {
        let v = try load()
        let network = try Network(description: v.description, tensors: v.tensors.mapValues { $0.map(Float.init) })
        let x = Tensor(shape: v.input.shape, data: v.input.data.map(Float.init))
        // An evaluation forward (inference) keeps nothing, and its output is still PyTorch's.
        let eval = network.forward(x, training: false)
        #expect(error(eval.data, v.output_eval.data) <= 1e-4)
        for (i, layer) in network.layers.enumerated() { #expect(saved(layer) == 0, "layer \(i) '\(v.description.layers[i].name)'") }
        // A training forward keeps the activations backward needs, convolutions' inputs among them;
        // the next evaluation forward drops them.
        _ = network.forward(x, training: true)
        #expect(saved(network.layers[0]) == x.count)
        #expect(network.layers.allSatisfy { saved($0) > 0 || $0.parameters.isEmpty && !($0 is ActivationLayer) })
        _ = network.forward(x, training: false)
        #expect(network.layers.allSatisfy { saved($0) == 0 })
        // Training after it is unaffected: the same gradients, bit for bit, as a fresh network's.
        func gradients(_ net: Network) -> [String: [Float]] {
            let y = net.forward(x, training: true)
            net.backward(Tensor(shape: y.shape, data: v.loss_weights.data.map(Float.init)))
            return Dictionary(uniqueKeysWithValues: net.trainableParameters.map { ($0.name, $0.gradient.data) })
        }
        let fresh = try Network(description: v.description, tensors: v.tensors.mapValues { $0.map(Float.init) })
        _ = fresh.forward(x, training: true)  // the same running-statistics update as above
        #expect(gradients(network) == gradients(fresh))
    }

    @Test func trainingStepsAreBitReproducible() throws {
        let v = try load()
        func step() throws -> [String: [Float]] {
            let network = try Network(description: v.description, tensors: v.tensors.mapValues { $0.map(Float.init) })
            let x = Tensor(shape: v.input.shape, data: v.input.data.map(Float.init))
            let y = network.forward(x, training: true)
            network.backward(Tensor(shape: y.shape, data: v.loss_weights.data.map(Float.init)))
            return Dictionary(uniqueKeysWithValues: network.trainableParameters.map { ($0.name, $0.gradient.data) })
        }
        #expect(try step() == step())
    }

    @Test(arguments: [nil, InitScheme.torchvision, .he])
    func freshTensorsForEveryNodeBuildTheNetwork(scheme: InitScheme?) throws {
        let v = try load()
        let fresh = try scheme.map { try Network.initialTensors(for: v.description, scheme: $0, seed: 5) }
            ?? Network.initialTensors(for: v.description, seed: 5)
        // Exactly the tensors the description names (its convs without bias get none).
        #expect(Set(fresh.keys) == Set(v.tensors.keys))
        for (name, values) in fresh { #expect(values.count == v.tensors[name]?.count, "\(name)") }
        let network = try Network(description: v.description, tensors: fresh)
        let y = network.forward(Tensor(shape: v.input.shape, data: v.input.data.map(Float.init)), training: true)
        #expect(y.shape == [4, 5] && y.data.allSatisfy(\.isFinite))
        // PyTorch's default draws conv weights within ±1/sqrt(fan_in): features.3's 3x3 has fan_in 16·9.
        if scheme == nil {
            #expect(fresh["features.3.conv.1.0.weight"]?.allSatisfy { abs($0) <= 1 / 12 } == true)
        }
    }
}
