import Testing
import ZooFormat
@testable import ZooModel

@Suite struct GraftTests {
    @Test func graftOntoARunnableBackbone() throws {
        let backbone = try ModelSurgery.slice(try digitsMLP(), keep: 2, parent: nil).description
        let labels = ["a", "b", "c"]
        let r = try ModelSurgery.graft(backbone, head: try LayerSpec.parse("dense:16,relu,dense:3"), scheme: .glorot, seed: 5,
                                       labels: labels, parent: "sha256:backbone")
        let d = r.description
        #expect(d.layers.map(\.name) == ["0", "1", "head.0", "head.1", "head.2"])
        #expect(r.keptLayers == ["0", "1"])
        #expect(r.newLayers == ["head.0", "head.1", "head.2"])
        #expect(r.keptTensors == ["0.weight", "0.bias"])
        #expect(r.newTensors.map(\.name) == ["head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias"])
        #expect(r.newTensors.map(\.shape) == [[16, 32], [16], [3, 16], [3]])
        #expect(r.headInput == [32])
        #expect(d.frozenLayers == 2)
        #expect(d.metadata.labels == labels)
        #expect(d.runnability().isRunnable)
        #expect(d.layers.last?.outputShape == [3])
        let lineage = try #require(d.lineage)
        #expect(lineage.operation == "graft")
        #expect(lineage.parent == "sha256:backbone")
        #expect(lineage.parameters["head"] == .string("dense:16,relu,dense:3"))
        #expect(lineage.parameters["init"] == .string("glorot"))
        #expect(lineage.parameters["seed"] == .number(5))
        #expect(lineage.parameters["freeze"] == .string("backbone"))
        #expect(r.reportLines.contains("layers new (3): head.0, head.1, head.2"))
        #expect(r.reportLines.contains { $0.hasPrefix("  head.2.bias [3]: zeros") })
    }

    @Test func sameSeedSameHeadOtherSeedOther() throws {
        let backbone = miniLM()
        func run(_ seed: UInt64) throws -> GraftResult {
            try ModelSurgery.graft(backbone, head: try LayerSpec.parse("dense:4"), inFeatures: 384, scheme: .pytorch, seed: seed, parent: nil)
        }
        let a = try run(1), b = try run(1), c = try run(2)
        #expect(a == b)
        #expect(a.newTensors.map(\.littleEndianBytes) == b.newTensors.map(\.littleEndianBytes))
        #expect(a.newTensors[0].littleEndianBytes != c.newTensors[0].littleEndianBytes)
        #expect(try a.description.jsonData() == b.description.jsonData())
        #expect(try a.description.jsonData() != c.description.jsonData())
    }

    @Test func graftOntoSlicedMiniLMReadsTheHiddenSize() throws {
        let tensors = miniLMTensors()
        let shapes = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.shape) })
        let backbone = try ModelSurgery.slice(miniLM(), keep: 4, parent: nil).description
        let r = try ModelSurgery.graft(backbone, head: try LayerSpec.parse("dense:128,relu,dropout:0.2,dense:2"), backboneShapes: shapes,
                                       scheme: .he, seed: 0, freeze: .layers(2), labels: ["neg", "pos"], parent: "sha256:x")
        #expect(r.headInput == [384])
        #expect(r.headInputSource.contains("encoder.layer.2.output.LayerNorm.weight [384]"))
        #expect(r.newTensors.first?.shape == [128, 384])
        #expect(r.description.layers.count == 8)
        #expect(r.description.frozenLayers == 2)
        #expect(r.keptTensors.count == 6 + 3 * 16)
        // Inferred backbone: the result can be stored and exported but not run.
        #expect(!r.description.runnability().isRunnable)
        // A matching --in-features is accepted.
        let same = try ModelSurgery.graft(backbone, head: try LayerSpec.parse("dense:2"), inFeatures: 384, backboneShapes: shapes,
                                          scheme: .he, seed: 0, parent: nil)
        #expect(same.headInput == [384])
    }

    @Test func inFeaturesMismatchNamesBothShapes() throws {
        let shapes = Dictionary(uniqueKeysWithValues: miniLMTensors().map { ($0.name, $0.shape) })
        let encoder = try ModelSurgery.slice(miniLM(), keep: -1, parent: nil).description
        expectModelError(.shapeMismatch, mentions: ["[256]", "[384]", "encoder.layer.5.output.LayerNorm.weight"]) {
            _ = try ModelSurgery.graft(encoder, head: try LayerSpec.parse("dense:2"), inFeatures: 256, backboneShapes: shapes,
                                       scheme: .he, seed: 0, parent: nil)
        }
        // With the pooler kept, its one matrix gives the size.
        expectModelError(.shapeMismatch, mentions: ["[256]", "[384]", "pooler.dense.weight [384, 384]"]) {
            _ = try ModelSurgery.graft(miniLM(), head: try LayerSpec.parse("dense:2"), inFeatures: 256, backboneShapes: shapes,
                                       scheme: .he, seed: 0, parent: nil)
        }
        let backbone = try ModelSurgery.slice(try digitsMLP(), keep: 2, parent: nil).description
        expectModelError(.shapeMismatch, mentions: ["[64]", "[32]", "layer '1'"]) {
            _ = try ModelSurgery.graft(backbone, head: try LayerSpec.parse("dense:2"), inFeatures: 64, scheme: .he, seed: 0, parent: nil)
        }
    }

    @Test func unknownHiddenSizeAsksForInFeatures() {
        expectModelError(.shapeMismatch, mentions: ["--in-features"]) {
            _ = try ModelSurgery.graft(miniLM(), head: try LayerSpec.parse("dense:2"), scheme: .he, seed: 0, parent: nil)
        }
    }

    @Test func headThatDoesNotFitIsRefused() throws {
        let cnn = try ModelBuilder.create(input: [1, 8, 8], specs: try LayerSpec.parse("conv2d:4:3:pad1,relu"), scheme: .he, seed: 0).description
        expectModelError(.shapeMismatch, mentions: ["dense:10", "[4, 8, 8]"]) {
            _ = try ModelSurgery.graft(cnn, head: try LayerSpec.parse("dense:10"), scheme: .he, seed: 0, parent: nil)
        }
        let ok = try ModelSurgery.graft(cnn, head: try LayerSpec.parse("maxpool2d:2,flatten,dense:10"), scheme: .he, seed: 0, parent: nil)
        #expect(ok.newTensors.first?.shape == [10, 64])
    }

    @Test func labelCountMustMatchTheHead() throws {
        let backbone = try ModelSurgery.slice(try digitsMLP(), keep: 2, parent: nil).description
        expectModelError(.shapeMismatch, mentions: ["3 labels", "[10]", "dense:10"]) {
            _ = try ModelSurgery.graft(backbone, head: try LayerSpec.parse("dense:10"), scheme: .he, seed: 0, labels: ["a", "b", "c"], parent: nil)
        }
    }

    @Test func badHeadSpecsAreRefused() {
        expectModelError(.invalidSpec, mentions: ["item 2", "dens:3"]) {
            _ = try ModelSurgery.graft(miniLM(), head: try LayerSpec.parse("dense:8,dens:3"), inFeatures: 384, scheme: .he, seed: 0, parent: nil)
        }
        expectModelError(.invalidSpec, mentions: ["no layers"]) {
            _ = try ModelSurgery.graft(miniLM(), head: [], inFeatures: 384, scheme: .he, seed: 0, parent: nil)
        }
    }

    @Test func freezeSpecs() throws {
        let backbone = try ModelSurgery.slice(try digitsMLP(), keep: 2, parent: nil).description
        func frozen(_ f: FreezeSpec) throws -> Int {
            try ModelSurgery.graft(backbone, head: try LayerSpec.parse("dense:3"), scheme: .he, seed: 0, freeze: f, parent: nil).description.frozenLayers
        }
        #expect(try frozen(.backbone) == 2)
        #expect(try frozen(.none) == 0)
        #expect(try frozen(.layers(3)) == 3)
        expectModelError(.outOfRange, mentions: ["--freeze 4", "0 to 3"]) { _ = try frozen(.layers(4)) }
        #expect(try FreezeSpec.parse("backbone") == .backbone)
        #expect(try FreezeSpec.parse("none") == FreezeSpec.none)
        #expect(try FreezeSpec.parse("5") == .layers(5))
        expectModelError(.invalidSpec, mentions: ["-1"]) { _ = try FreezeSpec.parse("-1") }
    }

    @Test func headPrefixAvoidsTakenNames() throws {
        let first = try ModelSurgery.graft(try ModelSurgery.slice(try digitsMLP(), keep: 2, parent: nil).description,
                                           head: try LayerSpec.parse("dense:3"), scheme: .he, seed: 0, parent: nil)
        let second = try ModelSurgery.graft(first.description, head: try LayerSpec.parse("dense:2"), scheme: .he, seed: 0, parent: nil)
        #expect(second.newLayers == ["head_2.0"])
        #expect(second.newTensors.map(\.name) == ["head_2.0.weight", "head_2.0.bias"])
        expectModelError(.invalidSpec, mentions: ["'head'", "head.0"]) {
            _ = try ModelSurgery.graft(first.description, head: try LayerSpec.parse("dense:2"), scheme: .he, seed: 0, prefix: "head", parent: nil)
        }
    }
}
