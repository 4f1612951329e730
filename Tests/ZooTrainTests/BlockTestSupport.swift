import Foundation
import ZooModel
@testable import ZooTrain

/// The worked examples of formats/examples/blocks.json, runnable at tiny sizes.
enum BlockExamples {
    /// The example description.
    static func description() throws -> ModelDescription {
        try ModelDescription(json: try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("formats/examples/blocks.json")))
    }

    /// The example's layer `name`. The convolution kernels of this build run groups 1 only, so the
    /// SE block's depthwise conv becomes a dense 3x3 conv (`denseDepthwise`); everything else is as written.
    static func layer(_ name: String, denseDepthwise: Bool = true) throws -> Layer {
        guard var layer = try description().layers.first(where: { $0.name == name }) else {
            throw TrainError(.invalidConfiguration, "no example layer \(name)")
        }
        if denseDepthwise, case .block(var block) = layer.op {
            for j in block.nodes.indices {
                if case .conv2d(var o) = block.nodes[j].op, o.groups > 1 {
                    o.groups = 1
                    block.nodes[j].op = .conv2d(o)
                }
            }
            layer.op = .block(block)
        }
        return layer
    }

    /// Tensors for `description` with non-trivial batchnorm scales, shifts and running statistics.
    static func tensors(for description: ModelDescription, seed: UInt64) throws -> [String: [Float]] {
        var t = try Network.initialTensors(for: description, seed: seed)
        var g = SeededRandom.splitMix(seed: seed ^ 0xB17)
        for name in t.keys.sorted() {
            let values = t[name] ?? []
            if name.hasSuffix("running_var") {
                t[name] = values.map { _ in Float(0.5 + g.unit()) }
            } else if name.hasSuffix("running_mean") || (name.contains("bn") || name.contains("downsample.1") || name.contains(".1.")) && name.hasSuffix("bias") {
                t[name] = values.map { _ in Float(g.unit() - 0.5) * 0.4 }
            } else if name.hasSuffix("weight") && values.count < 64 && values.allSatisfy({ $0 == 1 }) {
                t[name] = values.map { _ in Float(0.6 + 0.8 * g.unit()) }
            }
        }
        return t
    }

    /// A one-layer network over `layer` with per-sample input `input`.
    static func network(_ layer: Layer, input: [Int], seed: UInt64 = 1) throws -> (Network, [String: [Float]]) {
        let d = ModelDescription(input: input, layers: [layer])
        let t = try tensors(for: d, seed: seed)
        return (try Network(description: d, tensors: t), t)
    }
}
