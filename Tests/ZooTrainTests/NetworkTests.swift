import Testing
import ZooModel
@testable import ZooTrain

/// Building networks from descriptions: refusals with reasons, and freezing.
struct NetworkTests {
    let cnn = Network.sequentialDescription(input: [1, 6, 6], ops: [
        .conv2d(outChannels: 4, kernel: 3, stride: 1, padding: 1), .batchnorm(eps: 1e-5, momentum: 0.1), .relu,
        .maxpool2d(kernel: 2, stride: 2), .flatten, .dense(outFeatures: 8), .relu, .dense(outFeatures: 3),
    ])

    func expectError(_ kind: TrainError.Kind, _ body: () throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected a \(kind) error", sourceLocation: sourceLocation)
        } catch let error as TrainError {
            #expect(error.kind == kind, "\(error.message)", sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func shapesFollowPyTorch() throws {
        let shapes = try Network.shapes(for: cnn)
        #expect(shapes == [[1, 6, 6], [4, 6, 6], [4, 6, 6], [4, 6, 6], [4, 3, 3], [36], [8], [8], [3]])
    }

    @Test func refusesWhatCannotRun() throws {
        let tensors = try Network.initialTensors(for: cnn, seed: 1)
        var inferred = cnn
        inferred.layers[5].op = .inferredBlock
        expectError(.unsupportedLayer) { _ = try Network(description: inferred, tensors: tensors) }
        var noInput = cnn
        noInput.input = nil
        expectError(.invalidShape) { _ = try Network(description: noInput, tensors: tensors) }
        var missing = tensors
        missing["5.weight"] = nil
        expectError(.missingTensor) { _ = try Network(description: cnn, tensors: missing) }
        var wrong = tensors
        wrong["0.weight"] = [Float](repeating: 0, count: 4 * 1 * 2 * 2)
        expectError(.tensorShapeMismatch) { _ = try Network(description: cnn, tensors: wrong) }
        var declared = cnn
        declared.layers[5].inputShape = [35]
        expectError(.invalidShape) { _ = try Network(description: declared, tensors: tensors) }
        let tooSmall = Network.sequentialDescription(input: [1, 2, 2], ops: [.conv2d(outChannels: 1, kernel: 3, stride: 1, padding: 0)])
        expectError(.invalidShape) { _ = try Network.shapes(for: tooSmall) }
        expectError(.invalidConfiguration) { _ = try Network(description: cnn, tensors: tensors, frozenLayers: 9) }
    }

    @Test func frozenLayersGetNoGradientsAndLessWork() throws {
        let tensors = try Network.initialTensors(for: cnn, seed: 2)
        let x = randomTensor([4, 1, 6, 6], seed: 3)
        let labels = [0, 1, 2, 1]
        func step(frozen: Int) throws -> Network {
            let net = try Network(description: cnn, tensors: tensors, frozenLayers: frozen)
            let logits = net.forward(x, training: true)
            net.backward(Loss.softmaxCrossEntropy(logits: logits, labels: labels).gradient)
            return net
        }
        let full = try step(frozen: 0)
        let head = try step(frozen: 5)
        #expect(full.lastBackwardLayerCount == 8)
        // Only the dense-relu-dense head is walked; nothing below layer 5 is back-propagated.
        #expect(head.lastBackwardLayerCount == 3)
        #expect(head.trainableParameters.map(\.name) == ["5.weight", "5.bias", "7.weight", "7.bias"])
        let conv = try #require(head.layers[0] as? Conv2dLayer)
        #expect(conv.weight.gradient.data.allSatisfy { $0 == 0 })
        let fullConv = try #require(full.layers[0] as? Conv2dLayer)
        #expect(fullConv.weight.gradient.data.contains { $0 != 0 })
        // The frozen batchnorm ran in evaluation mode and kept its running statistics; the trained one updated them.
        let after = head.tensors()
        #expect(after["1.running_mean"] == tensors["1.running_mean"])
        #expect(full.tensors()["1.running_mean"] != tensors["1.running_mean"])
    }

    @Test func freezeSpecs() throws {
        #expect(try FreezeSpec.none.frozenLayerCount(for: cnn) == 0)
        #expect(try FreezeSpec.backbone.frozenLayerCount(for: cnn) == 7)
        #expect(try FreezeSpec.layers(3).frozenLayerCount(for: cnn) == 3)
        var described = cnn
        described.frozenLayers = 4
        #expect(try FreezeSpec.model.frozenLayerCount(for: described) == 4)
        expectError(.invalidConfiguration) { _ = try FreezeSpec.layers(20).frozenLayerCount(for: cnn) }
        // A grafted model's backbone ends where its recorded head begins, even when the head has
        // several layers with parameters (the last-parameter rule would freeze part of the head).
        var grafted = cnn
        let headStart = grafted.layers.count - 3
        for i in headStart..<grafted.layers.count { grafted.layers[i].name = "head.\(i - headStart)" }
        grafted.lineage = LineageRecord(parent: nil, operation: "graft", parameters: ["prefix": .string("head")])
        #expect(try FreezeSpec.backbone.frozenLayerCount(for: grafted) == headStart)
    }

    @Test func finalSoftmaxIsLeftOutOfTheLoss() throws {
        let d = Network.sequentialDescription(input: [4], ops: [.dense(outFeatures: 3), .softmax])
        let net = try Network(description: d, tensors: Network.initialTensors(for: d, seed: 4))
        #expect(net.logitLayerCount == 1)
        let p = net.forward(randomTensor([2, 4], seed: 5), training: false)
        #expect(abs(p.data[0..<3].reduce(0, +) - 1) < 1e-6)
    }
}
