import Foundation
import Testing
import ZooFormat
@testable import ZooModel

@Suite struct DescriptionJSONTests {
    @Test func roundTripsEveryOp() throws {
        let specs = try LayerSpec.parse("conv2d:4:3:s2:pad1,batchnorm,relu,maxpool2d:2:s1,avgpool2d:1,global_avgpool,layernorm,gelu,tanh,sigmoid,dropout:0.1,dense:3,softmax")
        var d = try ModelBuilder.create(input: [2, 9, 9], specs: specs, scheme: .pytorch, seed: 77, labels: ["x", "y", "z"]).description
        d.layers.append(Layer(name: "blk.0", op: .inferredBlock, tensors: ["attn.weight": "blk.0.attn.weight"]))
        d.frozenLayers = 2
        d.metadata.extra = ["hf_config": .object(["num_hidden_layers": .number(2)])]
        d.metadata.normalization = Normalization(mean: [0.5], std: [0.25])
        let data = try d.jsonData()
        #expect(try ModelDescription(json: data) == d)
        #expect(try ModelDescription(json: d.jsonData(pretty: true)) == d)
        // Sorted keys: the same description always gives the same bytes.
        #expect(try ModelDescription(json: data).jsonData() == data)
    }

    @Test func readsTheCommittedExample() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("formats/examples/digits-mlp.json")
        let d = try ModelDescription(json: try Data(contentsOf: url))
        #expect(d.input == [64])
        #expect(d.layers.map(\.op) == [.dense(outFeatures: 32), .relu, .dropout(p: 0.2), .dense(outFeatures: 10)])
        #expect(d.layers[0].tensors == ["weight": "0.weight", "bias": "0.bias"])
        #expect(d.metadata.labels?.count == 10)
        #expect(d.runnability().isRunnable)
    }

    @Test func layerJSONIsFlat() throws {
        let layer = Layer(name: "c", op: .conv2d(outChannels: 8, kernel: 3, stride: 1, padding: 1), tensors: ["weight": "c.weight"])
        let text = String(decoding: try JSONEncoder().encode(layer), as: UTF8.self)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["name", "op", "out_channels", "kernel", "stride", "padding", "tensors"])
    }

    @Test(arguments: [
        ("{\"layers\": [{\"name\": \"a\", \"op\": \"warp\"}]}", "unknown op 'warp'"),
        ("{\"layers\": [{\"name\": \"a\", \"op\": \"dense\"}]}", "layers[0].out_features is missing"),
        ("{\"layers\": [{\"name\": \"a\", \"op\": \"relu\"}, {\"name\": \"a\", \"op\": \"relu\"}]}", "used by an earlier layer"),
        ("{\"layers\": [{\"name\": \"a\", \"op\": \"relu\"}], \"frozen_layers\": 2}", "frozen_layers is 2"),
        ("{\"schema\": 9, \"layers\": []}", "schema 9"),
        ("{\"input\": [0, 3], \"layers\": []}", "input [0, 3]"),
        ("{\"layers\": [{\"name\": \"a\", \"op\": \"dense\", \"out_features\": \"ten\"}]}", "layers[0].out_features"),
        ("{\"layers\": [", "not valid"),
        ("{}", "layers is missing"),
    ])
    func badDescriptionsAreMalformedWithAPath(json: String, mention: String) {
        expectModelError(.malformed, mentions: [mention]) { _ = try ModelDescription(json: json) }
    }
}
