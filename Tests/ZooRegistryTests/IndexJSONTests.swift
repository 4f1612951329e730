import Foundation
import Testing
import ZooModel
@testable import ZooRegistry

/// `index.json` as the store reads and writes it: strict JSON, other tools' entries and members
/// kept byte for byte, the same facts as Foundation's decoder finds (formats/store.md, "index.json").
@Suite struct IndexJSONTests {
    let a = StoreFixture.bytes(count: 300, seed: 1)
    let b = StoreFixture.bytes(count: 200, seed: 2)

    func indexText(_ f: StoreFixture) throws -> String {
        try String(contentsOfFile: f.store.root + "/index.json", encoding: .utf8)
    }

    func write(_ f: StoreFixture, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: f.store.root + "/index.json"))
    }

    @Test func encodingIsCanonicalAndReadsBackTheSame() throws {
        let f = try StoreFixture()
        let v1 = try f.commit("bert", [("w", a)])
        try f.commit("bert", tag: "prod", [("w", b)], parent: v1.digest, operation: "train")
        try f.commit("gpt2", [("w", b)])
        let bytes = Array(try indexText(f).utf8)
        let index = try StoreIndex(parsing: bytes, path: "index.json")
        #expect(index.encoded() == bytes)
        // A fresh encoding (no text carried over) gives the same bytes.
        var rebuilt = StoreIndex()
        rebuilt.versions = index.versions
        rebuilt.tags = index.tags
        rebuilt.lastVersion = index.lastVersion
        #expect(rebuilt.encoded() == bytes)
        // Foundation's decoder reads the same entries.
        let oci = try JSONDecoder().decode(OCIIndex.self, from: Data(bytes))
        #expect(oci.manifests.count == 4)
        #expect(oci.manifests.map(\.digest) == index.versions.map(\.digest) + index.tags.map(\.digest))
        #expect(oci.annotations?["dev.modelzoo.last-version.bert"] == "2")
    }

    @Test func anIndexWrittenByFoundationReadsTheSame() throws {
        let f = try StoreFixture()
        try f.commit("m", tag: "x", [("w", a)])
        let index = try f.store.readIndex()
        let versions = try f.store.list()
        // The encoding zoo used before: Foundation's, keys sorted.
        var descriptors: [OCIDescriptor] = []
        for v in index.versions {
            var annotations = [AnnotationKey.refName: v.reference, AnnotationKey.name: v.name,
                               AnnotationKey.version: String(v.version), AnnotationKey.created: v.created,
                               AnnotationKey.parameters: String(v.parameters), AnnotationKey.rawBytes: String(v.rawBytes),
                               AnnotationKey.storedBytes: String(v.storedBytes), AnnotationKey.tensorCount: String(v.tensorCount)]
            annotations[AnnotationKey.operation] = v.operation
            descriptors.append(OCIDescriptor(mediaType: MediaType.manifest, digest: v.digest, size: v.manifestSize,
                                             artifactType: MediaType.modelArtifact, annotations: annotations))
        }
        descriptors += index.tags.map(StoreIndex.descriptor(of:))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let old = OCIIndex(manifests: descriptors, annotations: ["dev.modelzoo.last-version.m": "1"])
        try encoder.encode(old).write(to: URL(fileURLWithPath: f.store.root + "/index.json"))
        #expect(try f.store.list() == versions)
    }

    @Test func otherToolsEntriesAndMembersAreKeptByteForByte() throws {
        let f = try StoreFixture()
        let v = try f.commit("m", [("w", a)])
        let text = try indexText(f)
        // An entry as Go's encoder writes it, with fields zoo does not know, escapes and non-ASCII
        // text; a top-level member zoo does not know.
        let foreign = #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(v.digest)","size":\#(v.manifestSize),"platform":{"architecture":"amd64","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"caf\u00e9 \u003c1\u003e","note":"gr\u00fc\u00DF ✓ \ud83d\ude00"}}"#
        let subject = #""subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(v.digest)","size":1}"#
        var edited = text.replacingOccurrences(of: #""manifests":["#, with: #""manifests":["# + foreign + ",")
        edited = edited.replacingOccurrences(of: #","schemaVersion":2}"#, with: #","schemaVersion":2,"# + subject + "}")
        try write(f, edited)
        #expect(try f.store.list().map(\.reference) == ["m:1"])
        // A change of the index keeps both exactly as they were.
        try f.store.tag(try ModelReference(parsing: "m:1"), as: try ModelReference(parsing: "m:prod"))
        let after = try indexText(f)
        #expect(after.contains(foreign))
        #expect(after.contains(subject))
        #expect(try f.store.verify().ok)
        // Its manifest is referenced: gc keeps it even once the version is gone.
        try f.store.remove(try ModelReference(parsing: "m:1"))
        #expect(try f.store.gc().blobs.isEmpty)
        #expect(try indexText(f).contains(foreign))
    }

    @Test func escapedTextInZooEntriesIsDecoded() throws {
        let f = try StoreFixture()
        try f.commit("m", [("w", a)])
        // The same index with some of its strings written with escapes, as another encoder might.
        let text = try indexText(f)
            .replacingOccurrences(of: #""dev.modelzoo.name":"m""#, with: #""dev.modelzoo.n\u0061me":"\u006d""#)
            .replacingOccurrences(of: #""dev.modelzoo.operation":"test""#, with: #""dev.modelzoo.operation":"t\u0065st""#)
        try write(f, text)
        let v = try #require(try f.store.list().first)
        #expect(v.name == "m" && v.operation == "test")
    }

    /// One way of damaging an index's text.
    static func damage(_ what: String, _ t: String) -> String {
        switch what {
        case "truncated": return String(t.prefix(t.count / 2))
        case "a trailing comma": return t.replacingOccurrences(of: "]", with: ",]")
        case "a duplicate member": return t.replacingOccurrences(of: #""schemaVersion":2"#, with: #""schemaVersion":2,"schemaVersion":2"#)
        case "a duplicate annotation": return t.replacingOccurrences(of: #""dev.modelzoo.name":"m""#, with: #""dev.modelzoo.name":"m","dev.modelzoo.name":"x""#)
        case "a lone surrogate": return t.replacingOccurrences(of: #""dev.modelzoo.operation":"test""#, with: #""dev.modelzoo.operation":"\ud800x""#)
        case "a raw control character": return t.replacingOccurrences(of: #""test""#, with: "\"te\u{1}st\"")
        case "a bad number": return t.replacingOccurrences(of: #""schemaVersion":2"#, with: #""schemaVersion":02"#)
        case "a fraction for a size": return t.replacingOccurrences(of: #","size":"#, with: #","size":1.5,"x":"#)
        case "a negative size": return t.replacingOccurrences(of: #","size":"#, with: #","size":-"#)
        case "a number for an annotation": return t.replacingOccurrences(of: #""dev.modelzoo.tensors":"1""#, with: #""dev.modelzoo.tensors":1"#)
        case "a short digest": return t.replacingOccurrences(of: #""digest":"sha256:"#, with: #""digest":"sha256:ab"#)
        case "no schemaVersion": return t.replacingOccurrences(of: #","schemaVersion":2"#, with: "")
        case "schemaVersion 3": return t.replacingOccurrences(of: #""schemaVersion":2"#, with: #""schemaVersion":3"#)
        case "deep nesting": return t.replacingOccurrences(of: #""schemaVersion":2"#, with: #""schemaVersion":2,"x":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100))
        case "text after the object": return t + "{}"
        case "a version entry without its number": return t.replacingOccurrences(of: #""dev.modelzoo.version":"1","#, with: "")
        default: return t
        }
    }

    @Test(arguments: [
        "truncated",
        "a trailing comma",
        "a duplicate member",
        "a duplicate annotation",
        "a lone surrogate",
        "a raw control character",
        "a bad number",
        "a fraction for a size",
        "a negative size",
        "a number for an annotation",
        "a short digest",
        "no schemaVersion",
        "schemaVersion 3",
        "deep nesting",
        "text after the object",
        "a version entry without its number",
    ])
    func malformedIndexesAreRefused(_ what: String) throws {
        let f = try StoreFixture()
        try f.commit("m", [("w", a)])
        let good = try indexText(f)
        let bad = IndexJSONTests.damage(what, good)
        #expect(bad != good, "the damage '\(what)' did not apply")
        try write(f, bad)
        do {
            _ = try f.store.list()
            Issue.record("an index with \(what) was accepted")
        } catch {
            #expect(error.kind == .corrupt, "\(what)")
            #expect(error.message.contains("index.json"), "\(what): \(error.message)")
        }
    }

    @Test func invalidUTF8IsRefused() throws {
        let f = try StoreFixture()
        try f.commit("m", [("w", a)])
        var bytes = Array(try indexText(f).utf8)
        let at = try #require(bytes.firstIndex(of: UInt8(ascii: "t")))  // inside "test" or "tensors"
        bytes[at] = 0xC3
        try Data(bytes).write(to: URL(fileURLWithPath: f.store.root + "/index.json"))
        #expect(throws: StoreError.self) { try f.store.list() }
    }

    /// Random byte changes of a valid index: whenever the store's reader accepts the result, so
    /// does Foundation's JSONSerialization (an independent parser), and both see the same entries.
    @Test func mutationsAcceptedAreValidJSONWithTheSameEntries() throws {
        let f = try StoreFixture()
        let v1 = try f.commit("m", tag: "t", [("w", a)])
        try f.commit("m", [("w", b)], parent: v1.digest)
        let good = Array(try indexText(f).utf8)
        var rng = SeededRandom(seed: 7)
        let alphabet = Array(#"{}[]:,"\ 0123456789.eE+-tfnulrs\u"#.utf8) + [0x00, 0x7F, 0xC3, 0xFF]
        var accepted = 0
        for _ in 0..<3000 {
            var bytes = good
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let i = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[i] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: i)
                default: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: i)
                }
            }
            guard let index = try? StoreIndex(parsing: bytes, path: "index.json") else { continue }
            accepted += 1
            let json = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
            let manifests = json?["manifests"] as? [[String: Any]] ?? []
            let digests = manifests.compactMap { $0["digest"] as? String }
            #expect(digests.count == manifests.count)
            let ours = index.foreign.map(\.digest.description) + index.versions.map(\.digest.description)
                + index.tags.map(\.digest.description)
            #expect(Set(ours) == Set(digests) && ours.count == digests.count)
        }
        #expect(accepted > 10, "too few mutations were accepted to compare anything")
    }
}
