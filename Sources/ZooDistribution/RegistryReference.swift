import ZooRegistry

/// Where a model lives in a registry: `REGISTRY/REPO[:TAG|@sha256:HEX]`, as Docker, skopeo and ORAS
/// write it. The first path component is always the registry host (with an optional port), so
/// `127.0.0.1:5000/team/minilm:v1` is host `127.0.0.1:5000`, repository `team/minilm`, tag `v1`.
public struct RegistryReference: Sendable, Hashable, CustomStringConvertible {
    /// `host` or `host:port` (an IPv6 address in brackets).
    public var registry: String
    /// The repository path: lowercase components separated by `/` (distribution spec, "name").
    public var repository: String
    /// The tag, when the reference names one.
    public var tag: String?
    /// The manifest digest, when the reference names one (it wins over a tag).
    public var digest: Digest?

    /// Longest repository path the spec allows registries to refuse beyond.
    public static let maxRepositoryLength = 255

    /// A reference from its parts (validated by `init(parsing:)` only).
    public init(registry: String, repository: String, tag: String? = nil, digest: Digest? = nil) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Parses `REGISTRY/REPO[:TAG|@sha256:HEX]`; `.usage` with what is wrong otherwise.
    public init(parsing text: String) throws(DistributionError) {
        func bad(_ why: String) -> DistributionError {
            DistributionError(.usage, "'\(text)' is not a registry reference: \(why); write REGISTRY/REPO[:TAG], as in 127.0.0.1:5000/team/minilm:v1")
        }
        var rest = Substring(text)
        if rest.hasPrefix("https://") || rest.hasPrefix("http://") {
            throw bad("leave out the scheme (use --plain-http for a registry without TLS)")
        }
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            let d = String(rest[rest.index(after: at)...])
            do { digest = try Digest(parsing: d) } catch { throw bad("after '@' expected sha256:<64 lowercase hex digits>") }
            rest = rest[..<at]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw bad("it has no repository after the registry") }
        let host = String(rest[..<slash])
        var path = rest[rest.index(after: slash)...]
        var tag: String?
        if let colon = path.lastIndex(of: ":") {
            tag = String(path[path.index(after: colon)...])
            path = path[..<colon]
        }
        try RegistryReference.validateRegistry(host, text: text)
        let repository = String(path)
        if let problem = RegistryReference.repositoryProblem(repository) { throw bad(problem) }
        if let tag, let problem = RegistryReference.tagProblem(tag) { throw bad(problem) }
        self.init(registry: host, repository: repository, tag: tag, digest: digest)
    }

    /// Checks a registry host given alone (`zoo login REGISTRY`).
    public static func validateRegistry(_ host: String, text: String? = nil) throws(DistributionError) {
        let what = text.map { "'\($0)'" } ?? "'\(host)'"
        guard !host.isEmpty else { throw DistributionError(.usage, "\(what) has an empty registry host") }
        guard !host.contains("/"), !host.contains("@"), !host.hasPrefix("http:"), !host.hasPrefix("https:") else {
            throw DistributionError(.usage, "\(what): a registry is a host with an optional port, as in 127.0.0.1:5000 or ghcr.io")
        }
        var name = Substring(host)
        var port: Substring?
        if name.hasPrefix("[") {
            guard let close = name.firstIndex(of: "]") else { throw DistributionError(.usage, "\(what): an IPv6 address needs its closing ']'") }
            let after = name[name.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() } else if !after.isEmpty {
                throw DistributionError(.usage, "\(what): expected ':PORT' after the IPv6 address")
            }
            name = name[name.index(after: name.startIndex)..<close]
            guard !name.isEmpty, name.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw DistributionError(.usage, "\(what): '[\(name)]' is not an IPv6 address")
            }
        } else {
            if let colon = name.firstIndex(of: ":") {
                port = name[name.index(after: colon)...]
                name = name[..<colon]
            }
            let allowed = name.utf8.allSatisfy { b in
                (97...122).contains(b) || (65...90).contains(b) || (48...57).contains(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "-")
            }
            guard !name.isEmpty, allowed, !name.hasPrefix("-"), !name.hasPrefix(".") else {
                throw DistributionError(.usage, "\(what): '\(name)' is not a host name (letters, digits, '.' and '-')")
            }
        }
        if let port {
            guard let n = Int(port), (1...65535).contains(n), port.utf8.allSatisfy({ (48...57).contains($0) }) else {
                throw DistributionError(.usage, "\(what): the port '\(port)' is not a number from 1 to 65535")
            }
        }
    }

    /// Why `path` is not a repository name, or nil: components of `[a-z0-9]+` joined by `.`, `_`,
    /// `__` or dashes, separated by `/` (distribution spec, "Pulling manifests").
    static func repositoryProblem(_ path: String) -> String? {
        guard !path.isEmpty else { return "the repository is empty" }
        guard path.utf8.count <= maxRepositoryLength else { return "the repository is longer than \(maxRepositoryLength) characters" }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard let problem = componentProblem(component) else { continue }
            return "repository component '\(component)' \(problem)"
        }
        return nil
    }

    private static func componentProblem(_ c: Substring) -> String? {
        let bytes = Array(c.utf8)
        func alnum(_ b: UInt8) -> Bool { (97...122).contains(b) || (48...57).contains(b) }
        guard let first = bytes.first, let last = bytes.last else { return "is empty" }
        guard alnum(first), alnum(last) else { return "must start and end with a lowercase letter or a digit" }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if alnum(b) { i += 1; continue }
            // A separator: '.', '_', '__' or a run of '-', always between alphanumerics.
            var j = i
            if b == UInt8(ascii: "-") {
                while j < bytes.count && bytes[j] == UInt8(ascii: "-") { j += 1 }
            } else if b == UInt8(ascii: "_") {
                j += (i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "_")) ? 2 : 1
            } else if b == UInt8(ascii: ".") {
                j += 1
            } else {
                return "contains '\(Character(Unicode.Scalar(b)))'; use lowercase letters, digits, '.', '_' and '-'"
            }
            guard j < bytes.count, alnum(bytes[j]) else { return "has separators that do not stand between letters or digits" }
            i = j
        }
        return nil
    }

    /// Why `tag` is not a tag, or nil: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`.
    static func tagProblem(_ tag: String) -> String? {
        let bytes = Array(tag.utf8)
        func word(_ b: UInt8) -> Bool { (97...122).contains(b) || (65...90).contains(b) || (48...57).contains(b) || b == UInt8(ascii: "_") }
        guard let first = bytes.first else { return "the tag after ':' is empty" }
        guard bytes.count <= 128 else { return "the tag is longer than 128 characters" }
        guard word(first) else { return "the tag must start with a letter, a digit or '_'" }
        guard bytes.allSatisfy({ word($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            return "the tag may hold only letters, digits, '.', '_' and '-'"
        }
        return nil
    }

    /// What the manifest endpoint is asked for: the digest when there is one, else the tag, else `latest`.
    public var manifestReference: String { digest?.description ?? tag ?? "latest" }

    /// The repository's last path component: the model name a pull gives by default.
    public var lastComponent: String { String(repository.split(separator: "/").last ?? Substring(repository)) }

    /// The same repository, naming another manifest.
    public func with(digest: Digest?) -> RegistryReference {
        RegistryReference(registry: registry, repository: repository, tag: digest == nil ? tag : nil, digest: digest)
    }

    /// `REGISTRY/REPO:TAG` or `REGISTRY/REPO@sha256:HEX`.
    public var description: String {
        var s = registry + "/" + repository
        if let digest { s += "@" + digest.description } else if let tag { s += ":" + tag }
        return s
    }
}
