import Foundation
import Testing
@testable import ZooFormat

/// Files written by the official Python `safetensors` package (0.8.0, `safetensors.numpy.save`,
/// with `ml_dtypes` for BF16 and FP8): the independent reference for the reader and for the
/// writer's byte layout.
enum OfficialFiles {
    /// 14 tensors in every dtype zoo supports, a scalar and an empty tensor; metadata {"format": "pt"}.
    static let allDTypes = "cAMAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJpLjY0Ijp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJ3LmY2NCI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMjQsNzJdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsNF0sImRhdGFfb2Zmc2V0cyI6WzcyLDcyXX0sInNjYWxhciI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbXSwiZGF0YV9vZmZzZXRzIjpbNzIsNzZdfSwidy5mMzIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzNdLCJkYXRhX29mZnNldHMiOls3Niw4OF19LCJpLjMyIjp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbODgsOTZdfSwidy5iZjE2Ijp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbM10sImRhdGFfb2Zmc2V0cyI6Wzk2LDEwMl19LCJ3LmYxNiI6eyJkdHlwZSI6IkYxNiIsInNoYXBlIjpbMiwyXSwiZGF0YV9vZmZzZXRzIjpbMTAyLDExMF19LCJpLjE2Ijp7ImR0eXBlIjoiSTE2Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMTEwLDExNl19LCJ3LmU0bTMiOnsiZHR5cGUiOiJGOF9FNE0zIiwic2hhcGUiOls1XSwiZGF0YV9vZmZzZXRzIjpbMTE2LDEyMV19LCJ3LmU1bTIiOnsiZHR5cGUiOiJGOF9FNU0yIiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMTIxLDEyMl19LCJpLjgiOnsiZHR5cGUiOiJJOCIsInNoYXBlIjpbNV0sImRhdGFfb2Zmc2V0cyI6WzEyMiwxMjddfSwidS44Ijp7ImR0eXBlIjoiVTgiLCJzaGFwZSI6WzddLCJkYXRhX29mZnNldHMiOlsxMjcsMTM0XX0sImIiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMTM0LDEzN119fSAg//////////8AAAAAAAAAAAEAAAAAAAAAWPwfHKMnVD8+MFuapR7TP1gV2IB5i9G/AoGxdLp/7L+SljB+Uxndv/DTXI6Ru++/AAAgQCNZdj0sjKs/fgL8vgAAAAABAAAAbr/wvDI/97jWN7Y1vy4AAAEAAgC7r7+6v7T+/wABAgABAgMEBQYBAAE="
    /// A name and metadata with quotes, backslashes, control characters, DEL, U+2028 and emoji.
    static let escapes = "eAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJrXCJcdTAwMWIiOiJ24oCoLyJ9LCJhL2JcImNcXGRcblx0XHUwMDAxfyDDqeKCrPCfmIAiOnsiZHR5cGUiOiJVOCIsInNoYXBlIjpbMV0sImRhdGFfb2Zmc2V0cyI6WzAsMV19fSAA"
    /// No tensors, no metadata.
    static let empty = "CAAAAAAAAAB7fSAgICAgIA=="

    static func bytes(_ base64: String) -> [UInt8] { Array(Data(base64Encoded: base64) ?? Data()) }
}

/// A scratch folder removed when the value goes away.
final class ScratchFolder {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "zoo-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String, _ bytes: [UInt8]) -> String {
        let p = path + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }
    func read(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path + "/" + name) ?? Data()) }
}

/// Builds a safetensors file from a header text and a data section.
func safetensorsFile(header: String, data: [UInt8] = []) -> [UInt8] {
    let h = Array(header.utf8)
    return withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init) + h + data
}

/// Copies every tensor of `file` through `SafetensorsWriter`, in file order with its metadata order.
func rewrite(_ file: SafetensorsFile, to path: String) throws {
    let writer = try SafetensorsWriter(path: path, tensors: file.tensors.map { ($0.name, $0.dtype, $0.shape) },
                                       orderedMetadata: file.header.metadata)
    for entry in file.tensors { try writer.write(file.bytes(of: entry)) }
    try writer.finish()
}

@Suite struct SafetensorsReadWriteTests {
    @Test func readsEveryDTypeTheOfficialWriterWrites() throws {
        let scratch = ScratchFolder()
        let original = OfficialFiles.bytes(OfficialFiles.allDTypes)
        let file = try SafetensorsFile(path: scratch.file("all.safetensors", original))
        #expect(file.tensors.count == 14)
        #expect(Set(file.tensors.map(\.dtype)) == Set(DType.allCases))
        #expect(file.metadata == ["format": "pt"])
        #expect(file.isCanonical)
        let scalar = try #require(file.entry(named: "scalar"))
        #expect(scalar.shape == [] && scalar.elementCount == 1)
        #expect(Array(file.bytes(of: scalar)) == withUnsafeBytes(of: Float(2.5).bitPattern.littleEndian, Array.init))
        let empty = try #require(file.entry(named: "empty"))
        #expect(empty.shape == [0, 4] && file.bytes(of: empty).count == 0)
        let i64 = try #require(file.entry(named: "i.64"))
        #expect(Array(file.bytes(of: i64)) == [-1, 0, 1].flatMap { withUnsafeBytes(of: Int64($0).littleEndian, Array.init) })
        let u8 = try #require(file.entry(named: "u.8"))
        #expect(Array(file.bytes(of: u8)) == Array(0..<7))
        // Data order: contiguous from 0.
        var end = 0
        for entry in file.tensors { #expect(entry.dataOffsets.lowerBound == end); end = entry.dataOffsets.upperBound }
        #expect(end == file.fileSize - file.dataStart)
    }

    @Test(arguments: [OfficialFiles.allDTypes, OfficialFiles.escapes, OfficialFiles.empty])
    func writerReproducesTheOfficialBytes(_ base64: String) throws {
        let scratch = ScratchFolder()
        let original = OfficialFiles.bytes(base64)
        let file = try SafetensorsFile(path: scratch.file("in.safetensors", original))
        #expect(file.isCanonical)
        try rewrite(file, to: scratch.path + "/out.safetensors")
        #expect(scratch.read("out.safetensors") == original)
    }

    @Test func officialOrderSortsByAlignmentThenName() throws {
        let scratch = ScratchFolder()
        let file = try SafetensorsFile(path: scratch.file("all.safetensors", OfficialFiles.bytes(OfficialFiles.allDTypes)))
        let shuffled = file.tensors.reversed().map { $0 }
        let sorted = SafetensorsHeader.officialOrder(shuffled, name: \.name, dtype: \.dtype)
        #expect(sorted.map(\.name) == file.tensors.map(\.name))
    }

    @Test func escapedNamesAndMetadataRoundTrip() throws {
        let scratch = ScratchFolder()
        let file = try SafetensorsFile(path: scratch.file("e.safetensors", OfficialFiles.bytes(OfficialFiles.escapes)))
        #expect(file.tensors.first?.name == "a/b\"c\\d\n\t\u{1}\u{7F} é€😀")
        #expect(file.metadata == ["k\"\u{1B}": "v\u{2028}/"])
    }

    @Test func dictionaryMetadataIsWrittenInSortedKeyOrder() throws {
        let scratch = ScratchFolder()
        let path = scratch.path + "/m.safetensors"
        let writer = try SafetensorsWriter(path: path, tensors: [("x", .u8, [2])], metadata: ["b": "2", "a": "1"])
        try [UInt8(1), 2].withUnsafeBytes { try writer.write($0) }
        try writer.finish()
        let header = String(decoding: scratch.read("m.safetensors").dropFirst(8), as: UTF8.self)
        #expect(header.hasPrefix(#"{"__metadata__":{"a":"1","b":"2"},"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#))
        #expect((scratch.read("m.safetensors").count - 8 - 2) % 8 == 0)
    }

    @Test func writerRefusesWrongSizesAndLeavesNoFile() throws {
        let scratch = ScratchFolder()
        let path = scratch.path + "/w.safetensors"
        let writer = try SafetensorsWriter(path: path, tensors: [("a", .f32, [2]), ("b", .u8, [1])], metadata: nil)
        #expect(throws: FormatError.self) { try [UInt8](repeating: 0, count: 7).withUnsafeBytes { try writer.write($0) } }
        #expect(!FileManager.default.fileExists(atPath: path))
        let second = try SafetensorsWriter(path: path, tensors: [("a", .f32, [2]), ("b", .u8, [1])], metadata: nil)
        try [UInt8](repeating: 0, count: 8).withUnsafeBytes { try second.write($0) }
        let error = #expect(throws: FormatError.self) { try second.finish() }
        #expect(error?.message.contains("'b'") == true)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test func writerRefusesTheReservedNameAndDuplicates() {
        let scratch = ScratchFolder()
        #expect(throws: FormatError.self) {
            _ = try SafetensorsWriter(path: scratch.path + "/x.safetensors", tensors: [("__metadata__", .u8, [1])], metadata: nil)
        }
        #expect(throws: FormatError.self) {
            _ = try SafetensorsWriter(path: scratch.path + "/x.safetensors", tensors: [("a", .u8, [1]), ("a", .u8, [1])], metadata: nil)
        }
    }

    @Test func nonCanonicalHeaderIsReadAndFlagged() throws {
        let scratch = ScratchFolder()
        let bytes = safetensorsFile(header: #" { "b": {"shape": [1], "dtype": "U8", "data_offsets": [1, 2]}, "a": {"dtype":"U8","shape":[1],"data_offsets":[0,1]} }"#, data: [7, 9])
        let file = try SafetensorsFile(path: scratch.file("n.safetensors", bytes))
        #expect(file.tensors.map(\.name) == ["a", "b"])
        #expect(!file.isCanonical)
        #expect(file.metadata == nil)
        #expect(Array(file.bytes(of: file.tensors[1])) == [9])
    }
}

/// Each bad header the reference reader refuses, and what zoo says about it.
@Suite struct SafetensorsDistrustTests {
    static let valid = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#

    func failure(_ bytes: [UInt8]) -> FormatError? {
        let scratch = ScratchFolder()
        do {
            _ = try SafetensorsFile(path: scratch.file("bad.safetensors", bytes))
            return nil
        } catch {
            return error
        }
    }

    @Test func validFileOpens() {
        #expect(failure(safetensorsFile(header: Self.valid, data: Array(repeating: 0, count: 8))) == nil)
    }

    @Test(arguments: [
        // (header, data length, expected kind, a phrase of the message)
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 7, FormatError.Kind.truncated, "truncated"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 9, .malformed, "trailing"),
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8, .malformed, "12 bytes"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[6,10]}}"#, 10, .malformed, "gap"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8, .malformed, "overlaps"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, 8, .malformed, "end before"),
        (#"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, 8, .limitExceeded, "overflows"),
        (#"{"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,8]}}"#, 8, .limitExceeded, "overflows"),
        (#"{"a":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, 8, .malformed, "unknown dtype 'F33'"),
        (#"{"a":{"dtype":"U32","shape":[2],"data_offsets":[0,8]}}"#, 8, .invalidArgument, "cannot store yet"),
        (#"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, 8, .malformed, "non-negative"),
        (#"{"a":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#, 8, .malformed, "non-negative"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}"#, 8, .malformed, "two non-negative"),
        (#"{"a":{"dtype":"F32","shape":[2]}}"#, 8, .malformed, "no `data_offsets`"),
        (#"{"a":[1,2]}"#, 0, .malformed, "must be an object"),
        (#"{"__metadata__":{"k":1},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 8, .malformed, "strings to strings"),
        (#"{"__metadata__":"x","a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 8, .malformed, "object of strings"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 8, .malformed, "twice"),
        (#"[1,2]"#, 0, .malformed, "not a JSON object"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#, 8, .malformed, "invalid JSON"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}x"#, 8, .malformed, "after the JSON value"),
        (#"{"a\ud800":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 8, .malformed, "surrogate"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],}}"#, 8, .malformed, "invalid JSON"),
    ])
    func refuses(_ header: String, _ dataLength: Int, _ kind: FormatError.Kind, _ phrase: String) throws {
        let error = try #require(failure(safetensorsFile(header: header, data: Array(repeating: 0, count: dataLength))))
        #expect(error.kind == kind)
        #expect(error.message.contains(phrase), "message was: \(error.message)")
        #expect(error.message.contains("bad.safetensors"))
    }

    @Test func refusesDeepNesting() throws {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = try #require(failure(safetensorsFile(header: #"{"__metadata__":"# + deep + "}")))
        #expect(error.message.contains("nest deeper"))
    }

    @Test func refusesNonUTF8Header() throws {
        var bytes = safetensorsFile(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8))
        bytes[10] = 0xFF
        let error = try #require(failure(bytes))
        #expect(error.message.contains("UTF-8"))
    }

    @Test func refusesHugeDeclaredHeaderWithoutAllocating() throws {
        var bytes = withUnsafeBytes(of: UInt64(100_000_001).littleEndian, Array.init)
        bytes += Array("{}".utf8)
        let error = try #require(failure(bytes))
        #expect(error.kind == .limitExceeded)
        let lying = withUnsafeBytes(of: UInt64.max.littleEndian, Array.init) + Array("{}".utf8)
        #expect(failure(lying)?.kind == .limitExceeded)
    }

    @Test func refusesHeaderRunningPastTheEnd() throws {
        let bytes = withUnsafeBytes(of: UInt64(64).littleEndian, Array.init) + Array("{}".utf8)
        let error = try #require(failure(bytes))
        #expect(error.kind == .truncated)
        #expect(failure([1, 2, 3])?.kind == .truncated)
    }

    @Test func missingFileIsAnIOError() throws {
        let error = #expect(throws: FormatError.self) { _ = try SafetensorsFile(path: "/nonexistent/zoo/x.safetensors") }
        #expect(error?.kind == .io)
        #expect(error?.message.contains("No such file") == true)
    }
}
