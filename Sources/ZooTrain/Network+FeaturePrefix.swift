import Foundation
import ZooFormat
import ZooModel

extension Network {
    /// The leading layers whose outputs the trainer may compute once and cache: the frozen
    /// layers, then any that follow and compute the same in training and evaluation without
    /// parameters (pooling, flatten, activations: a head's `global_avgpool` keeps a cached feature
    /// small), up to the logits. 0 when nothing is frozen. Nothing below the lowest trainable
    /// layer is back-propagated, so training on these outputs is training on the network.
    public var featurePrefixLength: Int {
        guard frozenLayers > 0 else { return 0 }
        let end = logitLayerCount
        var cut = min(frozenLayers, end)
        while cut < end, Network.isFixedFunction(modelDescription.layers[cut].op) { cut += 1 }
        return cut
    }

    /// Ops without parameters whose output does not depend on training mode (dropout does;
    /// batchnorm and layernorm have parameters; a block may hold either).
    static func isFixedFunction(_ op: LayerOp) -> Bool {
        switch op {
        case .maxpool2d, .avgpool2d, .globalAvgPool, .adaptiveAvgPool2d, .flatten, .identity,
             .relu, .relu6, .gelu, .tanh, .sigmoid, .hardsigmoid, .hardswish, .silu:
            return true
        default:
            return false
        }
    }

    /// `sha256:` digest of layers `0..<cut` as they compute: the input shape, each layer's
    /// description (its op and options, tensor roles; not its display name or recorded shapes)
    /// and every tensor it holds (names, shapes and Float32 bytes, running statistics included).
    /// A retrained or different head does not change it; any change to a frozen tensor does.
    public func featurePrefixDigest(_ cut: Int) -> String {
        var h = SHA256Hasher()
        h.update(Array("zoo-feature-prefix 1\ninput \(inputShape)\nlayers \(cut)\n".utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for i in 0..<min(cut, layers.count) {
            var layer = modelDescription.layers[i]
            layer.name = ""
            layer.inputShape = nil
            layer.outputShape = nil
            // Layer's encoding cannot fail (strings, numbers and arrays); a failure still changes the digest.
            let json = (try? encoder.encode(layer)).map { Array($0) } ?? Array("unencodable \(i)".utf8)
            h.update(Array("layer \(i) \(json.count)\n".utf8))
            h.update(json)
            for (name, tensor) in layers[i].stateTensors {
                h.update(Array("tensor \(name) \(tensor.shape)\n".utf8))
                tensor.data.withUnsafeBytes { h.update($0) }
            }
        }
        return "sha256:" + h.finalizeHex()
    }
}
