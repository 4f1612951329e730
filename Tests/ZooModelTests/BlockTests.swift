import Foundation
import Testing
import ZooFormat
@testable import ZooModel

/// Schema 2: blocks, the new ops and their JSON (formats/model-description.md, "Blocks").
@Suite struct BlockTests {
    static let examplesURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("formats/examples")

    func example() throws -> ModelDescription {
        try ModelDescription(json: try Data(contentsOf: Self.examplesURL.appendingPathComponent("blocks.json")))
    }

    @Test func workedExampleParsesWithItsShapes() throws {
        let d = try example()
        #expect(d.schema == 2)
        #expect(d.layers.map(\.name) == ["conv1", "bn1", "relu", "maxpool", "layer1.0", "features.2", "mixed", "avgpool", "fc"])
        let shaped = try d.withInferredShapes().layers.map(\.outputShape)
        // Asymmetric stem padding [0, 0, 1, 1] on 32x32, stride 2: (32 + 1 - 3) / 2 + 1 = 16.
        #expect(shaped == [[8, 16, 16], [8, 16, 16], [8, 16, 16], [8, 8, 8], [16, 4, 4], [16, 4, 4], [16, 4, 4], [16], [10]])
        guard case .conv2d(let stem) = d.layers[0].op else { Issue.record("conv1 is not a conv"); return }
        #expect(stem.padding == Padding2d(top: 0, left: 0, bottom: 1, right: 1))
        guard case .block(let ir) = d.layers[5].op else { Issue.record("features.2 is not a block"); return }
        let depthwise = try #require(ir.nodes.first { $0.name == "block.1.0" })
        #expect(depthwise.op == .conv2d(Conv2dOptions(outChannels: 32, kernel: 3, padding: 1, groups: 32)))
        // Squeeze keeps [C, 1, 1] so the gate broadcasts over H and W.
        let shapes = try ir.nodeShapes(for: [16, 4, 4])
        #expect(shapes["block.2.scale"] == [32, 1, 1])
        #expect(shapes["block.2.mul"] == [32, 4, 4])
    }

    @Test func blockTensorsAreRolesOfTheirNodes() throws {
        let d = try example()
        let block = d.layers[4]
        let params = try block.op.parameterShapes(for: [8, 8, 8])
        #expect(params["conv1.weight"] == [16, 8, 3, 3])
        #expect(params["downsample.0.weight"] == [16, 8, 1, 1])
        #expect(params["downsample.1.running_var"] == [16])
        #expect(Set(block.tensors.keys).isSubset(of: block.op.knownRoles))
        #expect(block.op.requiredRoles.subtracting(block.tensors.keys).isEmpty)
        guard case .block(let ir) = d.layers[5].op else { return }
        #expect(try ir.parameterShapes(for: [16, 4, 4])["block.1.0.weight"] == [32, 1, 3, 3])
        let shapes = Dictionary(uniqueKeysWithValues: try d.withInferredShapes().layers.enumerated().flatMap { i, layer in
            try layer.op.parameterShapes(for: layer.inputShape ?? []).compactMap { role, shape in layer.tensors[role].map { ($0, shape) } }
        })
        #expect(d.runnability(tensors: shapes).isRunnable)
    }

    @Test func roundTripsByteForByte() throws {
        let d = try example()
        let data = try d.jsonData()
        let again = try ModelDescription(json: data)
        #expect(again == d)
        #expect(try again.jsonData() == data)
    }

    @Test func schemaOneDescriptionsKeepTheirBytes() throws {
        // A schema 1 conv and pool are written exactly as before: no dilation, groups or pool padding keys.
        let layer = Layer(name: "c", op: .conv2d(outChannels: 8, kernel: 3, stride: 1, padding: 1), tensors: ["weight": "c.weight"])
        let pool = Layer(name: "p", op: .maxpool2d(kernel: 2, stride: 2))
        let d = ModelDescription(input: [1, 8, 8], layers: [layer, pool])
        #expect(d.schema == 1)
        let text = String(decoding: try d.jsonData(), as: UTF8.self)
        #expect(text.contains("{\"kernel\":3,\"name\":\"c\",\"op\":\"conv2d\",\"out_channels\":8,\"padding\":1,\"stride\":1,"))
        #expect(text.contains("{\"kernel\":2,\"name\":\"p\",\"op\":\"maxpool2d\",\"stride\":2}"))
        #expect(text.hasPrefix("{\"frozen_layers\":0,\"input\":[1,8,8],") && text.contains("\"schema\":1"))
        var two = d
        two.layers.append(Layer(name: "r", op: .relu6))
        #expect(two.schema == 2)
    }

    @Test func rectangularAndPerSidePaddingForms() throws {
        let json = """
        {"input": [3, 9, 7], "layers": [
          {"name": "a", "op": "conv2d", "out_channels": 4, "kernel": [3, 1], "stride": [2, 1], "padding": [1, 0], "dilation": [1, 2]},
          {"name": "b", "op": "maxpool2d", "kernel": 3, "stride": 2, "padding": 1, "ceil_mode": true},
          {"name": "c", "op": "avgpool2d", "kernel": 2, "count_include_pad": false}]}
        """
        let d = try ModelDescription(json: json)
        #expect(d.layers[0].op == .conv2d(Conv2dOptions(outChannels: 4, kernel: Size2d(height: 3, width: 1), stride: Size2d(height: 2, width: 1),
                                                        padding: Padding2d(height: 1, width: 0), dilation: Size2d(height: 1, width: 2))))
        // H: (9 + 2 - 3) / 2 + 1 = 5; W: (7 - 2*0 - 1) / 1 + 1 = 7. Pool ceil: H (5+2-3)/2 = 2 -> 3; W (7+2-3)/2 = 3 -> 4.
        let shapes = try d.withInferredShapes().layers.map(\.outputShape)
        #expect(shapes == [[4, 5, 7], [4, 3, 4], [4, 1, 2]])
        #expect(try ModelDescription(json: d.jsonData()) == d)
    }

    @Test(arguments: [
        ("[{\"name\": \"x\", \"op\": \"relu\", \"inputs\": [\"nope\"]}]", "reads 'nope'"),
        ("[{\"name\": \"input\", \"op\": \"relu\"}]", "names the block's input"),
        ("[{\"name\": \"a\", \"op\": \"relu\"}, {\"name\": \"a\", \"op\": \"relu\"}]", "used by an earlier node"),
        ("[{\"name\": \"a\", \"op\": \"add\", \"inputs\": [\"input\"]}]", "two or more inputs"),
        ("[{\"name\": \"a\", \"op\": \"relu\", \"inputs\": [\"input\", \"input\"]}]", "exactly one input"),
        ("[{\"name\": \"a\", \"op\": \"relu\"}, {\"name\": \"b\", \"op\": \"relu\", \"inputs\": [\"input\"]}]", "does not lead to the block's output"),
        ("[{\"name\": \"a\", \"op\": \"inferred\"}]", "do not nest"),
        ("[{\"name\": \"a\", \"op\": \"block\", \"nodes\": []}]", "do not nest"),
        ("[]", "no nodes"),
        ("[{\"name\": \"a\", \"op\": \"conv2d\", \"out_channels\": 2, \"kernel\": 1, \"tensors\": {}}]", "belong to the block layer"),
    ])
    func badBlocksAreRefused(nodes: String, mention: String) {
        let json = "{\"layers\": [{\"name\": \"b\", \"op\": \"block\", \"nodes\": \(nodes)}]}"
        expectModelError(.malformed, mentions: [mention]) { _ = try ModelDescription(json: json) }
    }

    @Test func multiInputOpsOnlyInsideBlocks() {
        expectModelError(.malformed, mentions: ["inside a block"]) {
            _ = try ModelDescription(json: "{\"layers\": [{\"name\": \"a\", \"op\": \"add\"}]}")
        }
    }

    @Test func broadcastAndConcatShapes() throws {
        #expect(try LayerOp.mul.outputShape(forInputs: [[8, 4, 4], [8, 1, 1]]) == [8, 4, 4])
        #expect(try LayerOp.concat(dim: 1).outputShape(forInputs: [[8, 4, 4], [3, 4, 4]]) == [11, 4, 4])
        expectModelError(.shapeMismatch, mentions: ["same number of dimensions"]) { _ = try LayerOp.mul.outputShape(forInputs: [[8, 4, 4], [8]]) }
        expectModelError(.shapeMismatch, mentions: ["equal shapes"]) { _ = try LayerOp.add.outputShape(forInputs: [[8, 4, 4], [8, 1, 1]]) }
        expectModelError(.shapeMismatch, mentions: ["dim 0"]) { _ = try LayerOp.concat(dim: 0).outputShape(forInputs: [[8], [8]]) }
        expectModelError(.shapeMismatch, mentions: ["groups must divide"]) {
            _ = try LayerOp.conv2d(Conv2dOptions(outChannels: 6, kernel: 3, groups: 4)).outputShape(for: [8, 5, 5])
        }
    }

    @Test func newSpecItems() throws {
        let specs = try LayerSpec.parse("conv2d:32:3:s2:pad1:g32:d2,relu6,hardswish,hardsigmoid,silu,identity,adaptive_avgpool2d:1,maxpool2d:3:s2:pad1")
        #expect(specs[0].op == .conv2d(Conv2dOptions(outChannels: 32, kernel: 3, stride: 2, padding: 1, dilation: 2, groups: 32)))
        #expect(specs.dropFirst().map(\.op) == [.relu6, .hardswish, .hardsigmoid, .silu, .identity, .adaptiveAvgPool2d(Size2d(1)),
                                                .maxpool2d(Pool2dOptions(kernel: 3, stride: 2, padding: 1))])
        #expect(try LayerSpec.parse(LayerSpec.text(specs)) == specs)
    }
}
