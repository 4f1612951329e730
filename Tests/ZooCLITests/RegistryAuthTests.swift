import Foundation
import Testing
import ZooRegistry

/// Logins and authenticated transfers against CNCF Distribution: htpasswd behind TLS with a CA
/// made for the test, bearer tokens from a token server, and a Docker credential helper.
@Suite(.serialized) struct RegistryAuthTests {
    /// A small model in a new store; returns the store and the model's manifest digest.
    static func model(_ cli: RegistryCLI, in dir: String, seed: Int = 4) throws -> (store: String, digest: String) {
        let store = dir + "/here", file = dir + "/m.safetensors"
        try StoreCLI.makeSafetensors([file], seeds: [seed], tensors: 3, rows: 32, cols: 16)
        #expect(try cli.run(["init", store]).status == 0)
        #expect(try cli.run(["import", file, "m", "--zoo", store]).status == 0)
        return (store, try Store.open(store).resolve("m").digest.description)
    }

    @Test func htpasswdBehindTLSWithATestCA() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let certs = try TestCertificates(directory: dir)
        let registry = try RegistryServer(directory: dir + "/registry", auth: .htpasswd(user: "alice", password: "s3cret"),
                                          tls: (certs.serverCertificate, certs.serverKey))
        defer { registry.stop() }
        let host = registry.host
        let (store, digest) = try Self.model(cli, in: dir)

        // Without the CA, TLS fails with what to do; a wrong password is refused with status 77.
        let untrusted = try cli.run(["login", host, "--username", "alice", "--password-stdin"], input: "s3cret\n")
        #expect(untrusted.status == 1)
        #expect(untrusted.stderr.contains("TLS") && untrusted.stderr.contains("--ca-file"), "\(untrusted.stderr)")
        let wrong = try cli.run(["login", host, "--username", "alice", "--password-stdin", "--ca-file", certs.ca], input: "wrong\n")
        #expect(wrong.status == 77, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("refused user alice"), "\(wrong.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.dockerConfig), "a refused login saved something")
        let plain = try cli.run(["push", "m", "\(host)/team/m:v1", "--plain-http", "--zoo", store])
        #expect(plain.status == 1 && plain.stderr.contains("leave out --plain-http"), "\(plain.stderr)")
        let anonymous = try cli.run(["push", "m", "\(host)/team/m:v1", "--ca-file", certs.ca, "--zoo", store])
        #expect(anonymous.status == 77 && anonymous.stderr.contains("zoo login \(host)"), "\(anonymous.stderr)")

        let login = try cli.run(["login", host, "--username", "alice", "--password-stdin", "--ca-file", certs.ca], input: "s3cret\n")
        #expect(login.status == 0, "\(login.stderr)")
        // Saved as docker does: auths[host].auth = base64(user:password), readable by its owner only.
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cli.dockerConfig))) as? [String: Any]
        let entry = (config?["auths"] as? [String: Any])?[host] as? [String: Any]
        #expect(entry?["auth"] as? String == Data("alice:s3cret".utf8).base64EncodedString())
        let mode = (try FileManager.default.attributesOfItem(atPath: cli.dockerConfig)[.posixPermissions] as? Int) ?? 0
        #expect(mode & 0o077 == 0, "config.json is readable by others: \(String(mode, radix: 8))")

        let pushed = try cli.json(["push", "m", "\(host)/team/m:v1", "--ca-file", certs.ca, "--zoo", store])
        #expect(pushed["digest"] as? String == digest)
        // skopeo reads the same file and trusts the same CA: zoo's login works for it.
        let certDir = dir + "/certs"
        try FileManager.default.createDirectory(atPath: certDir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: certs.ca, toPath: certDir + "/ca.crt")
        let raw = try RegistryCLI.skopeo(["inspect", "--raw", "--authfile", cli.dockerConfig, "--cert-dir", certDir, "docker://\(host)/team/m:v1"])
        #expect(Digest(of: Array(raw.utf8)).description == digest)

        let there = dir + "/there"
        #expect(try cli.run(["init", there]).status == 0)
        let pulled = try cli.json(["pull", "\(host)/team/m:v1", "--ca-file", certs.ca, "--zoo", there])
        #expect((pulled["version"] as? [String: Any])?["digest"] as? String == digest)

        #expect(try cli.run(["logout", host]).status == 0)
        let after = try cli.run(["pull", "\(host)/team/m:v1", "--ca-file", certs.ca, "--zoo", there])
        #expect(after.status == 77, "\(after.stderr)")
        #expect(try Store.open(there).verify().ok)
    }

    @Test func bearerTokensFromATokenServer() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cli = try RegistryCLI(directory: dir)
        let certs = try TestCertificates(directory: dir)
        let tokens = try TokenServer(directory: dir, key: certs.tokenKey, certificate: certs.tokenCertificate,
                                     user: "bob", password: "hunter2", service: "zoo-test", issuer: "zoo-test-issuer")
        defer { tokens.stop() }
        let registry = try RegistryServer(directory: dir + "/registry",
                                          auth: .token(realm: tokens.realm, service: "zoo-test", issuer: "zoo-test-issuer",
                                                       rootCertificate: certs.tokenCertificate))
        defer { registry.stop() }
        let host = registry.host
        let (store, digest) = try Self.model(cli, in: dir)

        let wrong = try cli.run(["login", host, "--username", "bob", "--password-stdin", "--plain-http"], input: "nope")
        #expect(wrong.status == 77, "\(wrong.stderr)")
        #expect(wrong.stderr.contains("token service refused user bob"), "\(wrong.stderr)")
        let login = try cli.run(["login", host, "--username", "bob", "--password-stdin", "--plain-http"], input: "hunter2")
        #expect(login.status == 0, "\(login.stderr)")

        let first = try cli.json(["push", "m", "\(host)/team/m:v1", "--plain-http", "--zoo", store])
        #expect(first["digest"] as? String == digest)
        // A second repository: the blobs are mounted (the token covers both repositories).
        let second = try cli.json(["push", "m", "\(host)/team/copy:v1", "--plain-http", "--zoo", store])
        #expect(second["mounted_blobs"] as? Int == first["uploaded_blobs"] as? Int)
        #expect(second["uploaded_blobs"] as? Int == 0)

        let there = dir + "/there"
        #expect(try cli.run(["init", there]).status == 0)
        let pulled = try cli.json(["pull", "\(host)/team/copy:v1", "--plain-http", "--zoo", there])
        #expect((pulled["version"] as? [String: Any])?["digest"] as? String == digest)
        #expect(try Store.open(there).verify().ok)
    }

    @Test func aCredentialHelperKeepsTheSecret() throws {
        let dir = try RegistryCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var cli = try RegistryCLI(directory: dir)
        let registry = try RegistryServer(directory: dir + "/registry", auth: .htpasswd(user: "carol", password: "pw"))
        defer { registry.stop() }
        let host = registry.host
        // docker-credential-zootest: keeps one record in a file, as the real helpers keep it in a keychain.
        let bin = dir + "/bin", vault = dir + "/vault.json"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try """
        #!/bin/sh
        case "$1" in
          store) cat > "\(vault)" ;;
          get) if [ -f "\(vault)" ]; then cat "\(vault)"; else echo "credentials not found in native keychain"; exit 1; fi ;;
          erase) if [ -f "\(vault)" ]; then rm "\(vault)"; else echo "credentials not found in native keychain"; exit 1; fi ;;
        esac
        """.write(toFile: bin + "/docker-credential-zootest", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/docker-credential-zootest")
        cli.extraEnvironment["PATH"] = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        try #"{"credHelpers": {"\#(host)": "zootest"}, "psFormat": "table {{.ID}}"}"#.write(toFile: cli.dockerConfig, atomically: true, encoding: .utf8)

        let login = try cli.run(["login", host, "--username", "carol", "--password-stdin", "--plain-http"], input: "pw")
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.stdout.contains("docker-credential-zootest"))
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: vault))) as? [String: Any]
        #expect(record?["Username"] as? String == "carol" && record?["Secret"] as? String == "pw" && record?["ServerURL"] as? String == host)
        let config = try String(contentsOfFile: cli.dockerConfig, encoding: .utf8)
        #expect(!config.contains("auths") && config.contains("psFormat"), "the helper's secret leaked into, or other keys went from, config.json: \(config)")

        let (store, digest) = try Self.model(cli, in: dir)
        let pushed = try cli.json(["push", "m", "\(host)/team/m:v1", "--plain-http", "--zoo", store])
        #expect(pushed["digest"] as? String == digest)
        #expect(try cli.run(["logout", host]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: vault))
        let denied = try cli.run(["push", "m", "\(host)/team/m:v2", "--plain-http", "--zoo", store])
        #expect(denied.status == 77, "\(denied.stderr)")
    }
}
