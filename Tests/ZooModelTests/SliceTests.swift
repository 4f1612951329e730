import Testing
import ZooFormat
@testable import ZooModel

/// A runnable digits MLP: 64 -> 32 -> 10, with labels.
func digitsMLP() throws -> ModelDescription {
    try ModelBuilder.create(input: [64], specs: try LayerSpec.parse("dense:32,relu,dropout:0.2,dense:10"),
                            scheme: .he, seed: 1, labels: (0..<10).map(String.init)).description
}

/// MiniLM's inferred description with a carried HF config.
func miniLM() -> ModelDescription {
    var d = LayerInference.infer(miniLMTensors())
    d.metadata.extra = ["hf_config": .object([
        "num_hidden_layers": .number(6), "hidden_size": .number(384), "model_type": .string("bert"),
    ])]
    return d
}

@Suite struct SliceTests {
    @Test func keepFourOfMiniLMIsStemAndThreeBlocks() throws {
        let model = miniLM()
        let r = try ModelSurgery.slice(model, keep: 4, parent: "sha256:abc")
        #expect(r.keptLayers == ["embeddings", "encoder.layer.0", "encoder.layer.1", "encoder.layer.2"])
        #expect(r.droppedLayers == ["encoder.layer.3", "encoder.layer.4", "encoder.layer.5", "pooler"])
        #expect(r.keptTensors.count == 6 + 3 * 16)
        #expect(r.droppedTensors.count == 3 * 16 + 2)
        #expect(Set(r.keptTensors).isDisjoint(with: r.droppedTensors))
        #expect(r.keptTensors.allSatisfy { $0.hasPrefix("embeddings.") || ["0", "1", "2"].contains($0.split(separator: ".")[2]) })
        #expect(r.description.metadata.extra?["hf_config"]?["num_hidden_layers"] == .number(3))
        #expect(r.description.metadata.extra?["hf_config"]?["hidden_size"] == .number(384))
        #expect(r.metadataUpdates.map(\.description) == ["hf_config.num_hidden_layers: 6 -> 3"])
        #expect(r.warnings.isEmpty)
        #expect(r.description.lineage == LineageRecord(parent: "sha256:abc", operation: "slice",
                                                       parameters: ["keep": .number(4), "kept_layers": .number(4), "dropped_layers": .number(4)]))
    }

    @Test func negativeKeepDropsFromTheEnd() throws {
        let r = try ModelSurgery.slice(miniLM(), keep: -1, parent: nil)
        #expect(r.keptLayers.count == 7)
        #expect(r.droppedLayers == ["pooler"])
        #expect(r.droppedTensors == ["pooler.dense.bias", "pooler.dense.weight"])
        // Dropping only the head keeps every block, so the depth stays 6.
        #expect(r.description.metadata.extra?["hf_config"]?["num_hidden_layers"] == .number(6))
    }

    @Test(arguments: [0, 9, -8, 100, -100])
    func keepOutOfRangeNamesTheRangeAndCount(keep: Int) {
        expectModelError(.outOfRange, mentions: ["--keep \(keep)", "8 layers", "1 to 8", "-1 to -7"]) {
            _ = try ModelSurgery.slice(miniLM(), keep: keep, parent: nil)
        }
    }

    @Test func untilCutsAfterTheNamedLayer() throws {
        let r = try ModelSurgery.slice(miniLM(), until: "encoder.layer.1", parent: nil)
        #expect(r.keptLayers == ["embeddings", "encoder.layer.0", "encoder.layer.1"])
        #expect(r.description.metadata.extra?["hf_config"]?["num_hidden_layers"] == .number(2))
        #expect(r.description.lineage?.parameters["until"] == .string("encoder.layer.1"))
    }

    @Test func unknownUntilListsCloseNames() {
        expectModelError(.unknownLayer, mentions: ["'encoder.layer.7'", "did you mean", "'encoder.layer.0'", "8 layers"]) {
            _ = try ModelSurgery.slice(miniLM(), until: "encoder.layer.7", parent: nil)
        }
        expectModelError(.unknownLayer, mentions: ["'poolr'", "'pooler'"]) {
            _ = try ModelSurgery.slice(miniLM(), until: "poolr", parent: nil)
        }
    }

    @Test func slicingARunnableModelDropsItsLabelsAndClampsTheFreeze() throws {
        var model = try digitsMLP()
        model.frozenLayers = 3
        let r = try ModelSurgery.slice(model, keep: 2, parent: "sha256:p")
        #expect(r.keptLayers == ["0", "1"])
        #expect(r.keptTensors == ["0.weight", "0.bias"])
        #expect(r.droppedTensors == ["3.weight", "3.bias"])
        #expect(r.description.frozenLayers == 2)
        #expect(r.description.metadata.labels == nil)
        #expect(r.metadataUpdates.map(\.key) == ["labels"])
        #expect(r.description.runnability().isRunnable)
        #expect(try r.description.withInferredShapes().layers.last?.outputShape == [32])
    }

    @Test func depthKeysThatCannotBeUpdatedAreReported() throws {
        var model = miniLM()
        model.metadata.extra = ["hf_config": .object([
            "n_layer": .string("six"),
            "layer_types": .array((0..<6).map { .string("full\($0)") }),
            "num_layers": .number(6),
            "text_config": .object(["num_hidden_layers": .number(6)]),
        ])]
        let r = try ModelSurgery.slice(model, keep: 3, parent: nil)
        let config = r.description.metadata.extra?["hf_config"]
        #expect(config?["num_layers"] == .number(2))
        #expect(config?["layer_types"] == .array([.string("full0"), .string("full1")]))
        #expect(config?["n_layer"] == .string("six"))
        #expect(r.warnings.contains { $0.contains("hf_config.n_layer") && $0.contains("could not be updated") })
        #expect(r.warnings.contains { $0.contains("hf_config.text_config") && $0.contains("not updated") })

        model.metadata.extra = ["hf_config": .string("oops")]
        let bad = try ModelSurgery.slice(model, keep: 3, parent: nil)
        #expect(bad.warnings.count == 1 && bad.warnings[0].contains("not a JSON object"))
    }

    @Test func editDistance() {
        #expect(ZooModel.editDistance("kitten", "sitting") == 3)
        #expect(ZooModel.editDistance("", "abc") == 3)
        #expect(ZooModel.editDistance("pooler", "pooler") == 0)
    }
}
