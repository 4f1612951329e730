import Foundation
import Testing
import ZooTestSupport
@testable import ZooFormat

/// Runs every file of formats/vectors/pytorch/ (written by torch.save and by
/// scripts/make_pytorch_vectors.py) as its manifest says: good files give each tensor's bytes as
/// `torch.load(...).contiguous()` gives them, bad files their documented error.
@Suite struct PyTorchVectorTests {
    struct Manifest: Decodable {
        struct Good: Decodable {
            struct Expect: Decodable {
                struct Tensor: Decodable {
                    var name: String
                    var dtype: String
                    var shape: [Int]
                    var sha256: String
                }
                var container: String
                var key: String?
                var stripped_prefix: String?
                var entries: [String]
                var tensors: [Tensor]
            }
            var file: String
            var expect: Expect
        }
        struct Bad: Decodable {
            var file: String
            var kind: String
            var message: String
        }
        var good: [Good]
        var bad: [Bad]
    }

    static var directory: URL { TestSupport.vectorsDirectory.appendingPathComponent("pytorch") }
    static func path(_ file: String) -> String { directory.appendingPathComponent(file).path }

    static let manifest: Manifest? = {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("manifest.json")) else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }()

    @Test func manifestListsEveryVector() throws {
        let manifest = try #require(Self.manifest)
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0 != "manifest.json" && $0 != "README.md" && $0 != "sharded" }
        let listed = Set(manifest.good.map(\.file) + manifest.bad.map(\.file))
        #expect(Set(files).isSubset(of: listed))
        #expect(listed.subtracting(files) == ["sharded/pytorch_model.bin.index.json"])
        // The issue's hostile cases are all there.
        for name in ["bad_os_system_zip.pt", "bad_os_system_legacy.pt", "bad_unknown_opcode_zip.pt", "bad_memo_bomb_zip.pt",
                     "bad_stack_bomb_zip.pt", "bad_absurd_tensor_zip.pt", "bad_storage_past_end_legacy.pt", "bad_zip_dotdot.pt",
                     "bad_zip_duplicate.pt", "bad_zip_bomb_ratio.pt", "bad_zip_bomb_lies.pt", "bad_truncated_zip.pt", "bad_truncated_legacy.pt"] {
            #expect(listed.contains(name), "\(name)")
        }
    }

    @Test func goodVectorsReadAsTorchLoadReadsThem() throws {
        let manifest = try #require(Self.manifest)
        var dtypes = Set<String>(), containers = Set<String>()
        for good in manifest.good {
            let source = try TensorSource(path: Self.path(good.file))
            let want = good.expect
            #expect(source.format.rawValue == want.container, "\(good.file)")
            #expect(source.tensorKey == want.key, "\(good.file)")
            #expect(source.strippedPrefix == want.stripped_prefix, "\(good.file)")
            #expect(source.entries.map(\.path) == want.entries, "\(good.file)")
            #expect(source.tensors.map(\.name) == want.tensors.map(\.name), "\(good.file)")
            for (i, (tensor, expected)) in zip(source.tensors, want.tensors).enumerated() {
                #expect(tensor.dtype.rawValue == expected.dtype && tensor.shape == expected.shape, "\(good.file) \(expected.name)")
                let bytes = try source.bytes(of: i)
                #expect(bytes.count == tensor.byteCount)
                #expect(bytes.withUnsafeBytes { SHA256Digest.hex($0) } == expected.sha256, "\(good.file) \(expected.name)")
                dtypes.insert(expected.dtype)
            }
            containers.insert(want.container)
        }
        #expect(dtypes == ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"])
        #expect(containers == ["pytorch-zip", "pytorch-legacy", "sharded"])
    }

    @Test func thePureReaderAgreesWithTheFileReader() throws {
        // PyTorchCheckpoint(bytes:) is what fuzzers call: the same tensors from an in-memory copy.
        let manifest = try #require(Self.manifest)
        for good in manifest.good where !good.file.hasPrefix("sharded/") {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path(good.file))))
            try bytes.withUnsafeBytes { raw in
                let checkpoint = try PyTorchCheckpoint(bytes: raw)
                #expect(checkpoint.tensors.map(\.name) == good.expect.tensors.map(\.name))
                for (i, expected) in good.expect.tensors.enumerated() {
                    #expect(SHA256Digest.hex(try checkpoint.contiguousBytes(of: i, file: raw)) == expected.sha256, "\(good.file) \(expected.name)")
                    let viaBorrow = try checkpoint.withContiguousBytes(of: i, file: raw) { (b) throws(FormatError) in SHA256Digest.hex(b) }
                    #expect(viaBorrow == expected.sha256)
                }
            }
        }
    }

    @Test func badVectorsGiveTheirDocumentedErrors() throws {
        let manifest = try #require(Self.manifest)
        #expect(manifest.bad.count >= 30)
        for bad in manifest.bad {
            let error = TestSupport.error {
                let source = try TensorSource(path: Self.path(bad.file))
                for i in source.tensors.indices { _ = try source.bytes(of: i) }
            }
            #expect(error?.kind.rawValue == bad.kind, "\(bad.file): \(String(describing: error))")
            #expect(error?.message.contains(bad.message) == true, "\(bad.file): \(error?.message ?? "no error")")
        }
    }

    @Test func keysAreFoundOrChosen() throws {
        let lightning = Self.path("good_lightning.ckpt")
        // --key picks any dict, with the longest matching key at each level.
        let optimizer = try TensorSource(path: lightning, key: "optimizer_states.0.state")
        #expect(optimizer.tensors.map(\.name) == ["0.exp_avg"])
        #expect(optimizer.tensorKey == "optimizer_states.0.state")
        #expect(optimizer.strippedPrefix == nil)
        let chosen = try TensorSource(path: lightning, key: "state_dict")
        #expect(chosen.tensors.map(\.name) == (try TensorSource(path: lightning)).tensors.map(\.name))
        for (key, message) in [("nothing", "has no key 'nothing'"), ("hyper_parameters", "holds no tensors under 'hyper_parameters'"),
                               ("epoch.x", "is an int, which has no key 'x'")] {
            let error = TestSupport.error { _ = try TensorSource(path: lightning, key: key) }
            #expect(error?.kind == .invalidArgument && error?.message.contains(message) == true, "\(key): \(String(describing: error))")
        }
        let error = TestSupport.error { _ = try TensorSource(path: Self.path("good_all_dtypes_zip.pt"), key: "w.f32") }
        #expect(error == nil, "a key may name a single tensor")
        let single = try TensorSource(path: Self.path("good_all_dtypes_zip.pt"), key: "w.f32")
        #expect(single.tensors.map(\.name) == ["w.f32"])
    }

    /// Every prefix of a real checkpoint, and single-byte changes throughout it, either read or
    /// fail with a `FormatError`: never a crash, a hang or an unchecked allocation.
    @Test(arguments: ["good_all_dtypes_zip.pt", "good_views_legacy.pt", "good_lightning.ckpt", "good_deflated_zip.pt"])
    func damagedCopiesFailCleanly(_ file: String) throws {
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path(file))))
        var rng = SeededGenerator(seed: 7)
        var mutants: [[UInt8]] = stride(from: 0, to: original.count, by: max(1, original.count / 97)).map { Array(original[..<$0]) }
        for _ in 0..<300 {
            var copy = original
            let at = Int.random(in: 0..<copy.count, using: &rng)
            copy[at] = UInt8.random(in: 0...255, using: &rng)
            mutants.append(copy)
        }
        var failed = 0
        for mutant in mutants {
            do {
                try mutant.withUnsafeBytes { raw in
                    let checkpoint = try PyTorchCheckpoint(bytes: raw)
                    for i in checkpoint.tensors.indices {
                        try checkpoint.verifyStorage(checkpoint.tensors[i].storage, file: raw)
                        _ = try checkpoint.contiguousBytes(of: i, file: raw)
                    }
                }
            } catch is FormatError {
                failed += 1
            }
        }
        // Every truncation fails; most byte changes are caught by the pickle, the directory or a CRC-32.
        #expect(failed >= 97)
    }

    @Test(.enabled(if: TestData.has("mobilenet_v2-b0353104.pth")))
    func realMobileNetV2Reads() throws {
        let path = TestData.path("mobilenet_v2-b0353104.pth")
        let source = try TensorSource(path: path)
        #expect(source.format == .pytorchLegacy)
        #expect(source.tensors.count == 314)
        #expect(source.tensorKey == nil && source.strippedPrefix == nil && source.entries.isEmpty)
        #expect(source.tensors.first == TensorSource.Tensor(name: "features.0.0.weight", dtype: .f32, shape: [32, 3, 3, 3], byteCount: 3456))
        #expect(source.tensors.last?.name == "classifier.1.bias" && source.tensors.last?.shape == [1000])
        #expect(source.tensors.filter { $0.dtype == .i64 }.allSatisfy { $0.name.hasSuffix("num_batches_tracked") && $0.shape == [] })
        #expect(source.tensors.reduce(0) { $0 + $1.elementCount } == 3_539_036)
        // Cut anywhere (inside the pickles, a storage header, a storage), it fails as truncated.
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        for cut in [10, 140, 20_000, 47_400, 47_330 + 6_778 + 4, bytes.count / 2, bytes.count - 1] {
            let error = TestSupport.error { _ = try Array(bytes[..<cut]).withUnsafeBytes { try PyTorchCheckpoint(bytes: $0) } }
            #expect(error?.kind == .truncated, "cut at \(cut): \(String(describing: error))")
        }
    }
}
