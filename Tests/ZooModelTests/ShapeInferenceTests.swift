import Testing
@testable import ZooModel

@Suite struct ShapeInferenceTests {
    @Test func cnnShapesAndTensorShapes() throws {
        let specs = try LayerSpec.parse("conv2d:16:3:pad1,batchnorm,relu,maxpool2d:2,conv2d:32:3:s2:pad1,global_avgpool,layernorm,dense:10")
        let built = try ModelBuilder.layers(from: specs, input: [1, 8, 8])
        #expect(built.layers.map(\.outputShape) == [[16, 8, 8], [16, 8, 8], [16, 8, 8], [16, 4, 4], [32, 2, 2], [32], [32], [10]])
        #expect(built.layers.map(\.inputShape) == [[1, 8, 8], [16, 8, 8], [16, 8, 8], [16, 8, 8], [16, 4, 4], [32, 2, 2], [32], [32]])
        let shapes = Dictionary(uniqueKeysWithValues: built.tensors.map { ($0.name, $0.shape) })
        #expect(shapes == [
            "0.weight": [16, 1, 3, 3], "0.bias": [16],
            "1.weight": [16], "1.bias": [16], "1.running_mean": [16], "1.running_var": [16],
            "4.weight": [32, 16, 3, 3], "4.bias": [32],
            "6.weight": [32], "6.bias": [32],
            "7.weight": [10, 32], "7.bias": [10],
        ])
        #expect(built.layers[0].tensors == ["weight": "0.weight", "bias": "0.bias"])
        #expect(built.layers[2].tensors.isEmpty)
    }

    @Test func flattenThenDense() throws {
        let built = try ModelBuilder.layers(from: try LayerSpec.parse("conv2d:4:3,flatten,dense:5"), input: [2, 6, 5])
        #expect(built.layers.map(\.outputShape) == [[4, 4, 3], [48], [5]])
        #expect(built.tensors.last?.shape == [5])
        #expect(built.tensors.first { $0.name == "2.weight" }?.shape == [5, 48])
    }

    @Test func prefixNamesLayersAndTensors() throws {
        let built = try ModelBuilder.layers(from: try LayerSpec.parse("dense:8,relu,dense:3"), input: [4], prefix: "head")
        #expect(built.layers.map(\.name) == ["head.0", "head.1", "head.2"])
        #expect(built.tensors.map(\.name) == ["head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias"])
    }

    @Test func denseOnAnImageIsRefusedNamingBothShapes() {
        expectModelError(.shapeMismatch, mentions: ["dense:10", "[16, 6, 6]", "flatten"]) {
            _ = try ModelBuilder.layers(from: try LayerSpec.parse("conv2d:16:3,dense:10"), input: [1, 8, 8])
        }
    }

    @Test func poolLargerThanInputIsRefused() {
        expectModelError(.shapeMismatch, mentions: ["maxpool2d:4", "[3, 1, 1]", "layer 2 "]) {
            _ = try ModelBuilder.layers(from: try LayerSpec.parse("maxpool2d:4,maxpool2d:4"), input: [3, 5, 5])
        }
    }

    @Test func convOnAVectorIsRefused() {
        #expect(throws: ModelError.self) { _ = try LayerOp.conv2d(outChannels: 2, kernel: 3, stride: 1, padding: 0).outputShape(for: [64]) }
        #expect(throws: ModelError.self) { _ = try LayerOp.globalAvgPool.outputShape(for: [64]) }
        #expect(throws: ModelError.self) { _ = try LayerOp.dense(outFeatures: 3).outputShape(for: [0]) }
    }

    @Test func hugeValuesFromAFileDoNotCrash() {
        let op = LayerOp.conv2d(outChannels: 2, kernel: Int.max, stride: 1, padding: Int.max / 2)
        #expect(throws: ModelError.self) { _ = try op.outputShape(for: [1, 4, 4]) }
        #expect(throws: ModelError.self) { _ = try LayerOp.flatten.outputShape(for: [Int.max, 4]) }
        #expect(op.fans(for: [Int.max]) == nil)
    }

    @Test func descriptionShapesFromInput() throws {
        let d = ModelDescription(input: [64], layers: [
            Layer(name: "fc1", op: .dense(outFeatures: 32)), Layer(name: "act", op: .relu), Layer(name: "fc2", op: .dense(outFeatures: 10)),
        ])
        let shaped = try d.withInferredShapes()
        #expect(shaped.layers.map(\.outputShape) == [[32], [32], [10]])
        #expect(throws: ModelError.self) { _ = try ModelDescription(layers: d.layers).withInferredShapes() }
    }
}
