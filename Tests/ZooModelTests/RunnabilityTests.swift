import Testing
@testable import ZooModel

@Suite struct RunnabilityTests {
    @Test func createdModelsAreRunnable() throws {
        let created = try ModelBuilder.create(input: [1, 8, 8], specs: try LayerSpec.parse("conv2d:8:3:pad1,batchnorm,relu,maxpool2d:2,flatten,dense:10"),
                                              scheme: .he, seed: 0)
        let shapes = Dictionary(uniqueKeysWithValues: created.tensors.map { ($0.name, $0.shape) })
        #expect(created.description.runnability(tensors: shapes).reasons == [])
        #expect(created.description.lineage?.operation == "create")
        #expect(created.description.lineage?.parameters["layers"] == .string("conv2d:8:3:pad1,batchnorm,relu,maxpool2d:2,flatten,dense:10"))
    }

    @Test func inferredModelsAreNotRunnableAndSayWhy() {
        let r = miniLM().runnability()
        #expect(!r.isRunnable)
        #expect(r.reasons.contains { $0.contains("8 of 8 layers are inferred blocks") && $0.contains("embeddings") && $0.contains("--arch") })
        #expect(r.reasons.contains { $0.contains("no input shape") })
    }

    @Test func missingAndUnknownTensorsAreReasons() throws {
        var d = try ModelBuilder.create(input: [4], specs: try LayerSpec.parse("dense:3,layernorm"), scheme: .he, seed: 0).description
        d.layers[0].tensors = ["bias": "0.bias", "gamma": "0.gamma"]
        let r = d.runnability(tensors: ["0.bias": [4], "1.weight": [3]])
        #expect(r.reasons.contains { $0.contains("'0'") && $0.contains("unknown tensor roles gamma") })
        #expect(r.reasons.contains { $0.contains("'0'") && $0.contains("lacks tensors for weight") })
        #expect(r.reasons.contains { $0.contains("'0.bias' is [4]") && $0.contains("needs [3]") })
        #expect(r.reasons.contains { $0.contains("'1.bias' (bias) is not in the checkpoint") })
    }

    @Test func shapeErrorsAndBadFreezeAreReasons() {
        let d = ModelDescription(input: [1, 8, 8], layers: [Layer(name: "fc", op: .dense(outFeatures: 3), tensors: ["weight": "fc.weight"])],
                                 frozenLayers: 4)
        let r = d.runnability()
        #expect(r.reasons.contains { $0.contains("frozen_layers is 4") })
        #expect(r.reasons.contains { $0.contains("layer 0 'fc'") && $0.contains("[1, 8, 8]") })
        #expect(!ModelDescription(input: [3], layers: []).runnability().isRunnable)
    }
}
