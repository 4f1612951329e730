import Foundation
import ZooFormat
import ZooModel

/// A model store on disk: an OCI image layout (formats/store.md). Reading needs no lock: the
/// index is replaced atomically, so a reader sees one whole state. Writers go through
/// `StoreWriter` and the maintenance methods, which take the locks described in "Locking".
public struct Store: Sendable {
    /// The store's directory.
    public let root: String

    /// Largest `index.json` read (1 GiB: about a million versions).
    static let indexLimit = 1 << 30
    /// Largest manifest read.
    static let manifestLimit = 64 << 20
    /// Largest config blob read.
    static let configLimit = 1 << 30

    var indexPath: String { root + "/index.json" }
    var layoutPath: String { root + "/oci-layout" }
    var blobDirectory: String { root + "/blobs/sha256" }
    var privateDirectory: String { root + "/.zoo" }
    var temporaryDirectory: String { root + "/.zoo/tmp" }
    /// Writers hold it shared from their first blob to their index update; gc holds it exclusive.
    var gcLockPath: String { root + "/.zoo/gc.lock" }
    /// Held exclusive by every change of `index.json`.
    var indexLockPath: String { root + "/.zoo/index.lock" }

    private init(root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }

    /// Whether `path` holds an OCI layout with an index.
    public static func isStore(at path: String) -> Bool {
        DiskIO.exists(path + "/oci-layout") && DiskIO.exists(path + "/index.json")
    }

    /// Opens an existing store; `.noStore` when `path` is not one.
    public static func open(_ path: String) throws(StoreError) -> Store {
        guard isStore(at: path) else {
            let why = DiskIO.exists(path) ? "is not a zoo store (no oci-layout and index.json)" : "does not exist"
            throw StoreError(.noStore, "\(path) \(why); create a store with `zoo init \(path)` or pick one with --zoo PATH or $ZOO_PATH")
        }
        return Store(root: path)
    }

    /// Opens the store at `location`, creating it first when it is missing and the location allows it.
    public static func open(_ location: StoreLocation, forWriting: Bool) throws(StoreError) -> Store {
        if forWriting && location.createsOnWrite && !isStore(at: location.path) {
            return try create(at: location.path)
        }
        return try open(location.path)
    }

    /// Creates an empty store at `path` (its parents too); opening it if it is a store already.
    /// Refuses a non-empty directory that is not a store.
    public static func create(at path: String) throws(StoreError) -> Store {
        if isStore(at: path) { return Store(root: path) }
        if DiskIO.isDirectory(path) {
            let leftovers = try DiskIO.list(path).filter { !["blobs", ".zoo", "index.json", "oci-layout"].contains($0) }
            guard leftovers.isEmpty else {
                throw StoreError(.invalidArgument, "\(path) is a non-empty directory that is not a zoo store; pick an empty or new directory")
            }
        } else if DiskIO.exists(path) {
            throw StoreError(.invalidArgument, "\(path) exists and is not a directory")
        }
        let store = Store(root: path)
        try DiskIO.makeDirectories(path)
        try store.makePrivateDirectories()
        try DiskIO.makeDirectories(store.blobDirectory)
        // index.json first, oci-layout last: the directory counts as a store only when both exist.
        if !DiskIO.exists(store.indexPath) {
            try DiskIO.replaceAtomically(store.indexPath, with: StoreIndex().encoded(),
                                         temporaryDirectory: store.temporaryDirectory)
        }
        try DiskIO.replaceAtomically(store.layoutPath, with: Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8),
                                     temporaryDirectory: store.temporaryDirectory)
        return store
    }

    func makePrivateDirectories() throws(StoreError) {
        try DiskIO.makeDirectory(privateDirectory)
        try DiskIO.makeDirectory(temporaryDirectory)
        if !DiskIO.isDirectory(blobDirectory) { try DiskIO.makeDirectories(blobDirectory) }
    }

    /// Reads and checks `index.json`.
    func readIndex() throws(StoreError) -> StoreIndex {
        try StoreIndex(parsing: try readIndexBytes(), path: indexPath)
    }

    /// The bytes of `index.json`.
    func readIndexBytes() throws(StoreError) -> [UInt8] {
        do { return try DiskIO.read(indexPath, limit: Store.indexLimit) } catch {
            if error.kind == .notFound {
                throw StoreError(.corrupt, "\(indexPath) is missing; the store is damaged")
            }
            throw error
        }
    }

    /// Every version, sorted by name then version number. Reads only `index.json`.
    public func list() throws(StoreError) -> [ModelVersion] {
        try readIndex().versions.sorted { $0.name != $1.name ? $0.name < $1.name : $0.version < $1.version }
    }

    /// Every tag: `(name, tag, manifest digest)`.
    public func tags() throws(StoreError) -> [(name: String, tag: String, digest: Digest)] {
        try readIndex().tags.map { ($0.name, $0.tag, $0.digest) }
    }

    /// The path of a blob (which may not exist).
    public func blobPath(_ digest: Digest) -> String { blobDirectory + "/" + digest.hex }

    /// Resolves a reference given as text.
    public func resolve(_ text: String) throws(StoreError) -> ModelVersion {
        try resolve(try ModelReference(parsing: text))
    }

    /// Resolves a reference to one version; `.notFound` with close matches when nothing matches.
    public func resolve(_ ref: ModelReference) throws(StoreError) -> ModelVersion {
        try Store.resolve(ref, in: try readIndex())
    }

    static func resolve(_ ref: ModelReference, in index: StoreIndex) throws(StoreError) -> ModelVersion {
        let ofName = index.versions.filter { $0.name == ref.name }
        switch ref.selector {
        case .latest:
            if let v = ofName.max(by: { $0.version < $1.version }) { return v }
        case .version(let n):
            if let v = ofName.first(where: { $0.version == n }) { return v }
        case .tag(let t):
            if let tag = index.tags.first(where: { $0.name == ref.name && $0.tag == t }) {
                if let v = index.versions.first(where: { $0.digest == tag.digest && $0.name == ref.name })
                    ?? index.versions.first(where: { $0.digest == tag.digest }) {
                    return v
                }
                throw StoreError(.corrupt, "tag \(ref) points at \(tag.digest), which no version lists; remove it with `zoo rm \(ref)`")
            }
        case .digest(let prefix):
            let matches = ofName.filter { $0.digest.hex.hasPrefix(prefix) }
            let digests = Set(matches.map(\.digest))
            if digests.count > 1 {
                throw StoreError(.badReference, "\(ref) matches \(digests.count) versions (\(matches.map(\.reference).joined(separator: ", "))); give more digits")
            }
            if let v = matches.max(by: { $0.version < $1.version }) { return v }
        }
        throw notFound(ref, in: index)
    }

    static func notFound(_ ref: ModelReference, in index: StoreIndex) -> StoreError {
        let names = Set(index.versions.map(\.name)).union(index.tags.map(\.name))
        var candidates = Array(names)
        candidates += index.versions.map(\.reference)
        candidates += index.tags.map { "\($0.name):\($0.tag)" }
        var message = "no model \(ref) in the store"
        if names.contains(ref.name) {
            let versions = index.versions.filter { $0.name == ref.name }.map { String($0.version) }
            let tags = index.tags.filter { $0.name == ref.name }.map(\.tag)
            message += "; \(ref.name) has versions \(versions.isEmpty ? "(none)" : versions.joined(separator: ", "))"
            if !tags.isEmpty { message += " and tags \(tags.sorted().joined(separator: ", "))" }
        } else {
            let close = EditDistance.closest(to: ref.description, among: candidates)
            if !close.isEmpty {
                message += "; did you mean \(close.joined(separator: ", "))?"
            } else if names.isEmpty {
                message += " (the store is empty; add one with `zoo import FILE NAME`)"
            } else {
                message += "; `zoo list` shows what there is"
            }
        }
        return StoreError(.notFound, message)
    }

    /// Reads a blob whole, checking its size against `limit` and its digest.
    func readVerifiedBlob(_ digest: Digest, limit: Int, what: String) throws(StoreError) -> [UInt8] {
        let bytes: [UInt8]
        do { bytes = try DiskIO.read(blobPath(digest), limit: limit) } catch {
            throw StoreError(error.kind == .notFound ? .corrupt : error.kind,
                             "\(what) blob \(digest) is missing or unreadable (\(error.message)); run `zoo verify`")
        }
        guard Digest(of: bytes) == digest else {
            throw StoreError(.corrupt, "\(what) blob \(digest) is corrupted (its content has another digest); run `zoo verify`")
        }
        return bytes
    }

    /// The manifest of `version` (digest checked).
    public func manifest(of version: ModelVersion) throws(StoreError) -> OCIManifest {
        try manifest(digest: version.digest, name: version.reference)
    }

    func manifest(digest: Digest, name: String) throws(StoreError) -> OCIManifest {
        let bytes = try readVerifiedBlob(digest, limit: Store.manifestLimit, what: "manifest of \(name):")
        return try StoreJSON.decode(OCIManifest.self, from: bytes, what: "manifest \(digest) of \(name)")
    }

    /// The config of a manifest (digest checked, tensor records matched against the layers).
    public func config(of manifest: OCIManifest) throws(StoreError) -> ModelConfig {
        let bytes = try readVerifiedBlob(manifest.config.digest, limit: Store.configLimit, what: "config")
        let config = try StoreJSON.decode(ModelConfig.self, from: bytes, what: "config \(manifest.config.digest)")
        guard config.tensors.count == manifest.layers.count else {
            throw StoreError(.corrupt, "config \(manifest.config.digest) lists \(config.tensors.count) tensors but its manifest has \(manifest.layers.count) layers")
        }
        for (record, layer) in zip(config.tensors, manifest.layers) where UInt64(max(0, layer.size)) != record.storedBytes {
            throw StoreError(.corrupt, "tensor \(record.name): its layer blob is \(layer.size) bytes but its record says \(record.storedBytes)")
        }
        return config
    }

    /// Manifest and config of the version `ref` names.
    public func load(_ ref: ModelReference) throws(StoreError) -> (version: ModelVersion, manifest: OCIManifest, config: ModelConfig) {
        let v = try resolve(ref)
        let m = try manifest(of: v)
        return (v, m, try config(of: m))
    }

    /// Memory-maps a blob (a tensor's stream). The digest is not checked; `verify` or
    /// `checkedStream` do that.
    public func mapBlob(_ digest: Digest) throws(StoreError) -> MappedBlob {
        try MappedBlob(path: blobPath(digest))
    }

    /// Memory-maps a tensor's stream and checks its size and SHA-256 against the layer descriptor.
    public func checkedStream(of layer: OCIDescriptor, tensor: String) throws(StoreError) -> MappedBlob {
        try checkedStreams([(layer, tensor)])[0]
    }

    /// The current time as the store writes it (ISO 8601, UTC, seconds).
    static func now() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }
}
