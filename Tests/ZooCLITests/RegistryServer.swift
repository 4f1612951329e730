import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CNCF Distribution (`/usr/bin/docker-registry serve CONFIG`, Debian's docker-registry) on
/// 127.0.0.1 on a free port, for the registry tests: open, with htpasswd auth behind TLS, or
/// behind a token server. Stopped by `stop()` (and deinit); `start()` again brings it back on the
/// same port with the same storage, as after a crash.
final class RegistryServer {
    /// How clients must authenticate.
    enum Auth {
        case none
        /// Basic auth against an htpasswd file (bcrypt, as Distribution requires).
        case htpasswd(user: String, password: String)
        /// Bearer tokens from `realm`, signed by the key whose certificate is `rootCertificate`.
        case token(realm: String, service: String, issuer: String, rootCertificate: String)
    }

    static let binary = "/usr/bin/docker-registry"

    let directory: String
    let port: Int
    let storage: String
    private let config: String
    private var process: Process?

    /// `127.0.0.1:PORT`.
    var host: String { "127.0.0.1:\(port)" }

    /// Writes the config into `directory` and starts the registry.
    init(directory: String, auth: Auth = .none, tls: (certificate: String, key: String)? = nil) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        port = try RegistryServer.freePort()
        storage = directory + "/storage"
        config = directory + "/config.yml"
        var yaml = """
        version: 0.1
        log:
          level: error
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: \(storage)
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:\(port)
          secret: zoo-registry-test-secret

        """
        if let tls {
            yaml += "  tls:\n    certificate: \(tls.certificate)\n    key: \(tls.key)\n"
        }
        switch auth {
        case .none: break
        case .htpasswd(let user, let password):
            let file = directory + "/htpasswd"
            let out = try TestTool.run("/usr/bin/htpasswd", ["-Bbn", user, password])
            try out.write(toFile: file, atomically: true, encoding: .utf8)
            yaml += "auth:\n  htpasswd:\n    realm: zoo-test\n    path: \(file)\n"
        case .token(let realm, let service, let issuer, let root):
            yaml += "auth:\n  token:\n    realm: \(realm)\n    service: \(service)\n    issuer: \(issuer)\n    rootcertbundle: \(root)\n"
        }
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        try start()
    }

    /// Starts the registry (again) and waits until it accepts connections.
    func start() throws {
        guard process == nil else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RegistryServer.binary)
        p.arguments = ["serve", config]
        let log = FileHandle(forWritingAtPath: directory + "/registry.log") ?? {
            FileManager.default.createFile(atPath: directory + "/registry.log", contents: nil)
            return FileHandle(forWritingAtPath: directory + "/registry.log")
        }()
        log?.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(20)
        while !RegistryServer.accepts(port: port) {
            guard p.isRunning, Date() < deadline else {
                stop()
                let text = (try? String(contentsOfFile: directory + "/registry.log", encoding: .utf8)) ?? ""
                throw TestTool.Failure("docker-registry did not start on port \(port): \(text.suffix(2000))")
            }
            usleep(20_000)
        }
    }

    /// Kills the registry at once (SIGKILL: as if it crashed) and waits for it.
    func kill() {
        guard let p = process else { return }
        if p.isRunning { Glibc.kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        process = nil
    }

    /// Stops the registry and waits for it (SIGKILL: a test process may block SIGTERM, and its
    /// children inherit the mask).
    func stop() { kill() }

    deinit { stop() }

    /// Every blob file in the registry's storage: digest hex -> path.
    func blobFiles() -> [String: String] {
        let root = storage + "/docker/registry/v2/blobs/sha256"
        var files: [String: String] = [:]
        for prefix in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            for hex in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + prefix)) ?? [] {
                let data = root + "/" + prefix + "/" + hex + "/data"
                if FileManager.default.fileExists(atPath: data) { files[hex] = data }
            }
        }
        return files
    }

    /// Files of upload sessions in progress (a push writes here before a blob is committed).
    func uploadBytes() -> Int {
        let root = storage + "/docker/registry/v2/repositories"
        guard let walker = FileManager.default.enumerator(atPath: root) else { return 0 }
        var total = 0
        while let item = walker.nextObject() as? String {
            if item.contains("/_uploads/"), item.hasSuffix("/data") {
                total += ((try? FileManager.default.attributesOfItem(atPath: root + "/" + item))?[.size] as? Int) ?? 0
            }
        }
        return total
    }

    /// A port nothing listens on now (bound to 0 and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestTool.Failure("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        guard bound == 0 else { throw TestTool.Failure("bind() failed") }
        let named = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        guard named == 0 else { throw TestTool.Failure("getsockname() failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
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
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return r == 0
    }
}

/// The token server (Fixtures/token-server.py) Distribution's token auth points at.
final class TokenServer {
    let port: Int
    private let process: Process

    /// `http://127.0.0.1:PORT/token`.
    var realm: String { "http://127.0.0.1:\(port)/token" }

    init(directory: String, key: String, certificate: String, user: String, password: String,
         service: String, issuer: String) throws {
        (process, port, _) = try PythonServer.start("token-server.py", [key, certificate, user, password, service, issuer],
                                                    directory: directory, name: "token")
    }

    func stop() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A proxy in front of a registry that answers 503 the first time it sees each bodiless request
/// (Fixtures/flaky-proxy.py): a registry that is restarting or overloaded.
final class FlakyProxy {
    let port: Int
    private let process: Process
    private let log: String

    /// `127.0.0.1:PORT`.
    var host: String { "127.0.0.1:\(port)" }

    init(directory: String, upstreamPort: Int) throws {
        (process, port, log) = try PythonServer.start("flaky-proxy.py", [String(upstreamPort)], directory: directory, name: "proxy")
    }

    /// The requests it refused, one line each (`503 METHOD PATH`).
    var refused: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init).filter { $0.hasPrefix("503 ") }
    }

    func stop() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Starts a test server script from Fixtures/ with python3 and waits for the port it writes to a
/// file (its first argument); its stderr goes to `NAME.log` in `directory`.
enum PythonServer {
    static func start(_ script: String, _ arguments: [String], directory: String, name: String) throws -> (Process, Int, String) {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(script)").path
        let portFile = directory + "/\(name)-port", log = directory + "/\(name).log"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", path, portFile] + arguments
        FileManager.default.createFile(atPath: log, contents: nil)
        p.standardError = FileHandle(forWritingAtPath: log)
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        let deadline = Date().addingTimeInterval(20)
        while true {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let n = Int(text) { return (p, n, log) }
            guard p.isRunning, Date() < deadline else {
                if p.isRunning { Glibc.kill(p.processIdentifier, SIGKILL) }
                throw TestTool.Failure("the \(name) server (\(script)) did not start")
            }
            usleep(20_000)
        }
    }
}

/// Certificates made for one test with openssl: a CA and a server certificate it signed for
/// 127.0.0.1 (the TLS registry), and a self-signed RSA key pair that signs tokens.
struct TestCertificates {
    let ca: String
    let serverCertificate: String
    let serverKey: String
    let tokenCertificate: String
    let tokenKey: String

    init(directory: String) throws {
        let d = directory
        ca = d + "/ca.pem"
        serverCertificate = d + "/server.pem"
        serverKey = d + "/server.key"
        tokenCertificate = d + "/token.pem"
        tokenKey = d + "/token.key"
        let openssl = "/usr/bin/openssl"
        _ = try TestTool.run(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                       "-keyout", d + "/ca.key", "-out", ca, "-days", "2", "-subj", "/CN=zoo test CA",
                                       "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        _ = try TestTool.run(openssl, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                       "-keyout", serverKey, "-out", d + "/server.csr", "-subj", "/CN=127.0.0.1"])
        try """
        subjectAltName=IP:127.0.0.1,DNS:localhost
        basicConstraints=CA:FALSE
        keyUsage=digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth
        """.write(toFile: d + "/server.ext", atomically: true, encoding: .utf8)
        _ = try TestTool.run(openssl, ["x509", "-req", "-in", d + "/server.csr", "-CA", ca, "-CAkey", d + "/ca.key",
                                       "-CAcreateserial", "-out", serverCertificate, "-days", "2", "-extfile", d + "/server.ext"])
        _ = try TestTool.run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tokenKey, "-out", tokenCertificate,
                                       "-days", "2", "-subj", "/CN=zoo test token signer"])
    }
}

/// Runs helper programs for the tests.
enum TestTool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ text: String) { description = text }
    }

    /// Runs `program args`, returns stdout; throws with stderr when it fails.
    @discardableResult
    static func run(_ program: String, _ args: [String], environment: [String: String]? = nil, input: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        if let environment { p.environment = environment }
        let r = try collect(p, input: input)
        guard r.status == 0 else {
            throw Failure("\(program) \(args.joined(separator: " ")) failed (\(r.status)): \(r.stderr)")
        }
        return r.stdout
    }

    /// Starts a configured process with `input` on its stdin, waits, and returns what it printed.
    static func collect(_ p: Process, input: String?) throws -> (status: Int32, stdout: String, stderr: String) {
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        // The child may exit before reading its input: a failed write must neither trap nor signal.
        signal(SIGPIPE, SIG_IGN)
        if let input { try? inp.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? inp.fileHandleForWriting.close()
        // Read before waiting so a large output cannot fill the pipe and stall the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
