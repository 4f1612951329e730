import Foundation
import ZooFormat
import ZooModel

extension Store {
    /// Writes `derived` to a file instead of the store. `.zckpt`: the kept tensors' stored
    /// streams are copied as they are (CRCs checked) and the new ones encoded with `codec`;
    /// `.safetensors`: the kept tensors are decoded (SHA-256 checked), in the parent's order, then
    /// the new ones. Every kept blob's digest is checked first; the file appears only when complete.
    public func writeDerived(_ derived: DerivedModel, parent manifest: OCIManifest, config: ModelConfig,
                             to path: String, format: CheckpointFileFormat, codec: Codec = .planes, level: Int = 6)
        throws(StoreError)
    {
        let kept = try Store.plan(derived, parent: manifest, config: config)
        let lock = DiskIO.isDirectory(privateDirectory) ? try? FileLock(path: gcLockPath, exclusive: false) : nil
        defer { lock?.unlock() }
        do {
            switch format {
            case .zckpt:
                let writer = try CheckpointWriter(path: path)
                writer.metadata = derived.metadata ?? [:]
                writer.model = try Store.json(of: derived.model)
                for (record, layer) in kept {
                    let blob = try checkedStream(of: layer, tensor: record.name)
                    try writer.addEncoded(record: record, stream: blob.bytes)
                }
                for t in derived.newTensors {
                    try t.littleEndianBytes.withUnsafeBytes { raw in
                        _ = try writer.addTensor(name: t.name, dtype: .f32, shape: t.shape, raw: raw, codec: codec, level: level)
                    }
                }
                try writer.finish()
            case .safetensors:
                let list = kept.map { ($0.record.name, $0.record.dtype, $0.record.shape) }
                    + derived.newTensors.map { ($0.name, DType.f32, $0.shape) }
                let writer = try SafetensorsWriter(path: path, tensors: list, metadata: derived.metadata)
                for (record, layer) in kept {
                    let blob = try checkedStream(of: layer, tensor: record.name)
                    guard record.rawBytes <= UInt64(Int.max / 2) else {
                        throw StoreError(.corrupt, "tensor \(record.name) claims \(record.rawBytes) raw bytes")
                    }
                    var raw = [UInt8](repeating: 0, count: Int(record.rawBytes))
                    try raw.withUnsafeMutableBytes { out in
                        try TensorCodec.decode(record: record, stream: blob.bytes, into: out, checkDigest: true)
                    }
                    try raw.withUnsafeBytes { bytes in try writer.write(bytes) }
                }
                for t in derived.newTensors {
                    try t.littleEndianBytes.withUnsafeBytes { bytes in try writer.write(bytes) }
                }
                try writer.finish()
            }
        } catch let error as StoreError {
            throw error
        } catch let error as FormatError {
            throw StoreError(error.kind == .checksumMismatch ? .corrupt : .format, "writing \(path): \(error.message)")
        } catch {
            throw StoreError(.format, "writing \(path): \(error)")
        }
    }
}
