import Foundation
import Testing
import ZooFormat
@testable import ZooModel

/// Blocks in initialisation, slice, graft, the layer table and runnability
/// (formats/examples/blocks.json: a ResNet BasicBlock, a MobileNetV3 SE inverted residual, a concat).
@Suite struct BlockModelTests {
    func example() throws -> ModelDescription {
        try ModelDescription(json: try Data(contentsOf: BlockTests.examplesURL.appendingPathComponent("blocks.json")))
    }

    func stats(_ v: [Float]) -> (mean: Double, std: Double) {
        let n = Double(v.count)
        let mean = v.reduce(0.0) { $0 + Double($1) } / n
        return (mean, (v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot())
    }

    @Test func everyNodesTensorsArePlannedWithTheirOwnFans() throws {
        let d = try example()
        let (model, planned) = try ModelBuilder.plannedTensors(for: d)
        // Exactly the tensors the description names, nothing more (convs without a bias role get none).
        #expect(Set(planned.map(\.name)) == Set(d.tensorNames))
        #expect(planned.count == d.tensorNames.count)
        let byName = Dictionary(uniqueKeysWithValues: planned.map { ($0.name, $0) })
        let depthwise = try #require(byName["features.2.block.1.0.weight"])
        #expect(depthwise.shape == [32, 1, 3, 3])
        #expect(depthwise.input == [32, 4, 4])
        #expect(depthwise.role == "weight")
        #expect(byName["layer1.0.downsample.1.running_var"]?.shape == [16])
        #expect(byName["mixed.branch3x3.bias"]?.shape == [8])
        #expect(byName["layer1.0.conv1.bias"] == nil)
        #expect(model.layers[4].outputShape == [16, 4, 4])

        // PyTorch's fans for a grouped conv: fan_in = in/groups·k·k = 9, fan_out = out·k·k = 288.
        let he = try ModelBuilder.initialize([depthwise], scheme: .he, seed: 1)[0].values
        let torchvision = try ModelBuilder.initialize([depthwise], scheme: .torchvision, seed: 1)[0].values
        let pytorch = try ModelBuilder.initialize([depthwise], scheme: .pytorch, seed: 1)[0].values
        #expect(abs(stats(he).std / (2.0 / 9).squareRoot() - 1) < 0.12)
        #expect(abs(stats(torchvision).std / (2.0 / 288).squareRoot() - 1) < 0.12)
        #expect(pytorch.allSatisfy { abs($0) <= 1 / 3 } && pytorch.contains { abs($0) > 0.3 })
    }

    @Test func aDescriptionWithoutTensorNamesGetsThemAll() throws {
        var d = try example()
        for i in d.layers.indices { d.layers[i].tensors = [:] }
        let (model, planned) = try ModelBuilder.plannedTensors(for: d)
        let names = Set(planned.map(\.name))
        // Every role its ops can own: a conv's bias too, as nn.Conv2d's default.
        #expect(names.contains("layer1.0.conv1.weight") && names.contains("layer1.0.conv1.bias"))
        #expect(names.contains("features.2.block.2.fc1.bias") && names.contains("bn1.running_mean"))
        #expect(model.layers[4].tensors["downsample.1.running_var"] == "layer1.0.downsample.1.running_var")
        let shapes = Dictionary(uniqueKeysWithValues: planned.map { ($0.name, $0.shape) })
        #expect(model.runnability(tensors: shapes).isRunnable)
    }

    @Test func createDrawsTheWholeArchitecture() throws {
        var d = try example()
        d.metadata.architecture = "torchvision.mobilenet_v3_small"
        let built = try ModelBuilder.create(description: d, scheme: .torchvision, seed: 7, source: "blocks.json")
        #expect(built.description.lineage?.operation == "create")
        #expect(built.description.lineage?.parameters["arch"] == .string("blocks.json"))
        #expect(built.description.lineage?.parameters["init"] == .string("torchvision"))
        let t = Dictionary(uniqueKeysWithValues: built.tensors.map { ($0.name, $0) })
        #expect(t["fc.bias"]?.values.allSatisfy { $0 == 0 } == true)
        #expect(t["layer1.0.bn1.weight"]?.values.allSatisfy { $0 == 1 } == true)
        #expect(t["features.2.block.2.fc1.bias"]?.values.allSatisfy { $0 == 0 } == true)
        let fc = t["fc.weight"]?.values ?? []
        #expect(fc.count == 160 && abs(stats(fc).std / 0.01 - 1) < 0.25)
        // In a ResNet, torchvision leaves the fc at PyTorch's default, ±1/sqrt(16).
        d.metadata.architecture = "torchvision.resnet18"
        let resnet = try ModelBuilder.create(description: d, scheme: .torchvision, seed: 7)
        let rfc = resnet.tensors.first { $0.name == "fc.weight" }?.values ?? []
        #expect(rfc.allSatisfy { abs($0) <= 0.25 } && rfc.contains { abs($0) > 0.15 })
        #expect(resnet.tensors.first { $0.name == "fc.bias" }?.values.contains { $0 != 0 } == true)
        // The same arguments give the same bytes.
        let again = try ModelBuilder.create(description: d, scheme: .torchvision, seed: 7)
        #expect(again.tensors.map(\.littleEndianBytes) == resnet.tensors.map(\.littleEndianBytes))
        #expect(try InitScheme.parse("torchvision") == .torchvision)
    }

    @Test func createRefusesWhatCannotBeDrawn() throws {
        var d = try example()
        d.layers[4].tensors["conv9.weight"] = "x"
        expectModelError(.malformed, mentions: ["conv9.weight", "layer1.0"]) { _ = try ModelBuilder.plannedTensors(for: d) }
        var missing = try example()
        missing.layers[4].tensors["conv2.weight"] = nil
        expectModelError(.malformed, mentions: ["conv2.weight"]) { _ = try ModelBuilder.plannedTensors(for: missing) }
        var noInput = try example()
        noInput.input = nil
        expectModelError(.notRunnable, mentions: ["input"]) { _ = try ModelBuilder.plannedTensors(for: noInput) }
    }

    @Test func sliceKeepsAndDropsWholeBlocks() throws {
        let d = try example()
        let r = try ModelSurgery.slice(d, until: "layer1.0", parent: nil)
        #expect(r.keptLayers == ["conv1", "bn1", "relu", "maxpool", "layer1.0"])
        #expect(r.keptTensors.contains("layer1.0.downsample.1.running_var"))
        #expect(!r.keptTensors.contains { $0.hasPrefix("features.2.") })
        #expect(r.droppedTensors.contains("features.2.block.2.fc1.bias") && r.droppedTensors.contains("fc.weight"))
        #expect(Set(r.keptTensors).isDisjoint(with: r.droppedTensors))
        #expect(Set(r.keptTensors).union(r.droppedTensors) == Set(d.tensorNames))
        #expect(r.description.schema == 2)
        // Names of blocks as PyTorch users write them; a typo lists the closest.
        expectModelError(.unknownLayer, mentions: ["layer1.0"]) { _ = try ModelSurgery.slice(d, until: "layer1.O", parent: nil) }
    }

    @Test func graftReadsTheHeadInputFromACutBackbone() throws {
        let backbone = try ModelSurgery.slice(try example(), until: "mixed", parent: nil).description
        let g = try ModelSurgery.graft(backbone, head: try LayerSpec.parse("global_avgpool,dense:10"), scheme: .torchvision,
                                       seed: 1, parent: nil)
        #expect(g.headInput == [16, 4, 4])
        #expect(g.newTensors.map(\.name) == ["head.1.weight", "head.1.bias"])
        #expect(g.newTensors[0].shape == [10, 16])
        #expect(g.description.frozenLayers == 7)
        #expect(try g.description.withInferredShapes().layers.last?.outputShape == [10])
        // --in-features that disagrees with the computed output is refused with both shapes.
        expectModelError(.shapeMismatch, mentions: ["[16, 4, 4]"]) {
            _ = try ModelSurgery.graft(backbone, head: try LayerSpec.parse("dense:10"), inFeatures: 32, scheme: .he, seed: 1, parent: nil)
        }
    }

    @Test func layerTableSummarisesBlocks() throws {
        let rows = try example().layerSummaries()
        #expect(rows[4].op == "block(9, residual): conv3/2,bn,relu,conv3,bn,conv1/2,bn,add,relu")
        #expect(rows[5].op.hasPrefix("block(15, residual, gated): conv1,bn,hswish,dwconv3,bn,hswish,avgpool,conv1,…,add"))
        #expect(rows[6].op == "block(4, concat): conv1,conv3,cat,relu")
        #expect(rows.map(\.outputShape) == [[8, 16, 16], [8, 16, 16], [8, 16, 16], [8, 8, 8], [16, 4, 4], [16, 4, 4], [16, 4, 4], [16], [10]])
        #expect(rows[4].tensors.count == 15)
    }

    @Test func runnabilityChecksNodeRolesAgainstTheCheckpoint() throws {
        let d = try example()
        var shapes = Dictionary(uniqueKeysWithValues: try ModelBuilder.plannedTensors(for: d).tensors.map { ($0.name, $0.shape) })
        #expect(d.runnability(tensors: shapes).isRunnable)
        shapes["layer1.0.conv2.weight"] = [16, 8, 3, 3]
        let reasons = d.runnability(tensors: shapes).reasons
        #expect(reasons.count == 1)
        #expect(reasons.first?.contains("layer1.0.conv2.weight") == true && reasons.first?.contains("[16, 16, 3, 3]") == true)
        shapes["layer1.0.conv2.weight"] = nil
        #expect(d.runnability(tensors: shapes).reasons.first?.contains("not in the checkpoint") == true)
        // A block made in code is validated too.
        var bad = d
        bad.layers[4].op = .block(Block(nodes: [BlockNode(name: "a", op: .relu, inputs: ["nope"])]))
        #expect(bad.runnability().reasons.first?.contains("reads 'nope'") == true)
    }
}
