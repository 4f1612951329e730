import Foundation
import ZooFormat

/// What torchvision and timm say about each architecture zoo recognises (tensor names and shapes,
/// each top-level module's output shape at 3x224x224, timm's feature_info), written by
/// scripts/make_architecture_fixture.py into Fixtures/architectures.json.gz. Shapes only, no weights.
public enum ArchitectureFixture {
    /// One architecture.
    public struct Entry: Sendable {
        /// State-dict names and shapes in order (`num_batches_tracked` counters included, shape `[]`).
        public var tensors: [(name: String, shape: [Int])]
        /// (module name, output shape without the batch) in forward order.
        public var outputs: [(name: String, shape: [Int])]
        /// timm's `feature_info` module names (`blocks.4`, `layer3`), nil for torchvision.
        public var featureInfo: [String]?
    }

    /// The fixture file.
    public static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/architectures.json.gz")

    /// Every architecture in the fixture by its zoo name (`torchvision.resnet18`, `timm.mobilenetv2_100`).
    public static let entries: [String: Entry] = {
        guard let data = try? Data(contentsOf: url), let json = try? Gzip.decompress([UInt8](data)),
              let root = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else { return [:] }
        func pairs(_ value: Any?) -> [(name: String, shape: [Int])] {
            ((value as? [[Any]]) ?? []).compactMap { p in
                guard let n = p.first as? String, let s = p.last as? [Int] else { return nil }
                return (n, s)
            }
        }
        var result: [String: Entry] = [:]
        for (name, value) in root {
            guard let e = value as? [String: Any] else { continue }
            result[name] = Entry(tensors: pairs(e["tensors"]), outputs: pairs(e["outputs"]), featureInfo: e["feature_info"] as? [String])
        }
        return result
    }()
}
