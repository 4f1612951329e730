import Testing
@testable import ZooModel

/// The helpers that keep `zoo create`, `inspect` and `train --freeze` thin.
@Suite struct CLIHelpersTests {
    @Test func parsesInputShapes() throws {
        #expect(try ModelBuilder.parseShape("64") == [64])
        #expect(try ModelBuilder.parseShape("1x8x8") == [1, 8, 8])
        #expect(try ModelBuilder.parseShape(" 3,32,32 ") == [3, 32, 32])
        for bad in ["", "0", "8x", "x8", "1x2x3x4x5", "-3", "abc", "99999999999999999999"] {
            expectModelError(.invalidSpec, mentions: ["'\(bad)'"]) { _ = try ModelBuilder.parseShape(bad) }
        }
        expectModelError(.shapeMismatch, mentions: ["[0]"]) {
            _ = try ModelBuilder.create(input: [0], specs: [LayerSpec(.relu)], scheme: .he, seed: 0)
        }
    }

    @Test func layerTableOfARunnableModel() throws {
        let created = try ModelBuilder.create(input: [64], specs: try LayerSpec.parse("dense:32,relu,dense:10"), scheme: .he, seed: 0)
        var d = created.description
        d.frozenLayers = 1
        let shapes = Dictionary(uniqueKeysWithValues: created.tensors.map { ($0.name, $0.shape) })
        let rows = d.layerSummaries(shapes: shapes)
        #expect(rows.map(\.op) == ["dense:32", "relu", "dense:10"])
        #expect(rows.map(\.parameters) == [64 * 32 + 32, nil, 32 * 10 + 10])
        #expect(rows.map(\.trainable) == [false, true, true])
        #expect(rows.map(\.outputShape) == [[32], [32], [10]])
        #expect(rows[2].tensors == ["2.weight", "2.bias"])
    }

    @Test func layerTableOfAnInferredModel() {
        let shapes = Dictionary(uniqueKeysWithValues: miniLMTensors().map { ($0.name, $0.shape) })
        let rows = miniLM().layerSummaries(shapes: shapes)
        #expect(rows.count == 8)
        #expect(rows.allSatisfy { $0.op == "inferred block" })
        // embeddings: position_ids 512 + LayerNorm 2x384 + positions 512x384 + token types 2x384 + words 30522x384.
        let embeddings: Int = 512 + 2 * 384 + 512 * 384 + 2 * 384 + 30522 * 384
        #expect(rows[0].parameters == embeddings)
        #expect(rows[7].parameters == 384 * 384 + 384)
        let tableTotal: Int = rows.compactMap(\.parameters).reduce(0, +)
        let fileTotal: Int = shapes.values.map { $0.reduce(1, *) }.reduce(0, +)
        #expect(tableTotal == fileTotal)
    }

    @Test func freezeSpecResolvesAgainstAModel() throws {
        let backbone = try ModelSurgery.slice(try digitsMLP(), keep: 2, parent: nil).description
        var grafted = try ModelSurgery.graft(backbone, head: try LayerSpec.parse("dense:8,relu,dense:3"), scheme: .he, seed: 0,
                                             freeze: .none, parent: nil).description
        #expect(try FreezeSpec.backbone.frozenLayerCount(in: grafted) == 2)
        #expect(try FreezeSpec.none.frozenLayerCount(in: grafted) == 0)
        #expect(try FreezeSpec.layers(5).frozenLayerCount(in: grafted) == 5)
        expectModelError(.outOfRange, mentions: ["--freeze 6", "0 to 5"]) { _ = try FreezeSpec.layers(6).frozenLayerCount(in: grafted) }
        grafted.lineage = LineageRecord(parent: nil, operation: "train")
        grafted.frozenLayers = 3
        #expect(try FreezeSpec.backbone.frozenLayerCount(in: grafted) == 3)
        expectModelError(.outOfRange, mentions: ["no recorded backbone"]) {
            _ = try FreezeSpec.backbone.frozenLayerCount(in: try digitsMLP())
        }
    }

    @Test func slicingOffAGraftedHeadLeavesTheDepthAlone() throws {
        let grafted = try ModelSurgery.graft(miniLM(), head: try LayerSpec.parse("dense:4,relu,dense:2"), inFeatures: 384,
                                             scheme: .he, seed: 0, parent: nil).description
        #expect(grafted.layers.count == 11)
        let r = try ModelSurgery.slice(grafted, keep: -3, parent: nil)
        #expect(r.keptLayers.count == 8)
        #expect(r.metadataUpdates.isEmpty)
        #expect(r.description.metadata.extra?["hf_config"]?["num_hidden_layers"] == .number(6))
        #expect(r.droppedTensors == ["head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias"])
    }
}
