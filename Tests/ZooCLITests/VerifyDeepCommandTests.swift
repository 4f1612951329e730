import Foundation
import Testing
import ZooFormat
import ZooModel
@testable import ZooRegistry

/// `zoo verify --deep` through the built binary: exit status, the failure's message, `--json`.
@Suite(.serialized) struct VerifyDeepCommandTests {
    @Test func deepVerifyDecodesEveryTensorAndNamesTheBadOne() throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let zoo = dir + "/zoo", source = dir + "/a.safetensors"
        try StoreCLI.makeSafetensors([source], seeds: [3], tensors: 2, rows: 32, cols: 16)
        #expect(try StoreCLI.run(["init", zoo]).status == 0)
        #expect(try StoreCLI.run(["import", source, "good", "--zoo", zoo]).status == 0)

        let ok = try StoreCLI.run(["verify", "--deep", "--zoo", zoo])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("4 tensors decoded") && ok.stdout.contains("every SHA-256 matches"))

        // A version whose stream is intact (digest, CRCs) but whose record gives another SHA-256.
        let store = try Store.open(zoo)
        let bytes = (0..<256).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var record = TensorRecord(name: "w", dtype: .u8, shape: [256], codec: .raw, rawBytes: 256, storedBytes: 256,
                                  sha256: String(repeating: "0", count: 64),
                                  chunks: [ChunkRecord(offset: 0, storedLength: 256, rawLength: 256, crc32: CRC32.checksum(bytes))])
        record.sha256 = String(repeating: "1", count: 64)
        let writer = try StoreWriter(store: store)
        try bytes.withUnsafeBytes { try writer.addEncoded(record: record, stream: $0) }
        try writer.commit(name: "bad", metadata: nil, model: ModelDescription(layers: []))

        #expect(try StoreCLI.run(["verify", "--zoo", zoo]).status == 0)
        let deep = try StoreCLI.run(["verify", "--deep", "--zoo", zoo])
        #expect(deep.status == 1)
        #expect(deep.stdout.contains("BAD  bad:1: tensor w: its 256 decoded bytes have SHA-256 \(Digest(of: bytes).hex)"))
        #expect(deep.stdout.contains("FAILED"))
        // One version only: the good one passes.
        #expect(try StoreCLI.run(["verify", "good", "--deep", "--zoo", zoo]).status == 0)

        let json = try StoreCLI.run(["verify", "bad:1", "--deep", "--json", "--zoo", zoo])
        #expect(json.status == 1)
        let report = try #require(try StoreCLI.json(json.stdout) as? [String: Any])
        #expect(report["deep"] as? Bool == true && report["ok"] as? Bool == false)
        #expect(report["decoded_tensors"] as? Int == 1 && report["decoded_bytes"] as? Int == 256)
        #expect((report["problems"] as? [String])?.count == 1)
    }
}
