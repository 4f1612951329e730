import Foundation
import ZooFormat
import ZooModel
@testable import ZooRegistry

/// A fresh store in a temporary directory, removed when the fixture goes away, and helpers that
/// make small raw-codec tensor streams without the format module's encoder.
final class StoreFixture {
    let directory: String
    let store: Store

    init() throws {
        directory = NSTemporaryDirectory() + "zoo-store-test-" + UUID().uuidString
        store = try Store.create(at: directory + "/zoo")
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// A raw-codec record for `bytes` (U8, one element a byte), split into chunks of `chunkSize`.
    static func record(_ name: String, _ bytes: [UInt8], chunkSize: Int = 64) -> TensorRecord {
        var chunks: [ChunkRecord] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunkSize)
            let crc = bytes[offset..<end].withUnsafeBytes { CRC32.checksum($0) }
            chunks.append(ChunkRecord(offset: UInt64(offset), storedLength: UInt64(end - offset),
                                      rawLength: UInt64(end - offset), crc32: crc))
            offset = end
        }
        return TensorRecord(name: name, dtype: .u8, shape: [bytes.count], codec: .raw, rawBytes: UInt64(bytes.count),
                            storedBytes: UInt64(bytes.count), sha256: Digest(of: bytes).hex, chunks: chunks)
    }

    /// Deterministic bytes from a seed (a linear congruential generator).
    static func bytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    /// Commits a version holding `tensors` (name -> bytes) in the given order.
    @discardableResult
    func commit(_ name: String, tag: String? = nil, _ tensors: [(String, [UInt8])], parent: Digest? = nil,
                operation: String = "test") throws -> ModelVersion {
        let writer = try StoreWriter(store: store)
        for (tensorName, bytes) in tensors {
            try bytes.withUnsafeBytes { try writer.addEncoded(record: StoreFixture.record(tensorName, bytes), stream: $0) }
        }
        let lineage = LineageRecord(parent: parent?.description, operation: operation, parameters: ["n": .number(1)])
        return try writer.commit(name: name, tag: tag, metadata: ["k": "v"],
                                 model: ModelDescription(layers: [], lineage: lineage))
    }

    /// Names of the files in the store's blob directory.
    var blobNames: Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: store.root + "/blobs/sha256")) ?? [])
    }

    /// Every file under the store with its content, to show a failed command changed nothing.
    func snapshot() throws -> [String: Data] {
        var files: [String: Data] = [:]
        let root = store.root
        guard let e = FileManager.default.enumerator(atPath: root) else { return files }
        for case let path as String in e where !path.hasPrefix(".zoo") {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDir), !isDir.boolValue {
                files[path] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + path))
            }
        }
        return files
    }
}
