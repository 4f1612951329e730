import Testing
@testable import ZooModel

@Suite struct LayerSpecTests {
    @Test func parsesAnMLPHead() throws {
        let specs = try LayerSpec.parse("dense:128,relu,dropout:0.2,dense:10")
        #expect(specs.map(\.op) == [.dense(outFeatures: 128), .relu, .dropout(p: 0.2), .dense(outFeatures: 10)])
    }

    @Test func parsesConvAndPoolForms() throws {
        let specs = try LayerSpec.parse("conv2d:16:3, conv2d:16:3:pad1 ,conv2d:32:3:s2:pad1,conv2d:8:5:pad2:s3,maxpool2d:2,avgpool2d:2:s1,global_avgpool,flatten")
        #expect(specs.map(\.op) == [
            .conv2d(outChannels: 16, kernel: 3, stride: 1, padding: 0),
            .conv2d(outChannels: 16, kernel: 3, stride: 1, padding: 1),
            .conv2d(outChannels: 32, kernel: 3, stride: 2, padding: 1),
            .conv2d(outChannels: 8, kernel: 5, stride: 3, padding: 2),
            .maxpool2d(kernel: 2, stride: 2),
            .avgpool2d(kernel: 2, stride: 1),
            .globalAvgPool, .flatten,
        ])
    }

    @Test func parsesActivationsAndNorms() throws {
        let specs = try LayerSpec.parse("batchnorm,layernorm,gelu,tanh,sigmoid,softmax,relu,dropout")
        #expect(specs.map(\.op) == [.batchnorm(eps: 1e-5, momentum: 0.1), .layernorm(eps: 1e-5), .gelu, .tanh,
                                    .sigmoid, .softmax, .relu, .dropout(p: 0.5)])
    }

    @Test func textRoundTrips() throws {
        let text = "conv2d:16:3:s2:pad1,relu,maxpool2d:2,avgpool2d:3:s1,flatten,dense:64,dropout:0.25,dense:10,softmax"
        let specs = try LayerSpec.parse(text)
        #expect(LayerSpec.text(specs) == text)
        #expect(try LayerSpec.parse(LayerSpec.text(specs)) == specs)
    }

    @Test(arguments: [
        ("dense:128,relu,dense", 3, "dense"),
        ("dense:0", 1, "dense:0"),
        ("dense:12x", 1, "dense:12x"),
        ("relu,,dense:3", 2, "empty item"),
        ("dense:4,banana", 2, "banana"),
        ("conv2d:16", 1, "conv2d:16"),
        ("conv2d:16:3:q2", 1, "q2"),
        ("conv2d:16:3:pad-1", 1, "pad-1"),
        ("conv2d:16:3:s1:s2", 1, "twice"),
        ("maxpool2d:2:g2", 1, "unknown option"),
        ("relu:3", 1, "relu:3"),
        ("dropout:1.5", 1, "dropout:1.5"),
        ("dense:4,", 2, "empty item"),
    ])
    func badItemsAreNamedWithTheirPosition(text: String, position: Int, mention: String) {
        expectModelError(.invalidSpec, mentions: ["item \(position) ", mention, "accepted forms: dense:OUT"]) {
            _ = try LayerSpec.parse(text)
        }
    }

    @Test func emptySpecIsRefused() {
        #expect(throws: ModelError.self) { _ = try LayerSpec.parse("  ") }
    }
}
