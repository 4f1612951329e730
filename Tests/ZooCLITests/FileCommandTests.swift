import Foundation
import Testing

/// A file written by the official Python `safetensors` package (numpy + ml_dtypes): 14 tensors in
/// every dtype zoo supports, a scalar, an empty tensor, metadata {"format": "pt"}.
let officialFile = Array(Data(base64Encoded: "cAMAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJpLjY0Ijp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwyNF19LCJ3LmY2NCI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMjQsNzJdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzAsNF0sImRhdGFfb2Zmc2V0cyI6WzcyLDcyXX0sInNjYWxhciI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbXSwiZGF0YV9vZmZzZXRzIjpbNzIsNzZdfSwidy5mMzIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzNdLCJkYXRhX29mZnNldHMiOls3Niw4OF19LCJpLjMyIjp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbODgsOTZdfSwidy5iZjE2Ijp7ImR0eXBlIjoiQkYxNiIsInNoYXBlIjpbM10sImRhdGFfb2Zmc2V0cyI6Wzk2LDEwMl19LCJ3LmYxNiI6eyJkdHlwZSI6IkYxNiIsInNoYXBlIjpbMiwyXSwiZGF0YV9vZmZzZXRzIjpbMTAyLDExMF19LCJpLjE2Ijp7ImR0eXBlIjoiSTE2Iiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMTEwLDExNl19LCJ3LmU0bTMiOnsiZHR5cGUiOiJGOF9FNE0zIiwic2hhcGUiOls1XSwiZGF0YV9vZmZzZXRzIjpbMTE2LDEyMV19LCJ3LmU1bTIiOnsiZHR5cGUiOiJGOF9FNU0yIiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMTIxLDEyMl19LCJpLjgiOnsiZHR5cGUiOiJJOCIsInNoYXBlIjpbNV0sImRhdGFfb2Zmc2V0cyI6WzEyMiwxMjddfSwidS44Ijp7ImR0eXBlIjoiVTgiLCJzaGFwZSI6WzddLCJkYXRhX29mZnNldHMiOlsxMjcsMTM0XX0sImIiOnsiZHR5cGUiOiJCT09MIiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMTM0LDEzN119fSAg//////////8AAAAAAAAAAAEAAAAAAAAAWPwfHKMnVD8+MFuapR7TP1gV2IB5i9G/AoGxdLp/7L+SljB+Uxndv/DTXI6Ru++/AAAgQCNZdj0sjKs/fgL8vgAAAAABAAAAbr/wvDI/97jWN7Y1vy4AAAEAAgC7r7+6v7T+/wABAgABAgMEBQYBAAE=") ?? Data())

/// A scratch folder removed when the value goes away.
final class Scratch {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "zoo-cli-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        _ = FileManager.default.createFile(atPath: path + "/" + name, contents: Data(bytes))
        return path + "/" + name
    }
    func read(_ name: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path + "/" + name) ?? Data()) }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + name) }
}

@Suite struct InspectCommandTests {
    @Test func inspectsSafetensorsAsText() throws {
        let scratch = Scratch()
        let file = scratch.write("m.safetensors", officialFile)
        let result = try ZooRunner.run("inspect", file, "--tensors")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("format      safetensors"))
        #expect(result.stdout.contains("tensors     14"))
        #expect(result.stdout.contains("metadata    format = pt"))
        // The table lists every tensor, the scalar with an empty shape.
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("scalar ") || $0.hasPrefix("w.bf16 ") }
        #expect(rows.count == 2)
        #expect(rows.contains { $0.contains("F32") && $0.contains("[]") && $0.contains("raw") })
    }

    @Test func inspectsSafetensorsAsJSON() throws {
        let scratch = Scratch()
        let result = try ZooRunner.run("inspect", scratch.write("m.safetensors", officialFile), "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        // 6 + 3 + 0 + 1 + 3 + 2 + 3 + 4 + 3 + 5 + 1 + 5 + 7 + 3 elements.
        #expect(json["parameters"] as? Int == 46)
        #expect(json["raw_bytes"] as? Int == 137)
        #expect(json["stored_bytes"] as? Int == 137)
        #expect(json.keys.contains("format_version"))
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(tensors.count == 14)
        let f64 = try #require(tensors.first { $0["name"] as? String == "w.f64" })
        #expect(f64["dtype"] as? String == "F64")
        #expect(f64["shape"] as? [Int] == [2, 3])
        #expect(f64["codec"] as? String == "raw")
        #expect(f64["raw_bytes"] as? Int == 48 && f64["stored_bytes"] as? Int == 48)
    }

    @Test func missingFileExitsOneWithAnError() throws {
        let result = try ZooRunner.run("inspect", "/nonexistent/zoo/none.safetensors")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: /nonexistent/zoo/none.safetensors: cannot open: No such file"))
        #expect(result.stdout.isEmpty)
    }

    @Test func contentNotExtensionTellsTheFormat() throws {
        // A safetensors file named .bin is read as safetensors (formats/pytorch-checkpoints.md, §2.3).
        let scratch = Scratch()
        let result = try ZooRunner.run("inspect", scratch.write("m.bin", officialFile))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("format      safetensors"))
        // A path that does not exist and is not named like a checkpoint is a usage error.
        let missing = try ZooRunner.run("inspect", scratch.path + "/m.foo")
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("is not named like a checkpoint"))
    }

    @Test func corruptSafetensorsExitsOneNamingTheProblem() throws {
        let scratch = Scratch()
        var bytes = officialFile
        bytes.removeLast(2)
        let result = try ZooRunner.run("inspect", scratch.write("bad.safetensors", bytes))
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.contains("truncated"))
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func helpDocumentsExitCodes() throws {
        let result = try ZooRunner.run("inspect", "--help")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Exit status"))
        #expect(result.stdout.contains("--tensors"))
        let top = try ZooRunner.run("--help")
        for command in ["inspect", "convert", "verify"] { #expect(top.stdout.contains(command)) }
    }
}

@Suite struct ConvertAndVerifyCommandTests {
    @Test func safetensorsToSafetensorsKeepsTheBytes() throws {
        let scratch = Scratch()
        let input = scratch.write("a.safetensors", officialFile)
        let result = try ZooRunner.run("convert", input, scratch.path + "/b.safetensors")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(scratch.read("b.safetensors") == officialFile)
        #expect(result.stdout.contains("14 tensors"))
    }

    @Test(arguments: ["raw", "deflate", "planes"])
    func roundTripThroughZckptIsByteIdentical(_ codec: String) throws {
        let scratch = Scratch()
        let input = scratch.write("a.safetensors", officialFile)
        let there = try ZooRunner.run("convert", input, scratch.path + "/b.zckpt", "--codec", codec)
        #expect(there.status == 0, "\(there.stderr)")
        let verify = try ZooRunner.run("verify", scratch.path + "/b.zckpt")
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.hasPrefix("ok: "))
        let inspect = try ZooRunner.run("inspect", scratch.path + "/b.zckpt", "--json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        #expect(json["parameters"] as? Int == 46)
        #expect((json["tensors"] as? [[String: Any]])?.allSatisfy { $0["codec"] as? String == codec } == true)
        let back = try ZooRunner.run("convert", scratch.path + "/b.zckpt", scratch.path + "/c.safetensors")
        #expect(back.status == 0, "\(back.stderr)")
        #expect(scratch.read("c.safetensors") == officialFile)
    }

    @Test func zckptToZckptCopiesStreamsOrReencodes() throws {
        let scratch = Scratch()
        let input = scratch.write("a.safetensors", officialFile)
        #expect(try ZooRunner.run("convert", input, scratch.path + "/b.zckpt").status == 0)
        // Same codec, no level: the encoded streams are carried, so the file comes out the same.
        let copy = try ZooRunner.run("convert", scratch.path + "/b.zckpt", scratch.path + "/c.zckpt")
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(scratch.read("c.zckpt") == scratch.read("b.zckpt"))
        // Another codec: re-encoded, same values.
        let raw = try ZooRunner.run("convert", scratch.path + "/b.zckpt", scratch.path + "/d.zckpt", "--codec", "raw")
        #expect(raw.status == 0, "\(raw.stderr)")
        let inspect = try ZooRunner.run("inspect", scratch.path + "/d.zckpt", "--json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        #expect((json["tensors"] as? [[String: Any]])?.allSatisfy { $0["codec"] as? String == "raw" } == true)
        #expect(json["stored_bytes"] as? Int == 137)
        #expect(try ZooRunner.run("convert", scratch.path + "/d.zckpt", scratch.path + "/e.safetensors").status == 0)
        #expect(scratch.read("e.safetensors") == officialFile)
    }

    @Test func badLevelAndCodecForSafetensorsAreUsageErrors() throws {
        let scratch = Scratch()
        let input = scratch.write("a.safetensors", officialFile)
        let level = try ZooRunner.run("convert", input, scratch.path + "/b.zckpt", "--level", "12")
        #expect(level.status == 64)
        #expect(level.stderr.contains("--level must be 1 to 9"))
        let codec = try ZooRunner.run("convert", input, scratch.path + "/b.safetensors", "--codec", "deflate")
        #expect(codec.status == 64)
        let unknown = try ZooRunner.run("convert", input, scratch.path + "/b.zckpt", "--codec", "zstd")
        #expect(unknown.status == 64)
        let ext = try ZooRunner.run("convert", input, scratch.path + "/b.pt")
        #expect(ext.status == 64)
        #expect(!scratch.exists("b.zckpt") && !scratch.exists("b.safetensors"))
    }

    @Test func convertingAFileOntoItselfIsRefused() throws {
        let scratch = Scratch()
        let input = scratch.write("a.safetensors", officialFile)
        let result = try ZooRunner.run("convert", input, scratch.path + "/./a.safetensors")
        #expect(result.status == 1)
        #expect(result.stderr.contains("same file"))
        #expect(scratch.read("a.safetensors") == officialFile)
    }

    @Test func convertingACorruptFileFailsAndWritesNothing() throws {
        let scratch = Scratch()
        var bytes = officialFile
        bytes[20] = UInt8(ascii: "[")
        let input = scratch.write("bad.safetensors", bytes)
        let result = try ZooRunner.run("convert", input, scratch.path + "/out.zckpt")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(!scratch.exists("out.zckpt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == ["bad.safetensors"])
    }

    @Test func verifyNamesTheFirstBadTensor() throws {
        let scratch = Scratch()
        let input = scratch.write("a.safetensors", officialFile)
        #expect(try ZooRunner.run("convert", input, scratch.path + "/b.zckpt", "--codec", "raw").status == 0)
        // Flip one bit in the stored bytes of the last tensor with data, found through inspect's layout.
        var bytes = scratch.read("b.zckpt")
        let pattern: [UInt8] = [0, 1, 2, 3, 4, 5, 6] // tensor "u.8" (raw codec stores it as is)
        let at = try #require((0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern })
        bytes[at + 3] ^= 0x01
        let bad = scratch.write("bad.zckpt", bytes)
        let result = try ZooRunner.run("verify", bad)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: "))
        #expect(result.stderr.contains("tensor 'u.8'"))
        #expect(result.stderr.contains("chunk"))
    }

    @Test func verifyAcceptsGoodSafetensors() throws {
        let scratch = Scratch()
        let result = try ZooRunner.run("verify", scratch.write("a.safetensors", officialFile))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("no checksums"))
    }
}
