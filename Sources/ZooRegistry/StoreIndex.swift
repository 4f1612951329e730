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
        var digest: Digest
        var size: Int64
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
    /// The versions as read, each with the text of its entry: `encoded` writes an entry that did
    /// not change as that text (a copy, not a new encoding), which keeps a small change of a large
    /// index cheap.
    private var readVersions: [ModelVersion] = []
    private var readVersionText: [ArraySlice<UInt8>] = []

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
        func text(_ t: IndexParser.Text?) -> String? {
            switch t {
            case .bytes(let r)?: return String(decoding: bytes[r], as: UTF8.self)  // ASCII, checked by the parser
            case .decoded(let s)?: return s
            case nil: return nil
            }
        }
        func number(_ t: IndexParser.Text?) -> UInt64? {
            switch t {
            case .bytes(let r)?:
                guard !r.isEmpty, r.count <= 20 else { return nil }
                var n: UInt64 = 0
                for c in bytes[r] {
                    guard c >= 0x30 && c <= 0x39 else { return nil }
                    let (m, o1) = n.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = m.addingReportingOverflow(UInt64(c - 0x30))
                    guard !o1 && !o2 else { return nil }
                    n = sum
                }
                return n
            case .decoded(let s)?: return UInt64(s)
            case nil: return nil
            }
        }
        let slot = IndexParser.slot
        let nameSlot = slot[AnnotationKey.name] ?? 0, tagSlot = slot[AnnotationKey.tag] ?? 0
        let versionSlot = slot[AnnotationKey.version] ?? 0, parentSlot = slot[AnnotationKey.parent] ?? 0
        let parametersSlot = slot[AnnotationKey.parameters] ?? 0, rawSlot = slot[AnnotationKey.rawBytes] ?? 0
        let storedSlot = slot[AnnotationKey.storedBytes] ?? 0, tensorsSlot = slot[AnnotationKey.tensorCount] ?? 0
        let createdSlot = slot[AnnotationKey.created] ?? 0, operationSlot = slot[AnnotationKey.operation] ?? 0
        var seen = Set<VersionKey>()
        seen.reserveCapacity(document.manifests.count)
        for (i, d) in document.manifests.enumerated() {
            let a = d.annotations
            guard d.mediaType == MediaType.manifest, let name = text(a[nameSlot]) else {
                foreign.append(Foreign(digest: d.digest, size: d.size, text: bytes[d.text]))
                continue
            }
            func fail(_ what: String) -> StoreError {
                StoreError(.corrupt, "\(path): manifest entry \(i) (\(name)) \(what); the store was not changed")
            }
            if !StoreIndex.isPlainName(name) {
                do { try ModelReference.validateName(name) } catch { throw fail("has a bad name: \(error.message)") }
            }
            if let tag = text(a[tagSlot]) {
                do { try ModelReference.validateTag(tag) } catch { throw fail("has a bad tag: \(error.message)") }
                tags.append(Tag(name: name, tag: tag, digest: d.digest, mediaType: d.mediaType, size: d.size))
                continue
            }
            func int(_ k: Int, _ key: String) throws(StoreError) -> Int {
                guard let n = number(a[k]), n <= UInt64(Int.max) else { throw fail("lacks a number under \(key)") }
                return Int(n)
            }
            func uint(_ k: Int, _ key: String) throws(StoreError) -> UInt64 {
                guard let n = number(a[k]) else { throw fail("lacks a number under \(key)") }
                return n
            }
            let version = try int(versionSlot, AnnotationKey.version)
            guard version >= 1, version <= ModelReference.maxVersion else { throw fail("has version \(version), outside 1...\(ModelReference.maxVersion)") }
            var parent: Digest?
            if let p = text(a[parentSlot]) {
                do { parent = try Digest(parsing: p) } catch { throw fail("has a bad parent digest") }
            }
            guard seen.insert(VersionKey(name: name, version: version)).inserted else {
                throw StoreError(.corrupt, "\(path) lists \(name):\(version) twice; the store was not changed")
            }
            versions.append(ModelVersion(
                name: name, version: version, tags: [], digest: d.digest, manifestSize: d.size,
                parameters: try int(parametersSlot, AnnotationKey.parameters), rawBytes: try uint(rawSlot, AnnotationKey.rawBytes),
                storedBytes: try uint(storedSlot, AnnotationKey.storedBytes), tensorCount: try int(tensorsSlot, AnnotationKey.tensorCount),
                created: text(a[createdSlot]) ?? "", parent: parent, operation: text(a[operationSlot])))
            readVersionText.append(bytes[d.text])
            if version > lastVersion[name] ?? 0 { lastVersion[name] = version }
        }
        readVersions = versions
        refreshTags()
    }

    /// A version's identity, for the duplicate check.
    private struct VersionKey: Hashable {
        var name: String
        var version: Int
    }

    /// Whether `name` is a valid model name, checked without building any string (the common
    /// case; `ModelReference.validateName` says what is wrong otherwise).
    static func isPlainName(_ name: String) -> Bool {
        var count = 0
        var previous: UInt8 = 0
        for b in name.utf8 {
            let lowerAlnum = (b >= 97 && b <= 122) || (b >= 48 && b <= 57)
            if count == 0 && !lowerAlnum { return false }
            guard lowerAlnum || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") else { return false }
            if b == UInt8(ascii: ".") && previous == UInt8(ascii: ".") { return false }
            previous = b
            count += 1
        }
        return count >= 1 && count <= ModelReference.maxNameLength
    }

    /// Recomputes each version's `tags` from the tag entries. A tag shows on the version of its
    /// own name when one has its digest, else on the first version with its digest.
    mutating func refreshTags() {
        for i in versions.indices where !versions[i].tags.isEmpty { versions[i].tags = [] }
        guard !tags.isEmpty else { return }
        var byDigest: [Digest: [Int]] = [:]
        for (k, t) in tags.enumerated() { byDigest[t.digest, default: []].append(k) }
        var home = [Int?](repeating: nil, count: tags.count)
        for (i, v) in versions.enumerated() {
            guard let pointing = byDigest[v.digest] else { continue }
            for k in pointing {
                if let h = home[k], versions[h].name == tags[k].name || v.name != tags[k].name { continue }
                home[k] = i
            }
        }
        for (k, t) in tags.enumerated() {
            guard let i = home[k] else { continue }
            versions[i].tags.append(versions[i].name == t.name ? t.tag : "\(t.name):\(t.tag)")
        }
        for i in Set(home.compactMap { $0 }) { versions[i].tags.sort() }
    }

    /// The index-level annotations: the version high-water marks and the others.
    private var indexAnnotations: [String: String]? {
        var annotations = otherAnnotations
        for (name, n) in lastVersion { annotations[AnnotationKey.lastVersionPrefix + name] = String(n) }
        return annotations.isEmpty ? nil : annotations
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
        var members: [(key: String, text: [UInt8]?)] = otherMembers.map { ($0.key, Array($0.text)) }
        if let annotations = indexAnnotations {
            var text: [UInt8] = []
            JSONText.appendStringMap(annotations, to: &text)
            members.append(("annotations", text))
        }
        members.append(("manifests", nil))  // written in place, below
        members.append(("mediaType", Array("\"\(MediaType.index)\"".utf8)))
        members.append(("schemaVersion", Array("2".utf8)))
        var out: [UInt8] = []
        out.reserveCapacity(members.reduce(64) { $0 + $1.key.utf8.count + ($1.text?.count ?? 0) + 4 }
                            + readVersionText.reduce(0) { $0 + $1.count + 1 } + foreign.reduce(0) { $0 + $1.text.count + 1 }
                            + (versions.count - min(versions.count, readVersions.count)) * 720 + tags.count * 300)
        out.append(UInt8(ascii: "{"))
        for (i, member) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendKey(member.key, to: &out)
            if let text = member.text { out.append(contentsOf: text) } else { appendManifests(to: &out) }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The `manifests` array: foreign entries, versions, tags.
    private func appendManifests(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        var first = true
        func separate(_ out: inout [UInt8]) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
        }
        for f in foreign { separate(&out); out.append(contentsOf: f.text) }
        // Every change keeps the versions' order (it appends or removes), so one walk through
        // the versions as read finds each unchanged one.
        var j = 0
        for v in versions {
            separate(&out)
            var k = j
            while k < readVersions.count, readVersions[k].version != v.version || readVersions[k].name != v.name { k += 1 }
            if k < readVersions.count, StoreIndex.sameEntry(readVersions[k], v) {
                out.append(contentsOf: readVersionText[k])
                j = k + 1
            } else {
                StoreIndex.appendVersion(v, to: &out)
            }
        }
        for t in tags { separate(&out); JSONText.appendDescriptor(StoreIndex.descriptor(of: t), to: &out) }
        out.append(UInt8(ascii: "]"))
    }

    /// Whether two versions make the same index entry (tags are separate entries).
    static func sameEntry(_ a: ModelVersion, _ b: ModelVersion) -> Bool {
        a.name == b.name && a.version == b.version && a.digest == b.digest && a.manifestSize == b.manifestSize
            && a.parameters == b.parameters && a.rawBytes == b.rawBytes && a.storedBytes == b.storedBytes
            && a.tensorCount == b.tensorCount && a.created == b.created && a.parent == b.parent && a.operation == b.operation
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
        Set(versions.map(\.digest)).union(tags.map(\.digest)).union(foreign.map(\.digest))
    }

    /// Every referenced manifest with its size as the index gives it (the first entry's, if two
    /// entries disagree).
    var referencedManifestSizes: [Digest: Int64] {
        var sizes: [Digest: Int64] = [:]
        sizes.reserveCapacity(versions.count + tags.count + foreign.count)
        for v in versions where sizes[v.digest] == nil { sizes[v.digest] = v.manifestSize }
        for t in tags where sizes[t.digest] == nil { sizes[t.digest] = t.size }
        for f in foreign where sizes[f.digest] == nil { sizes[f.digest] = f.size }
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
