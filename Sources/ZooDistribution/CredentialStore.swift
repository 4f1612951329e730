import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The credentials a user already has for registries: Docker's `config.json` (`auths`, and the
/// credential helpers it names in `credHelpers` and `credsStore`), or Podman's and skopeo's
/// `auth.json`, which has the same shape. So an earlier `docker login` or `podman login` works,
/// and `zoo login` writes where those tools read.
///
/// Files, in order (the first is the one `zoo login` writes):
/// `$REGISTRY_AUTH_FILE` when set (Podman, skopeo); else `$DOCKER_CONFIG/config.json` or
/// `~/.docker/config.json`, then Podman's `$XDG_RUNTIME_DIR/containers/auth.json` and
/// `~/.config/containers/auth.json` for reading.
public struct CredentialStore: Sendable {
    /// The file `zoo login` writes and reads first.
    public let path: String
    /// Further files read when `path` has nothing for a registry.
    public let fallbacks: [String]

    /// A store over explicit files.
    public init(path: String, fallbacks: [String] = []) {
        self.path = path
        self.fallbacks = fallbacks
    }

    /// The files the environment points at (see the type's comment).
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> CredentialStore {
        if let file = environment["REGISTRY_AUTH_FILE"], !file.isEmpty { return CredentialStore(path: file) }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let docker = environment["DOCKER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.docker"
        var fallbacks: [String] = []
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { fallbacks.append(runtime + "/containers/auth.json") }
        fallbacks.append(home + "/.config/containers/auth.json")
        return CredentialStore(path: docker + "/config.json", fallbacks: fallbacks)
    }

    /// Largest credentials file read.
    static let fileLimit = 16 << 20

    /// The credentials for `registry`, or nil when no file and no helper has any.
    public func credentials(for registry: String) throws(DistributionError) -> RegistryCredentials? {
        for file in [path] + fallbacks {
            guard let config = try CredentialStore.read(file) else { continue }
            if let helper = CredentialStore.helper(for: registry, in: config) {
                if let found = try CredentialHelper(name: helper).get(serverURL: registry) { return found }
                continue
            }
            if let found = try CredentialStore.fromAuths(config, registry: registry, file: file) { return found }
        }
        return nil
    }

    /// Saves credentials for `registry`: through the credential helper the file names for it,
    /// else in the file's `auths` (base64, as Docker writes them). Returns where they went.
    @discardableResult
    public func save(_ credentials: RegistryCredentials, for registry: String) throws(DistributionError) -> String {
        var config = try CredentialStore.read(path) ?? [:]
        if let helper = CredentialStore.helper(for: registry, in: config) {
            try CredentialHelper(name: helper).store(serverURL: registry, credentials: credentials)
            return "credential helper docker-credential-\(helper)"
        }
        var auths = config["auths"] as? [String: Any] ?? [:]
        for key in auths.keys where CredentialStore.normalize(key) == CredentialStore.normalize(registry) { auths[key] = nil }
        auths[registry] = ["auth": Base64.encode(Array("\(credentials.username):\(credentials.password)".utf8))]
        config["auths"] = auths
        try CredentialStore.write(config, to: path)
        return path
    }

    /// Forgets the credentials for `registry` (file entry and helper entry); false when there were none.
    @discardableResult
    public func remove(for registry: String) throws(DistributionError) -> Bool {
        guard var config = try CredentialStore.read(path) else { return false }
        var removed = false
        if let helper = CredentialStore.helper(for: registry, in: config) {
            removed = try CredentialHelper(name: helper).erase(serverURL: registry)
        }
        if var auths = config["auths"] as? [String: Any] {
            for key in auths.keys where CredentialStore.normalize(key) == CredentialStore.normalize(registry) {
                auths[key] = nil
                removed = true
            }
            config["auths"] = auths
            try CredentialStore.write(config, to: path)
        }
        return removed
    }

    /// `https://host:5000/v1/` -> `host:5000`; Docker Hub's names are one.
    static func normalize(_ key: String) -> String {
        var k = Substring(key)
        for scheme in ["https://", "http://"] where k.hasPrefix(scheme) { k = k.dropFirst(scheme.count) }
        if let slash = k.firstIndex(of: "/") { k = k[..<slash] }
        let host = k.lowercased()
        return ["docker.io", "registry-1.docker.io", "index.docker.io"].contains(host) ? "docker.io" : host
    }

    static func helper(for registry: String, in config: [String: Any]) -> String? {
        if let helpers = config["credHelpers"] as? [String: Any] {
            for (key, value) in helpers where normalize(key) == normalize(registry) {
                if let name = value as? String, !name.isEmpty { return name }
            }
        }
        if let store = config["credsStore"] as? String, !store.isEmpty { return store }
        return nil
    }

    static func fromAuths(_ config: [String: Any], registry: String, file: String) throws(DistributionError) -> RegistryCredentials? {
        guard let auths = config["auths"] as? [String: Any] else { return nil }
        // An exact key first, then any key that names the same host.
        let entry = auths[registry] ?? auths.first(where: { normalize($0.key) == normalize(registry) })?.value
        guard let fields = entry as? [String: Any] else { return nil }
        if let auth = fields["auth"] as? String, !auth.isEmpty {
            guard let decoded = Base64.decode(auth), let text = String(validating: decoded, as: UTF8.self),
                  let colon = text.firstIndex(of: ":") else {
                throw DistributionError(.credentials, "\(file): the auth entry for \(registry) is not base64 of user:password; run `zoo login \(registry)` again")
            }
            return RegistryCredentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
        }
        if let user = fields["username"] as? String, let password = fields["password"] as? String {
            return RegistryCredentials(username: user, password: password)
        }
        return nil
    }

    /// The file as a JSON object, nil when it does not exist.
    static func read(_ file: String) throws(DistributionError) -> [String: Any]? {
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw DistributionError(.credentials, "cannot read \(file): \(error.localizedDescription)")
        }
        guard data.count <= fileLimit else { throw DistributionError(.credentials, "\(file) is larger than \(fileLimit) bytes; it is not a credentials file") }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }) { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: data), let dict = object as? [String: Any] else {
            throw DistributionError(.credentials, "\(file) is not a JSON object; fix or remove it (it holds registry credentials)")
        }
        return dict
    }

    /// Writes the file readable by its owner only, atomically (temporary file, rename), keeping
    /// every key zoo does not know as it was.
    static func write(_ config: [String: Any], to file: String) throws(DistributionError) {
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) } catch {
            throw DistributionError(.credentials, "cannot encode \(file): \(error)")
        }
        let folder = (file as NSString).deletingLastPathComponent
        do { try FileManager.default.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700]) } catch {
            throw DistributionError(.credentials, "cannot create \(folder): \(error.localizedDescription)")
        }
        let temporary = file + ".zoo-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DistributionError(.credentials, "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = [UInt8](data) + [10]
        let ok = bytes.withUnsafeBytes { buf -> Bool in
            var done = 0
            while done < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + done, buf.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary, file) == 0 else {
            unlink(temporary)
            throw DistributionError(.credentials, "cannot write \(file): \(String(cString: strerror(errno)))")
        }
    }
}
