import Foundation
import ZooDistribution
import ZooFormat
import ZooRegistry
#if canImport(Glibc)
import Glibc
#endif

/// `zoo-bench registry MODEL.safetensors [--rounds N] [--keep]`: push and pull of one model on
/// loopback, zoo against skopeo in the same run. Each round starts two fresh CNCF Distribution
/// registries (`/usr/bin/docker-registry`) on 127.0.0.1: `zoo push` goes to one and
/// `skopeo copy oci:STORE:NAME:1 docker://…` (the same artifact, read from the store as an OCI
/// layout) to the other; then `zoo pull` into an empty store and `skopeo copy docker://… oci:DIR`
/// into an empty layout, both from the registry zoo pushed to. Who goes first alternates by round.
/// zoo runs as the `zoo` executable beside this one when there is one (as skopeo runs: a process
/// each), else in process.
func runRegistryBenchmark(arguments: [String]) async throws {
    guard let model = arguments.first, !model.hasPrefix("-") else {
        FileHandle.standardError.write(Data("usage: zoo-bench registry MODEL.safetensors [--rounds N] [--keep]\n".utf8))
        exit(64)
    }
    let rounds = arguments.firstIndex(of: "--rounds").flatMap { i in i + 1 < arguments.count ? Int(arguments[i + 1]) : nil } ?? 3
    let directory = NSTemporaryDirectory() + "zoo-bench-registry-\(getpid())"
    defer { if !arguments.contains("--keep") { try? FileManager.default.removeItem(atPath: directory) } }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let store = try Store.create(at: directory + "/store")
    let imported = try store.importFile(model, name: "model")
    let bytes = Double(imported.version.storedBytes + UInt64(imported.version.manifestSize))
    let zooBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("zoo").path
    let external = FileManager.default.isExecutableFile(atPath: zooBinary)
    print("model: \(model) as \(imported.version.reference), \(imported.version.tensorCount) tensors, "
          + String(format: "%.1f MB stored", bytes / 1e6) + "; zoo \(external ? "executable \(zooBinary)" : "in process"); \(rounds) rounds")

    var times: [String: [Double]] = [:]
    for round in 0..<rounds {
        let r = directory + "/round\(round)"
        let zooRegistry = try BenchRegistry(directory: r + "/zoo-registry")
        let skopeoRegistry = try BenchRegistry(directory: r + "/skopeo-registry")
        defer { zooRegistry.stop(); skopeoRegistry.stop() }
        let target = "\(zooRegistry.host)/bench/model:v1"
        let zooPush = {
            if external {
                try BenchRegistry.run(zooBinary, ["push", "model:1", target, "--plain-http", "--zoo", store.root])
            } else {
                var options = RegistryOptions()
                options.plainHTTP = true
                let client = try RegistryClient(registry: zooRegistry.host, options: options)
                _ = try await Pusher(store: store, client: client).push(ModelReference(name: "model", selector: .version(1)),
                                                                        to: try RegistryReference(parsing: target))
                await client.shutdown()
            }
        }
        let skopeoPush = {
            try BenchRegistry.run("/usr/bin/skopeo", ["copy", "--quiet", "--dest-tls-verify=false", "oci:\(store.root):model:1",
                                                      "docker://\(skopeoRegistry.host)/bench/model:v1"])
        }
        let pulled = r + "/pulled"
        let zooPull = {
            let into = try Store.create(at: pulled)
            if external {
                try BenchRegistry.run(zooBinary, ["pull", target, "--plain-http", "--zoo", into.root])
            } else {
                var options = RegistryOptions()
                options.plainHTTP = true
                let client = try RegistryClient(registry: zooRegistry.host, options: options)
                _ = try await Puller(store: into, client: client).pull(try RegistryReference(parsing: target))
                await client.shutdown()
            }
        }
        let skopeoPull = {
            try BenchRegistry.run("/usr/bin/skopeo", ["copy", "--quiet", "--src-tls-verify=false", "docker://\(target)", "oci:\(r)/layout:v1"])
        }
        let order: [(String, () async throws -> Void)] = round % 2 == 0
            ? [("zoo push", zooPush), ("skopeo push", skopeoPush), ("zoo pull", zooPull), ("skopeo pull", skopeoPull)]
            : [("skopeo push", skopeoPush), ("zoo push", zooPush), ("skopeo pull", skopeoPull), ("zoo pull", zooPull)]
        for (name, work) in order {
            let t0 = Date()
            try await work()
            times[name, default: []].append(Date().timeIntervalSince(t0))
        }
        // Both copies hold the same manifest (skopeo's layout index and zoo's pulled version).
        let pulledDigest = try Store.open(pulled).list().first?.digest
        guard pulledDigest == imported.version.digest else { throw BenchRegistry.Failure("zoo pulled \(String(describing: pulledDigest)), pushed \(imported.version.digest)") }
        try? FileManager.default.removeItem(atPath: r)
    }
    func best(_ name: String) -> Double { times[name]?.min() ?? .nan }
    func row(_ name: String) -> String {
        let all = (times[name] ?? []).map { String(format: "%.3f", $0) }.joined(separator: " ")
        let label = name.padding(toLength: 12, withPad: " ", startingAt: 0)
        return label + String(format: " best %.3f s  %7.1f MB/s   (rounds: %@)", best(name), bytes / best(name) / 1e6, all)
    }
    for name in ["zoo push", "skopeo push", "zoo pull", "skopeo pull"] { print(row(name)) }
    print(String(format: "push: zoo/skopeo time ratio %.2f (below 1: zoo faster); pull: %.2f", best("zoo push") / best("skopeo push"),
                 best("zoo pull") / best("skopeo pull")))
}

/// A CNCF Distribution registry on a free loopback port with its own storage, for one round.
final class BenchRegistry {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ text: String) { description = text }
    }

    let host: String
    private let process: Process

    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = try BenchRegistry.freePort()
        host = "127.0.0.1:\(port)"
        let config = directory + "/config.yml"
        try """
        version: 0.1
        log:
          level: error
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: \(directory)/storage
        http:
          addr: \(host)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", config]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !BenchRegistry.accepts(port: port) {
            guard process.isRunning, Date() < deadline else { throw Failure("docker-registry did not start on \(host)") }
            usleep(20_000)
        }
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    static func run(_ program: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        let text = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure("\(program) \(args.joined(separator: " ")) failed: \(String(decoding: text, as: UTF8.self))")
        }
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw Failure("cannot find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
