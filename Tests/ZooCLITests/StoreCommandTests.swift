import Foundation
import Testing
import ZooFormat
@testable import ZooRegistry

/// Runs the built `zoo` executable and makes test files with the official safetensors package.
enum StoreCLI {
    /// The built `zoo` (found as the file-command tests find it).
    static var executable: String { ZooRunner.binary }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `zoo args...` with `ZOO_PATH` unset and waits for it.
    @discardableResult
    static func run(_ args: [String]) throws -> Result {
        let p = start(args)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A configured, not yet started `zoo` process.
    static func start(_ args: [String]) -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["ZOO_PATH"] = nil
        p.environment = env
        return p
    }

    /// Writes safetensors files with python's `safetensors` package: for each seed, `tensors`
    /// float32 tensors of `rows` x `cols` normal values, plus metadata {"format": "pt"}.
    static func makeSafetensors(_ paths: [String], seeds: [Int], tensors: Int, rows: Int, cols: Int) throws {
        let script = """
        import sys, numpy as np
        from safetensors.numpy import save_file
        n, rows, cols = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
        for path, seed in zip(sys.argv[4::2], sys.argv[5::2]):
            rng = np.random.default_rng(int(seed))
            t = {f"encoder.layer.{i}.weight": rng.standard_normal((rows, cols)).astype(np.float32) for i in range(n)}
            t["head.bias"] = rng.standard_normal((cols,)).astype(np.float16)
            t["embed.ids"] = np.arange(rows, dtype=np.int64)
            save_file(t, path, metadata={"format": "pt"})
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, String(tensors), String(rows), String(cols)]
            + zip(paths, seeds).flatMap { [$0.0, String($0.1)] }
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw StoreError(.io, "python3 could not write safetensors test files") }
    }

    /// A temporary directory for one test.
    static func directory() throws -> String {
        let d = NSTemporaryDirectory() + "zoo-cli-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Every file under `path` with its content (without the private lock/temp directory).
    static func snapshot(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(atPath: path) else { return files }
        for case let rel as String in e where !rel.hasPrefix(".zoo") {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + rel, isDirectory: &isDir), !isDir.boolValue {
                files[rel] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + rel))
            }
        }
        return files
    }
}

@Suite(.serialized) struct StoreCommandTests {
    @Test func importListExportRoundTrips() throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let zoo = dir + "/zoo", source = dir + "/a.safetensors"
        try StoreCLI.makeSafetensors([source], seeds: [7], tensors: 3, rows: 64, cols: 48)
        #expect(try StoreCLI.run(["init", zoo]).status == 0)

        let imported = try StoreCLI.run(["import", source, "enc:prod", "--codec", "deflate", "--json", "--zoo", zoo])
        #expect(imported.status == 0, "\(imported.stderr)")
        let first = try #require(try StoreCLI.json(imported.stdout) as? [String: Any])
        #expect((first["new_blob_bytes"] as? Int ?? 0) > 0)

        let listed = try StoreCLI.run(["list", "--json", "--zoo", zoo])
        let rows = try #require(try StoreCLI.json(listed.stdout) as? [[String: Any]])
        #expect(rows.count == 1)
        let row = rows[0]
        #expect(row["name"] as? String == "enc" && row["version"] as? Int == 1)
        #expect(row["tags"] as? [String] == ["prod"])
        #expect(row["parameters"] as? Int == 3 * 64 * 48 + 48 + 64)
        #expect(row["raw_bytes"] as? Int == 3 * 64 * 48 * 4 + 48 * 2 + 64 * 8)
        #expect((row["stored_bytes"] as? Int ?? 0) > 0)
        #expect((row["digest"] as? String ?? "").hasPrefix("sha256:"))
        #expect(row["created"] is String && row.keys.contains("parent"))

        // safetensors -> store -> safetensors is byte-identical.
        let back = dir + "/back.safetensors"
        #expect(try StoreCLI.run(["export", "enc:prod", back, "--zoo", zoo]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: back)) == Data(contentsOf: URL(fileURLWithPath: source)))

        // .zckpt export carries the stored streams; importing it adds no tensor bytes, and
        // exporting that again gives the same streams.
        let z1 = dir + "/one.zckpt", z2 = dir + "/two.zckpt"
        #expect(try StoreCLI.run(["export", "enc", z1, "--zoo", zoo]).status == 0)
        let again = try StoreCLI.run(["import", z1, "copy", "--json", "--zoo", zoo])
        #expect(again.status == 0, "\(again.stderr)")
        let second = try #require(try StoreCLI.json(again.stdout) as? [String: Any])
        #expect(second["new_blob_bytes"] as? Int == 0)
        #expect(try StoreCLI.run(["export", "copy:1", z2, "--zoo", zoo]).status == 0)
        let r1 = try CheckpointReader(path: z1), r2 = try CheckpointReader(path: z2)
        #expect(r1.index.tensors.map(\.name) == r2.index.tensors.map(\.name))
        for (a, b) in zip(r1.index.tensors, r2.index.tensors) {
            #expect(Array(try r1.stream(of: a)) == Array(try r2.stream(of: b)))
        }

        // du: the second model shares every tensor blob.
        let du = try #require(try StoreCLI.json(try StoreCLI.run(["du", "--json", "--zoo", zoo]).stdout) as? [String: Any])
        let models = try #require(du["models"] as? [[String: Any]])
        let store = try Store.open(zoo)
        let m = try store.manifest(of: try store.resolve("copy"))
        let own = Int(m.config.size) + Int(try store.resolve("copy").manifestSize)
        #expect(models.first { $0["reference"] as? String == "copy" }?["exclusive_bytes"] as? Int == own)
        #expect(try store.verify().ok)

        // lineage of the .zckpt import names its source file.
        let lineage = try StoreCLI.run(["lineage", "copy", "--zoo", zoo])
        #expect(lineage.status == 0 && lineage.stdout.contains("import") && lineage.stdout.contains("one.zckpt"))
    }

    @Test func tagRmGcThroughTheCommands() throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let zoo = dir + "/zoo", a = dir + "/a.safetensors", b = dir + "/b.safetensors"
        try StoreCLI.makeSafetensors([a, b], seeds: [1, 2], tensors: 2, rows: 16, cols: 16)
        #expect(try StoreCLI.run(["init", zoo]).status == 0)
        #expect(try StoreCLI.run(["import", a, "m", "--codec", "raw", "--zoo", zoo]).status == 0)
        #expect(try StoreCLI.run(["import", b, "m", "--codec", "raw", "--zoo", zoo]).status == 0)
        #expect(try StoreCLI.run(["tag", "m:1", "m:stable", "--zoo", zoo]).status == 0)
        let table = try StoreCLI.run(["list", "--zoo", zoo]).stdout
        #expect(table.contains("stable") && table.contains("NAME"))
        #expect(try StoreCLI.run(["rm", "m", "--zoo", zoo]).status != 0)  // ambiguous
        let rm = try StoreCLI.run(["rm", "m:1", "--json", "--zoo", zoo])
        let removed = try #require(try StoreCLI.json(rm.stdout) as? [String: Any])
        #expect(removed["versions"] as? [String] == ["m:1"] && removed["tags"] as? [String] == ["m:stable"])
        let dry = try #require(try StoreCLI.json(try StoreCLI.run(["gc", "--dry-run", "--json", "--zoo", zoo]).stdout) as? [String: Any])
        let gc = try #require(try StoreCLI.json(try StoreCLI.run(["gc", "--json", "--zoo", zoo]).stdout) as? [String: Any])
        #expect((dry["freed_bytes"] as? Int ?? 0) > 0 && dry["freed_bytes"] as? Int == gc["freed_bytes"] as? Int)
        #expect(try Store.open(zoo).verify().ok)
        let back = dir + "/b2.safetensors"
        #expect(try StoreCLI.run(["export", "m:2", back, "--zoo", zoo]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: back)) == Data(contentsOf: URL(fileURLWithPath: b)))
    }

    @Test func theDefaultStoreIsCreatedOnFirstWriteOnly() throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let home = dir + "/home", work = dir + "/work", a = dir + "/a.safetensors"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try StoreCLI.makeSafetensors([a], seeds: [9], tensors: 1, rows: 4, cols: 4)
        func run(_ args: [String], in cwd: String) throws -> StoreCLI.Result {
            let p = StoreCLI.start(args)
            p.environment?["HOME"] = home
            p.environment?["XDG_DATA_HOME"] = nil
            p.currentDirectoryURL = URL(fileURLWithPath: cwd)
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return StoreCLI.Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                                   stderr: String(decoding: e, as: UTF8.self))
        }
        // Reading never creates it; the first import does.
        #expect(try run(["list"], in: work).status != 0)
        #expect(!FileManager.default.fileExists(atPath: home + "/.local/share/zoo"))
        #expect(try run(["import", a, "tiny", "--codec", "raw"], in: work).status == 0)
        #expect(Store.isStore(at: home + "/.local/share/zoo"))
        // ./zoo wins over the home store when it is a store.
        #expect(try StoreCLI.run(["init", work + "/zoo"]).status == 0)
        #expect((try StoreCLI.json(try run(["list", "--json"], in: work).stdout) as? [Any])?.isEmpty == true)
        #expect(try run(["list", "--json", "--zoo", home + "/.local/share/zoo"], in: work).stdout.contains("\"tiny\""))
    }

    @Test func badInputGivesAClearErrorAndChangesNothing() throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let zoo = dir + "/zoo", a = dir + "/a.safetensors"
        try StoreCLI.makeSafetensors([a], seeds: [3], tensors: 2, rows: 16, cols: 16)

        let missing = try StoreCLI.run(["list", "--zoo", dir + "/nowhere"])
        #expect(missing.status != 0 && missing.stderr.contains("zoo init"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/nowhere"))

        #expect(try StoreCLI.run(["init", zoo]).status == 0)
        #expect(try StoreCLI.run(["import", a, "bert", "--codec", "raw", "--zoo", zoo]).status == 0)
        var before = try StoreCLI.snapshot(zoo)
        for args in [["export", "../evil", dir + "/x.zckpt"], ["export", "Bert", dir + "/x.zckpt"], ["tag", "bert", "bert:7"],
                     ["import", a, "a/b"], ["rm", "bert:9"]] {
            let r = try StoreCLI.run(args + ["--zoo", zoo])
            #expect(r.status != 0, "\(args) succeeded")
            #expect(!r.stderr.isEmpty)
        }
        let typo = try StoreCLI.run(["export", "bret", dir + "/x.zckpt", "--zoo", zoo])
        #expect(typo.status != 0 && typo.stderr.contains("did you mean bert"))
        #expect(try StoreCLI.snapshot(zoo) == before)
        #expect(!FileManager.default.fileExists(atPath: dir + "/x.zckpt"))

        // A corrupted tensor blob: export refuses it and writes no file.
        let store = try Store.open(zoo)
        let layer = try #require(try store.manifest(of: try store.resolve("bert")).layers.first)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: store.blobPath(layer.digest)))
        bytes[5] ^= 1
        try bytes.write(to: URL(fileURLWithPath: store.blobPath(layer.digest)))
        before = try StoreCLI.snapshot(zoo)
        for out in [dir + "/c.zckpt", dir + "/c.safetensors"] {
            let r = try StoreCLI.run(["export", "bert", out, "--zoo", zoo])
            #expect(r.status != 0 && r.stderr.contains("corrupted"))
            #expect(!FileManager.default.fileExists(atPath: out))
        }
        #expect(try !store.verify().ok)
        #expect(try StoreCLI.snapshot(zoo) == before)

        // A garbled index.json: every command refuses, nothing changes.
        try Data("{\"schemaVersion\": 2, \"manifests\": [".utf8).write(to: URL(fileURLWithPath: zoo + "/index.json"))
        before = try StoreCLI.snapshot(zoo)
        for args in [["list"], ["import", a, "other"], ["tag", "bert:1", "bert:x"], ["rm", "bert:1"], ["gc"], ["du"],
                     ["export", "bert", dir + "/d.zckpt"], ["lineage", "bert"]] {
            let r = try StoreCLI.run(args + ["--zoo", zoo])
            #expect(r.status != 0, "\(args) accepted a garbled index")
            #expect(r.stderr.contains("index.json"), "\(args): \(r.stderr)")
        }
        #expect(try StoreCLI.snapshot(zoo) == before)
    }
}
