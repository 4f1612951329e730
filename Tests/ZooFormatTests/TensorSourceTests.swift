import Foundation
import Testing
@testable import ZooFormat

/// `TensorSource` tells formats apart by content, whatever the file is called.
@Suite struct TensorSourceTests {
    @Test func aSafetensorsHeaderLengthThatLooksLikeAPickleIsStillSafetensors() throws {
        // A 640-byte header is the length 80 02 00 ... : the same first bytes as PROTO 2.
        let dir = TestSupport.temporaryDirectory("sniff")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var filler = ""
        var header: SafetensorsHeader
        repeat {
            filler += "x"
            header = SafetensorsHeader(tensors: try SafetensorsHeader.layout([("w", .f32, [2])]), metadata: [("note", filler)])
        } while header.serialized().count < 640
        #expect(header.serialized().count == 640)
        let path = dir + "/model.bin"
        let writer = try SafetensorsWriter(path: path, tensors: [("w", .f32, [2])], orderedMetadata: [("note", filler)])
        try [UInt8](repeating: 1, count: 8).withBytes { (raw) throws(FormatError) in try writer.write(raw) }
        try writer.finish()
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path)).prefix(2)) == [0x80, 0x02])
        let source = try TensorSource(path: path)
        #expect(source.format == .safetensors && source.tensors.map(\.name) == ["w"])
        #expect(source.metadataMap == ["note": filler])
    }

    @Test func namesDoNotDecideTheFormat() throws {
        let dir = TestSupport.temporaryDirectory("names")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let vectors = TestSupport.vectorsDirectory.appendingPathComponent("pytorch")
        for (file, format) in [("good_all_dtypes_zip.pt", TensorSource.Format.pytorchZip), ("good_views_legacy.pt", .pytorchLegacy)] {
            let renamed = dir + "/weights.data"
            try? FileManager.default.removeItem(atPath: renamed)
            try FileManager.default.copyItem(atPath: vectors.appendingPathComponent(file).path, toPath: renamed)
            #expect(try TensorSource(path: renamed).format == format)
        }
        let empty = dir + "/empty.pt"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let error = TestSupport.error { _ = try TensorSource(path: empty) }
        #expect(error?.kind == .notAFile && error?.message.contains("it is empty") == true)
        let zckpt = dir + "/model.bin"
        try FileManager.default.copyItem(atPath: TestSupport.vectorsDirectory.appendingPathComponent("good_raw_all_dtypes.zckpt").path, toPath: zckpt)
        #expect(TestSupport.error { _ = try TensorSource(path: zckpt) }?.message.contains("is a .zckpt file") == true)
    }

    @Test func shardIndexesAreCheckedAgainstTheirShards() throws {
        let dir = TestSupport.temporaryDirectory("shards")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let shards = TestSupport.vectorsDirectory.appendingPathComponent("pytorch/sharded")
        for name in ["pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"] {
            try FileManager.default.copyItem(atPath: shards.appendingPathComponent(name).path, toPath: dir + "/" + name)
        }
        let good = try String(contentsOf: shards.appendingPathComponent("pytorch_model.bin.index.json"), encoding: .utf8)
        func index(_ text: String) -> FormatError? {
            let path = dir + "/model.index.json"
            _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            return TestSupport.error { _ = try TensorSource(path: path) }
        }
        #expect(index(good) == nil)
        #expect(index(good.replacingOccurrences(of: "\"0.bias\": \"pytorch_model-00001-of-00002.bin\"", with: "\"0.bias\": \"pytorch_model-00002-of-00002.bin\""))?
            .message.contains("which the index maps to 'pytorch_model-00002-of-00002.bin'") == true)
        #expect(index(good.replacingOccurrences(of: "\"0.bias\": \"pytorch_model-00001-of-00002.bin\",", with: ""))?
            .message.contains("which the index's weight_map does not list") == true)
        #expect(index(good.replacingOccurrences(of: "\"0.bias\"", with: "\"0.bias\": \"pytorch_model-00001-of-00002.bin\", \"extra\""))?
            .message.contains("the index maps 'extra'") == true)
        #expect(index(good.replacingOccurrences(of: "pytorch_model-00002-of-00002.bin", with: "../pytorch_model-00002-of-00002.bin"))?.kind == .refused)
        #expect(index(good.replacingOccurrences(of: "pytorch_model-00002-of-00002.bin", with: "missing.bin"))?.kind == .io)
        #expect(index("{\"metadata\": {}}")?.message.contains("has no `weight_map`") == true)
        #expect(index("{\"weight_map\": {\"a\": 3}}")?.message.contains("not a file name") == true)
    }
}
