import Foundation

/// `index.json` parsed into versions, tags and the per-name version high-water marks
/// (formats/store.md, "index.json"). Entries the store did not write are kept as they are.
struct StoreIndex: Sendable {
    /// A movable tag: `name:tag` -> manifest digest.
    struct Tag: Sendable, Equatable {
        var name: String
        var tag: String
        var digest: Digest
        var mediaType: String
        var size: Int64
    }

    /// Versions in commit order, `tags` filled from the tag entries.
    var versions: [ModelVersion] = []
    var tags: [Tag] = []
    /// Highest version number each name has ever had; never goes down, so `name:N` is never reused.
    var lastVersion: [String: Int] = [:]
    /// Descriptors that are neither zoo versions nor zoo tags (another tool's), written back unchanged.
    var foreign: [OCIDescriptor] = []
    /// Index annotations that are not version high-water marks.
    var otherAnnotations: [String: String] = [:]

    init() {}

    /// Parses and checks `bytes` (read from `path`); anything malformed is `.corrupt`.
    init(parsing bytes: [UInt8], path: String) throws(StoreError) {
        let oci: OCIIndex
        do {
            oci = try JSONDecoder().decode(OCIIndex.self, from: Data(bytes))
        } catch {
            throw StoreError(.corrupt, "\(path) is not a valid OCI index (\(StoreIndex.describe(error))); the store was not changed. Restore index.json from a backup, or move it aside and run `zoo verify` to see the blobs")
        }
        guard oci.schemaVersion == 2 else {
            throw StoreError(.corrupt, "\(path) has schemaVersion \(oci.schemaVersion); only 2 is known")
        }
        for (key, value) in oci.annotations ?? [:] {
            if key.hasPrefix(AnnotationKey.lastVersionPrefix) {
                let name = String(key.dropFirst(AnnotationKey.lastVersionPrefix.count))
                guard let n = Int(value), n >= 0, n <= ModelReference.maxVersion else {
                    throw StoreError(.corrupt, "\(path): annotation \(key) is '\(value)', not a version number")
                }
                lastVersion[name] = n
            } else {
                otherAnnotations[key] = value
            }
        }
        for (i, d) in oci.manifests.enumerated() {
            let a = d.annotations ?? [:]
            guard let name = a[AnnotationKey.name], d.mediaType == MediaType.manifest else {
                foreign.append(d)
                continue
            }
            func fail(_ what: String) -> StoreError {
                StoreError(.corrupt, "\(path): manifest entry \(i) (\(name)) \(what); the store was not changed")
            }
            do { try ModelReference.validateName(name) } catch { throw fail("has a bad name: \(error.message)") }
            if let tag = a[AnnotationKey.tag] {
                do { try ModelReference.validateTag(tag) } catch { throw fail("has a bad tag: \(error.message)") }
                tags.append(Tag(name: name, tag: tag, digest: d.digest, mediaType: d.mediaType, size: d.size))
                continue
            }
            func int(_ key: String) throws(StoreError) -> Int {
                guard let text = a[key], let n = Int(text), n >= 0 else { throw fail("lacks a number under \(key)") }
                return n
            }
            func uint(_ key: String) throws(StoreError) -> UInt64 {
                guard let text = a[key], let n = UInt64(text) else { throw fail("lacks a number under \(key)") }
                return n
            }
            let version = try int(AnnotationKey.version)
            guard version >= 1, version <= ModelReference.maxVersion else { throw fail("has version \(version), outside 1...\(ModelReference.maxVersion)") }
            var parent: Digest?
            if let p = a[AnnotationKey.parent] {
                do { parent = try Digest(parsing: p) } catch { throw fail("has a bad parent digest") }
            }
            versions.append(ModelVersion(
                name: name, version: version, tags: [], digest: d.digest, manifestSize: d.size,
                parameters: try int(AnnotationKey.parameters), rawBytes: try uint(AnnotationKey.rawBytes),
                storedBytes: try uint(AnnotationKey.storedBytes), tensorCount: try int(AnnotationKey.tensorCount),
                created: a[AnnotationKey.created] ?? "", parent: parent, operation: a[AnnotationKey.operation]))
            lastVersion[name] = max(lastVersion[name] ?? 0, version)
        }
        var seen = Set<String>()
        for v in versions {
            guard seen.insert(v.reference).inserted else {
                throw StoreError(.corrupt, "\(path) lists \(v.reference) twice; the store was not changed")
            }
        }
        refreshTags()
    }

    /// Recomputes each version's `tags` from the tag entries.
    mutating func refreshTags() {
        var byDigest: [Digest: [Int]] = [:]
        for (i, v) in versions.enumerated() {
            versions[i].tags = []
            byDigest[v.digest, default: []].append(i)
        }
        for t in tags {
            guard let indices = byDigest[t.digest] else { continue }
            // A tag shows on the version of its own name when there is one, else on the first.
            let i = indices.first(where: { versions[$0].name == t.name }) ?? indices[0]
            versions[i].tags.append(versions[i].name == t.name ? t.tag : "\(t.name):\(t.tag)")
        }
        for i in versions.indices { versions[i].tags.sort() }
    }

    /// The OCI index this describes.
    var oci: OCIIndex {
        var manifests: [OCIDescriptor] = foreign
        for v in versions {
            var a: [String: String] = [
                AnnotationKey.refName: v.reference,
                AnnotationKey.name: v.name,
                AnnotationKey.version: String(v.version),
                AnnotationKey.created: v.created,
                AnnotationKey.parameters: String(v.parameters),
                AnnotationKey.rawBytes: String(v.rawBytes),
                AnnotationKey.storedBytes: String(v.storedBytes),
                AnnotationKey.tensorCount: String(v.tensorCount),
            ]
            if let p = v.parent { a[AnnotationKey.parent] = p.description }
            if let op = v.operation { a[AnnotationKey.operation] = op }
            manifests.append(OCIDescriptor(mediaType: MediaType.manifest, digest: v.digest, size: v.manifestSize,
                                           artifactType: MediaType.modelArtifact, annotations: a))
        }
        for t in tags {
            manifests.append(OCIDescriptor(mediaType: t.mediaType, digest: t.digest, size: t.size,
                                           artifactType: MediaType.modelArtifact, annotations: [
                                               AnnotationKey.refName: "\(t.name):\(t.tag)",
                                               AnnotationKey.name: t.name,
                                               AnnotationKey.tag: t.tag,
                                           ]))
        }
        var annotations = otherAnnotations
        for (name, n) in lastVersion { annotations[AnnotationKey.lastVersionPrefix + name] = String(n) }
        return OCIIndex(manifests: manifests, annotations: annotations.isEmpty ? nil : annotations)
    }

    /// The bytes of `index.json`: compact, keys sorted, so equal indexes are equal files.
    func encoded() throws(StoreError) -> [UInt8] {
        try StoreJSON.encode(oci)
    }

    /// Every manifest digest the index references (versions, tags, foreign entries).
    var referencedManifests: Set<Digest> {
        Set(versions.map(\.digest)).union(tags.map(\.digest)).union(foreign.map(\.digest))
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? DecodingError {
            switch e {
            case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
                let path = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
                return path.isEmpty ? c.debugDescription : "\(path): \(c.debugDescription)"
            @unknown default: return "\(e)"
            }
        }
        return "\(error)"
    }
}
