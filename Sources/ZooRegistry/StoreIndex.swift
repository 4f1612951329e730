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

    /// An entry the store did not write (another tool's), kept with its text so it is written
    /// back byte for byte, fields the store does not know included.
    struct Foreign: Sendable {
        var descriptor: OCIDescriptor
        var text: ArraySlice<UInt8>
    }

    /// Versions in commit order, `tags` filled from the tag entries.
    var versions: [ModelVersion] = []
    var tags: [Tag] = []
    /// Highest version number each name has ever had; never goes down, so `name:N` is never reused.
    var lastVersion: [String: Int] = [:]
    /// Entries that are neither zoo versions nor zoo tags, written back unchanged.
    var foreign: [Foreign] = []
    /// Index annotations that are not version high-water marks.
    var otherAnnotations: [String: String] = [:]
    /// Top-level members other than schemaVersion, mediaType, manifests and annotations (another
    /// tool's), with their text, written back unchanged.
    var otherMembers: [(key: String, text: ArraySlice<UInt8>)] = []

    init() {}

    /// Parses and checks `bytes` (read from `path`); anything malformed is `.corrupt`.
    init(parsing bytes: [UInt8], path: String) throws(StoreError) {
        let document = try DiskIO.withBytes(bytes) { (buffer) throws(StoreError) in
            try IndexParser.parse(buffer, path: path)
        }
        guard document.schemaVersion == 2 else {
            throw StoreError(.corrupt, "\(path) has schemaVersion \(document.schemaVersion); only 2 is known")
        }
        otherMembers = document.otherMembers.map { ($0.key, bytes[$0.text]) }
        for (key, value) in document.annotations ?? [:] {
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
        versions.reserveCapacity(document.manifests.count)
        for (i, entry) in document.manifests.enumerated() {
            let d = entry.descriptor
            let a = d.annotations ?? [:]
            guard let name = a[AnnotationKey.name], d.mediaType == MediaType.manifest else {
                foreign.append(Foreign(descriptor: d, text: bytes[entry.text]))
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

    /// The OCI index this describes (for callers that want the parsed form; `encoded` does
    /// not go through it).
    var oci: OCIIndex {
        var manifests: [OCIDescriptor] = foreign.map(\.descriptor)
        manifests += versions.map(StoreIndex.descriptor(of:))
        manifests += tags.map(StoreIndex.descriptor(of:))
        return OCIIndex(manifests: manifests, annotations: indexAnnotations)
    }

    /// The index-level annotations: the version high-water marks and the others.
    private var indexAnnotations: [String: String]? {
        var annotations = otherAnnotations
        for (name, n) in lastVersion { annotations[AnnotationKey.lastVersionPrefix + name] = String(n) }
        return annotations.isEmpty ? nil : annotations
    }

    /// The `index.json` entry of a version.
    static func descriptor(of v: ModelVersion) -> OCIDescriptor {
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
        return OCIDescriptor(mediaType: MediaType.manifest, digest: v.digest, size: v.manifestSize,
                             artifactType: MediaType.modelArtifact, annotations: a)
    }

    /// The `index.json` entry of a tag.
    static func descriptor(of t: Tag) -> OCIDescriptor {
        OCIDescriptor(mediaType: t.mediaType, digest: t.digest, size: t.size, artifactType: MediaType.modelArtifact,
                      annotations: [AnnotationKey.refName: "\(t.name):\(t.tag)", AnnotationKey.name: t.name,
                                    AnnotationKey.tag: t.tag])
    }

    /// The bytes of `index.json`: compact, keys in byte order, so equal indexes are equal files.
    /// Entries are written foreign first (each as the text it was read with), then versions in
    /// commit order, then tags.
    func encoded() -> [UInt8] {
        var manifests: [UInt8] = []
        manifests.reserveCapacity(64 + versions.count * 720 + foreign.reduce(0) { $0 + $1.text.count } + tags.count * 300)
        manifests.append(UInt8(ascii: "["))
        var first = true
        func separate() {
            if !first { manifests.append(UInt8(ascii: ",")) }
            first = false
        }
        for f in foreign { separate(); manifests.append(contentsOf: f.text) }
        for v in versions { separate(); StoreIndex.appendVersion(v, to: &manifests) }
        for t in tags { separate(); JSONText.appendDescriptor(StoreIndex.descriptor(of: t), to: &manifests) }
        manifests.append(UInt8(ascii: "]"))

        var members: [(key: String, text: [UInt8])] = otherMembers.map { ($0.key, Array($0.text)) }
        if let annotations = indexAnnotations {
            var text: [UInt8] = []
            JSONText.appendStringMap(annotations, to: &text)
            members.append(("annotations", text))
        }
        members.append(("manifests", manifests))
        members.append(("mediaType", Array("\"\(MediaType.index)\"".utf8)))
        members.append(("schemaVersion", Array("2".utf8)))
        var out: [UInt8] = []
        out.reserveCapacity(members.reduce(2) { $0 + $1.key.utf8.count + $1.text.count + 4 })
        out.append(UInt8(ascii: "{"))
        for (i, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendKey(member.key, to: &out)
            out.append(contentsOf: member.text)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The annotation keys of a version entry in byte order, as indices into `versionValues`.
    private static let versionKeys: [String] = [
        AnnotationKey.refName, AnnotationKey.name, AnnotationKey.version, AnnotationKey.created,
        AnnotationKey.parameters, AnnotationKey.rawBytes, AnnotationKey.storedBytes, AnnotationKey.tensorCount,
        AnnotationKey.parent, AnnotationKey.operation,
    ]
    private static let versionKeyOrder: [Int] = versionKeys.indices.sorted {
        versionKeys[$0].utf8.lexicographicallyPrecedes(versionKeys[$1].utf8)
    }

    /// Writes a version's entry as `JSONText.appendDescriptor(descriptor(of: v))` would, without
    /// building and sorting a dictionary per version.
    static func appendVersion(_ v: ModelVersion, to out: inout [UInt8]) {
        let values: [String?] = [
            v.reference, v.name, String(v.version), v.created, String(v.parameters), String(v.rawBytes),
            String(v.storedBytes), String(v.tensorCount), v.parent?.description, v.operation,
        ]
        out.append(contentsOf: #"{"annotations":{"#.utf8)
        var first = true
        for k in versionKeyOrder {
            guard let value = values[k] else { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONText.appendKey(versionKeys[k], to: &out)
            JSONText.appendString(value, to: &out)
        }
        out.append(contentsOf: #"},"artifactType":""#.utf8)
        out.append(contentsOf: MediaType.modelArtifact.utf8)
        out.append(contentsOf: #"","digest":""#.utf8)
        out.append(contentsOf: v.digest.description.utf8)
        out.append(contentsOf: #"","mediaType":""#.utf8)
        out.append(contentsOf: MediaType.manifest.utf8)
        out.append(contentsOf: #"","size":"#.utf8)
        JSONText.appendInteger(v.manifestSize, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Every manifest digest the index references (versions, tags, foreign entries).
    var referencedManifests: Set<Digest> {
        Set(versions.map(\.digest)).union(tags.map(\.digest)).union(foreign.map(\.descriptor.digest))
    }

    /// Every referenced manifest with its size as the index gives it (the first entry's, if two
    /// entries disagree).
    var referencedManifestSizes: [Digest: Int64] {
        var sizes: [Digest: Int64] = [:]
        sizes.reserveCapacity(versions.count + tags.count + foreign.count)
        for v in versions where sizes[v.digest] == nil { sizes[v.digest] = v.manifestSize }
        for t in tags where sizes[t.digest] == nil { sizes[t.digest] = t.size }
        for f in foreign where sizes[f.descriptor.digest] == nil { sizes[f.descriptor.digest] = f.descriptor.size }
        return sizes
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
