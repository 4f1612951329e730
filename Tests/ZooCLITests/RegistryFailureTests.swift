import Foundation
import Testing
import ZooRegistry
import ZooTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Failures in the middle of a transfer: a registry that dies mid-push, a pull killed mid-blob,
/// a registry that serves corrupted content. Each ends with a clear message, a documented exit
/// status and a store that verifies; a rerun finishes the job.
@Suite(.serialized) struct RegistryFailureTests {
    /// A store holding MiniLM (74 MB stored, 104 tensors): large enough to stop mid-way.
    static func miniLM(_ cli: RegistryCLI, dir: String) throws -> (store: String, digest: String) {
        let store = dir + "/here"
        #expect(try cli.run(["init", store]).status == 0)
        #expect(try cli.run(["import", TestData.path("minilm.safetensors"), "minilm", "--zoo", store]).status == 0)
        return (store, try Store.open(store).resolve("minilm").digest.description)
    }

    @Test func aRegistryThatAnswers503WhileItRestartsIsRetried() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let registry = try RegistryServer(directory: dir + "/registry")
        defer { registry.stop() }
        let proxy = try FlakyProxy(directory: dir, upstreamPort: registry.port)
        defer { proxy.stop() }
        let store = dir + "/here", there = dir + "/there"
        #expect(try cli.run(["init", store]).status == 0)
        #expect(try cli.run(["create", "small", "--input", "8", "--layers", "dense:4,relu,dense:2", "--seed", "1", "--zoo", store]).status == 0)
        let digest = try Store.open(store).resolve("small").digest.description
        // Every HEAD, GET and bodiless POST/PUT is refused once: without retries the push fails at its first request.
        let pushed = try cli.json(["push", "small", "\(proxy.host)/team/small:v1", "--plain-http", "--zoo", store])
        #expect(pushed["digest"] as? String == digest)
        #expect(try cli.run(["init", there]).status == 0)
        let pulled = try cli.json(["pull", "\(proxy.host)/team/small:v1", "--plain-http", "--zoo", there])
        #expect((pulled["version"] as? [String: Any])?["digest"] as? String == digest)
        #expect(try Store.open(there).verify().ok)
        let refused = proxy.refused
        #expect(refused.contains { $0.hasPrefix("503 HEAD") } && refused.contains { $0.hasPrefix("503 GET") }, "\(refused)")
    }

    @Test(.enabled(if: TestData.has("minilm.safetensors")))
    func aRegistryThatGoesAwayMidPushThenARetryFinishes() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let registry = try RegistryServer(directory: dir + "/registry")
        defer { registry.stop() }
        let (store, digest) = try Self.miniLM(cli, dir: dir)
        var interrupted: ZooRunner.Result?
        var repository = ""
        // Kill the registry as soon as its storage shows the push under way. A push can finish
        // before the kill lands (timing varies with load): then try again on a new repository.
        for attempt in 0..<5 where interrupted == nil {
            repository = "team/minilm\(attempt)"
            let p = cli.start(["push", "minilm", "\(registry.host)/\(repository):v1", "--plain-http", "--jobs", "2", "--zoo", store])
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            let before = registry.blobFiles().count
            try p.run()
            while p.isRunning, registry.blobFiles().count < before + 3 { usleep(1000) }
            let landed = p.isRunning
            registry.kill()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            if landed && p.terminationStatus != 0 {
                interrupted = ZooRunner.Result(status: p.terminationStatus, stdout: "", stderr: text)
            }
            try registry.start()
        }
        let failure = try #require(interrupted, "no push was interrupted in 5 tries")
        #expect(failure.status == 75, "\(failure.stderr)")
        #expect(failure.stderr.contains("cannot reach") && failure.stderr.contains("a rerun continues"), "\(failure.stderr)")
        #expect(try Store.open(store).verify().ok)

        // The registry is back (same storage): the retry sends only what is missing.
        let retry = try cli.json(["push", "minilm", "\(registry.host)/\(repository):v1", "--plain-http", "--zoo", store])
        #expect(retry["digest"] as? String == digest)
        #expect((retry["existing_blobs"] as? Int ?? 0) + (retry["mounted_blobs"] as? Int ?? 0) > 0, "the retry sent everything again: \(retry)")
        let there = dir + "/there"
        #expect(try cli.run(["init", there]).status == 0)
        let pulled = try cli.json(["pull", "\(registry.host)/\(repository):v1", "--plain-http", "--zoo", there])
        #expect((pulled["version"] as? [String: Any])?["digest"] as? String == digest)
        #expect(try Store.open(there).verify().ok)
    }

    @Test(.enabled(if: TestData.has("minilm.safetensors")))
    func aPullKilledMidBlobResumesWithARangeRequest() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let registry = try RegistryServer(directory: dir + "/registry")
        defer { registry.stop() }
        let (store, digest) = try Self.miniLM(cli, dir: dir)
        #expect(try cli.run(["push", "minilm", "\(registry.host)/team/minilm:v1", "--plain-http", "--zoo", store]).status == 0)

        let there = dir + "/there", tmp = there + "/.zoo/tmp"
        #expect(try cli.run(["init", there]).status == 0)
        var partial = 0
        for _ in 0..<5 where partial == 0 {
            let p = cli.start(["pull", "\(registry.host)/team/minilm:v1", "--plain-http", "--jobs", "1", "--zoo", there])
            p.standardError = FileHandle(forWritingAtPath: "/dev/null")
            p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try p.run()
            // Kill it once a blob is a megabyte into its download.
            while p.isRunning {
                let sizes = ((try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? []).filter { $0.hasPrefix("pull-") }
                    .map { ((try? FileManager.default.attributesOfItem(atPath: tmp + "/" + $0))?[.size] as? Int) ?? 0 }
                if let big = sizes.max(), big > 1 << 20 {
                    kill(p.processIdentifier, SIGKILL)
                    partial = big
                    break
                }
                usleep(500)
            }
            p.waitUntilExit()
            if partial == 0 { _ = try? cli.run(["rm", "minilm", "--all", "--zoo", there]) }
        }
        #expect(partial > 0, "no pull was killed mid-blob in 5 tries")
        // Killed: nothing committed, and the store verifies (the partial download is a temporary file).
        let killed = try Store.open(there)
        #expect(try killed.list().isEmpty)
        #expect(try killed.verify().ok)

        let rerun = try cli.json(["pull", "\(registry.host)/team/minilm:v1", "--plain-http", "--zoo", there])
        #expect((rerun["version"] as? [String: Any])?["digest"] as? String == digest)
        let resumed = rerun["resumed_bytes"] as? Int ?? 0
        #expect(resumed >= 1 << 20, "the rerun kept \(resumed) bytes of the interrupted blob")
        let report = try Store.open(there).verify()
        #expect(report.ok && report.temporaryFiles == 0, "\(report.problems), \(report.temporaryFiles) temporary files")
        let out = dir + "/out.safetensors"
        #expect(try cli.run(["export", "minilm", out, "--zoo", there]).status == 0)
        #expect(FileManager.default.contentsEqual(atPath: out, andPath: TestData.path("minilm.safetensors")))
    }

    @Test func aRegistryServingWrongContentIsRefusedWithNothingImported() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let registry = try RegistryServer(directory: dir + "/registry")
        defer { registry.stop() }
        let (store, _) = try RegistryAuthTests.model(cli, in: dir)
        #expect(try cli.run(["push", "m", "\(registry.host)/team/m:v1", "--plain-http", "--zoo", store]).status == 0)
        let manifest = try Store.open(store).manifest(of: try Store.open(store).resolve("m"))
        let victim = manifest.layers[1].digest
        let files = registry.blobFiles()
        let path = try #require(files[victim.hex])
        // Flip one byte in the middle: same size, other content.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let there = dir + "/there"
        #expect(try cli.run(["init", there]).status == 0)
        let refused = try cli.run(["pull", "\(registry.host)/team/m:v1", "--plain-http", "--zoo", there])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains(victim.description) && refused.stderr.contains("other content"), "\(refused.stderr)")
        let after = try Store.open(there)
        #expect(try after.list().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: after.blobPath(victim)))
        // The refused blob's download is deleted (other blobs' partial downloads may stay, for a rerun).
        #expect(!FileManager.default.fileExists(atPath: there + "/.zoo/tmp/pull-" + victim.hex))
        let report = try after.verify()
        #expect(report.ok, "\(report.problems)")

        // A corrupted manifest is refused too (its digest is checked against the one asked for).
        let manifestPath = try #require(files[try Store.open(store).resolve("m").digest.hex])
        var m = [UInt8](try Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        m[m.count / 2] = m[m.count / 2] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        try Data(m).write(to: URL(fileURLWithPath: manifestPath))
        let byDigest = try cli.run(["pull", "\(registry.host)/team/m@\(try Store.open(store).resolve("m").digest)", "--as", "m", "--plain-http", "--zoo", there])
        #expect(byDigest.status == 1 && byDigest.stderr.contains("other content"), "\(byDigest.stderr)")
        #expect(try Store.open(there).list().isEmpty)
    }
}
