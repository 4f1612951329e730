import Foundation
import ZooFormat
import ZooModel

/// What torchvision and timm say about each architecture zoo recognises (tensor names and shapes,
/// each top-level module's output shape at 3x224x224, timm's feature_info), written by
/// scripts/make_architecture_fixture.py into Fixtures/architectures.json.gz. Shapes only, no weights.
struct ArchitectureFixture {
    struct Entry {
        var tensors: [TensorInfo]
        /// (module name, output shape without the batch) in forward order.
        var outputs: [(name: String, shape: [Int])]
        /// timm's `feature_info` module names (`blocks.4`, `layer3`), nil for torchvision.
        var featureInfo: [String]?
    }

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/architectures.json.gz")

    /// Every architecture in the fixture by its zoo name (`torchvision.resnet18`, `timm.mobilenetv2_100`).
    static let entries: [String: Entry] = {
        guard let data = try? Data(contentsOf: url), let json = try? Gzip.decompress([UInt8](data)),
              let root = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return [:] }
        var result: [String: Entry] = [:]
        for (name, value) in root {
            guard let e = value as? [String: Any], let tensors = e["tensors"] as? [[Any]], let outputs = e["outputs"] as? [[Any]] else { continue }
            let infos = tensors.compactMap { t -> TensorInfo? in
                guard let n = t.first as? String, let s = t.last as? [Int] else { return nil }
                return TensorInfo(name: n, dtype: n.hasSuffix("num_batches_tracked") ? .i64 : .f32, shape: s)
            }
            let outs = outputs.compactMap { o -> (String, [Int])? in
                guard let n = o.first as? String, let s = o.last as? [Int] else { return nil }
                return (n, s)
            }
            result[name] = Entry(tensors: infos, outputs: outs.map { (name: $0.0, shape: $0.1) }, featureInfo: e["feature_info"] as? [String])
        }
        return result
    }()
}
