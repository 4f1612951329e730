import ZooModel

/// What `du`, `gc --dry-run` and `lineage` need of one manifest: the blobs it references with
/// their sizes, and the lineage facts of its config. Kept in the summary cache under the
/// manifest's digest (formats/store.md, "The summary cache"); since a manifest never changes
/// (its digest is its content), neither does its summary.
struct ManifestSummary: Sendable, Equatable {
    /// A referenced blob and its size as the manifest records it.
    struct Blob: Sendable, Equatable {
        var digest: DigestBytes
        var size: UInt64
    }

    /// The lineage record of a zoo model's config: operation, time and parameters (as compact
    /// JSON with sorted keys, decoded only by `lineage`).
    struct LineageFacts: Sendable, Equatable {
        var operation: String
        var created: String?
        var parameters: [UInt8]
    }

    /// The manifest's own size in bytes.
    var manifestSize: UInt64
    /// The config blob.
    var config: Blob
    /// The layer blobs, in manifest order (duplicates kept).
    var layers: [Blob]
    /// The config's lineage record; nil when the config is not a zoo model's or records none.
    var lineage: LineageFacts?

    /// The summary of `manifest` (of `size` bytes) whose config holds `lineage`.
    init(manifest: OCIManifest, size: UInt64, lineage: LineageRecord?) throws(StoreError) {
        manifestSize = size
        config = Blob(digest: DigestBytes(manifest.config.digest), size: UInt64(max(0, manifest.config.size)))
        layers = manifest.layers.map { Blob(digest: DigestBytes($0.digest), size: UInt64(max(0, $0.size))) }
        self.lineage = try lineage.map { (r) throws(StoreError) in
            LineageFacts(operation: r.operation, created: r.created, parameters: try StoreJSON.encode(r.parameters))
        }
    }

    init(manifestSize: UInt64, config: Blob, layers: [Blob], lineage: LineageFacts?) {
        self.manifestSize = manifestSize
        self.config = config
        self.layers = layers
        self.lineage = lineage
    }

    // MARK: Binary form (formats/store.md, "The summary cache")

    /// Appends the record payload: manifest digest, sizes, config, layers, lineage.
    func encode(digest: DigestBytes, to out: inout [UInt8]) {
        digest.append(to: &out)
        ByteCoding.append(manifestSize, to: &out)
        config.digest.append(to: &out)
        ByteCoding.append(config.size, to: &out)
        ByteCoding.append(UInt32(layers.count), to: &out)
        for layer in layers {
            layer.digest.append(to: &out)
            ByteCoding.append(layer.size, to: &out)
        }
        guard let lineage else { out.append(0); return }
        out.append(1)
        ByteCoding.appendBytes(Array(lineage.operation.utf8), to: &out)
        if let created = lineage.created {
            out.append(1)
            ByteCoding.appendBytes(Array(created.utf8), to: &out)
        } else {
            out.append(0)
        }
        ByteCoding.appendBytes(lineage.parameters, to: &out)
    }

    /// Decodes a payload `encode` wrote; nil when it is not one (wrong lengths, bad UTF-8).
    static func decode(_ payload: UnsafeRawBufferPointer) -> (digest: DigestBytes, summary: ManifestSummary)? {
        var r = ByteCoding.Reader(payload)
        guard let digest = r.digest(), let manifestSize = r.u64(),
              let configDigest = r.digest(), let configSize = r.u64(), let count = r.u32(),
              UInt64(count) * 40 <= UInt64(r.remaining) else { return nil }
        var layers: [Blob] = []
        layers.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let d = r.digest(), let s = r.u64() else { return nil }
            layers.append(Blob(digest: d, size: s))
        }
        var lineage: LineageFacts?
        guard let hasLineage = r.u8() else { return nil }
        if hasLineage == 1 {
            guard let op = r.string(), let hasCreated = r.u8() else { return nil }
            var created: String?
            if hasCreated == 1 {
                guard let c = r.string() else { return nil }
                created = c
            } else if hasCreated != 0 {
                return nil
            }
            guard let parameters = r.byteString() else { return nil }
            lineage = LineageFacts(operation: op, created: created, parameters: parameters)
        } else if hasLineage != 0 {
            return nil
        }
        guard r.remaining == 0 else { return nil }
        return (digest, ManifestSummary(manifestSize: manifestSize, config: Blob(digest: configDigest, size: configSize),
                                        layers: layers, lineage: lineage))
    }
}
