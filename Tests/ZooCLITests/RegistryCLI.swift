import Foundation
import ZooRegistry
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `zoo` for the registry tests, with a private home: `DOCKER_CONFIG`, `HOME` and
/// `XDG_RUNTIME_DIR` point into the test's directory, so no user's credentials are read or written.
struct RegistryCLI {
    let home: String
    var extraEnvironment: [String: String] = [:]

    init(directory: String) throws {
        home = directory + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
    }

    /// `config.json` as zoo (and docker) write it.
    var dockerConfig: String { home + "/.docker/config.json" }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["ZOO_PATH"] = nil
        env["REGISTRY_AUTH_FILE"] = nil
        env["HOME"] = home
        env["DOCKER_CONFIG"] = home + "/.docker"
        env["XDG_RUNTIME_DIR"] = home + "/run"
        for (k, v) in extraEnvironment { env[k] = v }
        return env
    }

    /// A configured, not yet started `zoo` process.
    func start(_ args: [String]) -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ZooRunner.binary)
        p.arguments = args
        p.environment = environment
        return p
    }

    /// Runs `zoo args...` (with `input` on stdin) and waits.
    @discardableResult
    func run(_ args: [String], input: String? = nil) throws -> ZooRunner.Result {
        let r = try TestTool.collect(start(args), input: input)
        return ZooRunner.Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    /// Runs `zoo args... --json` and decodes stdout; fails with stderr when the command does.
    func json(_ args: [String], input: String? = nil) throws -> [String: Any] {
        let r = try run(args + ["--json"], input: input)
        guard r.status == 0 else { throw TestTool.Failure("zoo \(args.joined(separator: " ")) failed (\(r.status)): \(r.stderr)") }
        guard let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw TestTool.Failure("zoo \(args.joined(separator: " ")) printed no JSON object: \(r.stdout)")
        }
        return object
    }

    /// A new directory under the system's temporary folder.
    static func directory() throws -> String {
        let d = NSTemporaryDirectory() + "zoo-registry-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// Runs skopeo (Debian's), failing with its stderr.
    @discardableResult
    static func skopeo(_ args: [String]) throws -> String {
        try TestTool.run("/usr/bin/skopeo", args)
    }

    /// The file's SHA-256 as `sha256:<hex>`.
    static func digest(ofFile path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return Digest(of: [UInt8](data)).description
    }
}
