import Foundation
import ZooFormat
import ZooModel
import ZooRegistry

/// A scratch store for the slice and graft tests, with a small runnable MLP (`mlp`, from a .zckpt
/// with its description) and a BERT-like model with no description (`bert`, from safetensors), and
/// helpers to look at what the `zoo` binary wrote.
final class SurgeryFixture {
    let scratch = Scratch()
    var zoo: String { scratch.path + "/zoo" }
    /// The MLP's description and tensors, as built (input 6, dense:5,relu,dense:4,relu,dense:3).
    let mlp: (description: ModelDescription, tensors: [InitializedTensor])
    /// The BERT-like tensors in file order: stem, blocks 0-3 (width 8), pooler.
    let bert: [(name: String, shape: [Int], values: [Float])]

    init() throws {
        mlp = try ModelBuilder.create(input: [6], specs: try LayerSpec.parse("dense:5,relu,dense:4,relu,dense:3"),
                                      scheme: .he, seed: 11, labels: ["a", "b", "c"])
        var list: [(String, [Int])] = [("embeddings.word_embeddings.weight", [10, 8]), ("embeddings.LayerNorm.weight", [8]),
                                       ("embeddings.LayerNorm.bias", [8])]
        for i in 0..<4 {
            list += [("encoder.layer.\(i).attention.self.query.weight", [8, 8]), ("encoder.layer.\(i).attention.self.query.bias", [8]),
                     ("encoder.layer.\(i).output.LayerNorm.weight", [8]), ("encoder.layer.\(i).output.LayerNorm.bias", [8])]
        }
        list += [("pooler.dense.weight", [8, 8]), ("pooler.dense.bias", [8])]
        bert = list.enumerated().map { i, t in
            (t.0, t.1, (0..<t.1.reduce(1, *)).map { Float(i) + Float($0) / 128 })
        }
        let r = try ZooRunner.run("init", zoo)
        guard r.status == 0 else { throw StoreError(.invalidArgument, "zoo init failed: \(r.stderr)") }
    }

    /// Writes the MLP as a .zckpt (with its description) and the BERT-like tensors as safetensors,
    /// and imports both.
    func importModels() throws {
        let mlpPath = scratch.path + "/mlp.zckpt"
        let writer = try CheckpointWriter(path: mlpPath)
        writer.model = try JSONDecoder().decode(JSONValue.self, from: try mlp.description.jsonData())
        for t in mlp.tensors {
            try t.littleEndianBytes.withUnsafeBytes { raw in
                _ = try writer.addTensor(name: t.name, dtype: .f32, shape: t.shape, raw: raw, codec: .planes)
            }
        }
        try writer.finish()
        try writeBert(to: scratch.path + "/bert.safetensors")
        for (file, name) in [(mlpPath, "mlp"), (scratch.path + "/bert.safetensors", "bert")] {
            let r = try ZooRunner.run("import", file, name, "--zoo", zoo)
            guard r.status == 0 else { throw StoreError(.invalidArgument, "import failed: \(r.stderr)") }
        }
    }

    func writeBert(to path: String) throws {
        let writer = try SafetensorsWriter(path: path, tensors: bert.map { ($0.name, DType.f32, $0.shape) }, metadata: ["format": "pt"])
        for t in bert { try Self.bytes(t.values).withUnsafeBytes { try writer.write($0) } }
        try writer.finish()
    }

    /// Float32 values as little-endian bytes.
    static func bytes(_ values: [Float]) -> [UInt8] {
        InitializedTensor(name: "", shape: [values.count], values: values, summary: "").littleEndianBytes
    }

    func store() throws -> Store { try Store.open(zoo) }

    /// Manifest and config of `ref`.
    func load(_ ref: String) throws -> (version: ModelVersion, manifest: OCIManifest, config: ModelConfig) {
        try store().load(try ModelReference(parsing: ref))
    }

    /// Tensor name -> blob digest of `ref`.
    func blobs(_ ref: String) throws -> [String: Digest] {
        let (_, m, c) = try load(ref)
        return Dictionary(uniqueKeysWithValues: zip(c.tensors.map(\.name), m.layers.map(\.digest)))
    }

    /// Sum of the sizes of the store's blob files: what `du` counts on disk.
    func blobBytes() -> UInt64 {
        let dir = zoo + "/blobs/sha256/"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.reduce(0) { $0 + UInt64((try? FileManager.default.attributesOfItem(atPath: dir + $1)[.size] as? Int) ?? 0) }
    }

    /// Every file of the store (lock files aside) with its content.
    func snapshot() -> [String: Data] {
        var files: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(atPath: zoo) else { return files }
        for case let path as String in e where !path.hasPrefix(".zoo") {
            if let d = FileManager.default.contents(atPath: zoo + "/" + path) { files[path] = d }
        }
        return files
    }

    /// Parses a command's JSON output.
    static func json(_ text: String) throws -> [String: Any] {
        guard let o = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw StoreError(.invalidArgument, "not a JSON object: \(text)")
        }
        return o
    }
}
