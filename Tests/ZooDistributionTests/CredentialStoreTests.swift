import Foundation
import Testing
@testable import ZooDistribution

@Suite struct CredentialStoreTests {
    static func folder() throws -> String {
        let d = NSTemporaryDirectory() + "zoo-creds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test func dockerAndPodmanEntriesAreRead() throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let docker = d + "/config.json", podman = d + "/auth.json"
        try """
        {"auths": {"https://registry.example.com/v1/": {"auth": "\(Base64.encode(Array("alice:pw:with:colons".utf8)))"},
                   "https://index.docker.io/v1/": {"auth": "\(Base64.encode(Array("hub:tok".utf8)))"}},
         "HttpHeaders": {"User-Agent": "x"}}
        """.write(toFile: docker, atomically: true, encoding: .utf8)
        try #"{"auths": {"quay.io": {"username": "bob", "password": "pw2"}}}"#.write(toFile: podman, atomically: true, encoding: .utf8)
        let store = CredentialStore(path: docker, fallbacks: [podman])
        #expect(try store.credentials(for: "registry.example.com") == RegistryCredentials(username: "alice", password: "pw:with:colons"))
        #expect(try store.credentials(for: "docker.io")?.username == "hub")
        #expect(try store.credentials(for: "quay.io") == RegistryCredentials(username: "bob", password: "pw2"))
        #expect(try store.credentials(for: "other.example.com") == nil)
    }

    @Test func saveKeepsOtherKeysAndRemoveForgets() throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let file = d + "/nested/config.json"
        let store = CredentialStore(path: file)
        #expect(try store.credentials(for: "h:5000") == nil)
        try store.save(RegistryCredentials(username: "u", password: "p"), for: "h:5000")
        // Another tool's keys survive a save.
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any] ?? [:]
        object["psFormat"] = "table"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: file))
        try store.save(RegistryCredentials(username: "u2", password: "p2"), for: "h:5000")
        #expect(try store.credentials(for: "h:5000") == RegistryCredentials(username: "u2", password: "p2"))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("psFormat"))
        #expect(try store.remove(for: "h:5000"))
        #expect(try store.credentials(for: "h:5000") == nil)
        #expect(try store.remove(for: "h:5000") == false)
    }

    @Test func aDamagedFileIsAClearError() throws {
        let d = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let file = d + "/config.json"
        try "{not json".write(toFile: file, atomically: true, encoding: .utf8)
        do {
            _ = try CredentialStore(path: file).credentials(for: "h")
            Issue.record("a damaged file was read")
        } catch {
            #expect(error.kind == .credentials && error.message.contains("is not a JSON object"))
        }
        try #"{"auths": {"h": {"auth": "%%%"}}}"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: DistributionError.self) { try CredentialStore(path: file).credentials(for: "h") }
    }

    @Test func theEnvironmentPicksTheFiles() {
        let podman = CredentialStore.locate(environment: ["REGISTRY_AUTH_FILE": "/x/auth.json", "HOME": "/home/u"])
        #expect(podman.path == "/x/auth.json" && podman.fallbacks.isEmpty)
        let docker = CredentialStore.locate(environment: ["DOCKER_CONFIG": "/d", "HOME": "/home/u", "XDG_RUNTIME_DIR": "/run/u"])
        #expect(docker.path == "/d/config.json")
        #expect(docker.fallbacks == ["/run/u/containers/auth.json", "/home/u/.config/containers/auth.json"])
        #expect(CredentialStore.locate(environment: ["HOME": "/home/u"]).path == "/home/u/.docker/config.json")
    }
}
