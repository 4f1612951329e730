import Foundation
import ZooFormat
import ZooModel

extension Store {
    /// The chain of parents of `ref` and its direct children. The chain is walked in `index.json`
    /// (each version entry names its parent); each step's operation, parameters and time come from
    /// the summary cache, which is rebuilt from the configs where it lacks them.
    public func lineage(_ ref: ModelReference) throws(StoreError) -> Lineage {
        let index = try readIndex()
        let start = try Store.resolve(ref, in: index)
        let byDigest = Dictionary(index.versions.map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        // The versions of the chain, then the digest it ends at when that one is gone.
        var chain: [ModelVersion] = []
        var gone: Digest?
        var seen = Set<Digest>()
        var next: Digest? = start.digest
        while let digest = next, seen.insert(digest).inserted {
            guard let version = digest == start.digest ? start : byDigest[digest] else {
                gone = digest
                break
            }
            chain.append(version)
            next = version.parent
        }
        var sizes: [Digest: Int64] = [:]
        for v in chain { sizes[v.digest] = v.manifestSize }
        let summaries = try summaries(of: sizes)
        var facts: [LineageRecord?] = []
        var parameterTexts: [[UInt8]] = []
        for v in chain {
            let key = DigestBytes(v.digest)
            if summaries.withoutLineage.contains(key) {
                // The config could not be read when summarising: reading it again reports why.
                let record = try config(of: try manifest(of: v)).model.lineage
                facts.append(record)
                parameterTexts.append(try StoreJSON.encode(record?.parameters ?? [:]))
            } else if let l = summaries.byDigest[key]?.lineage {
                facts.append(LineageRecord(parent: nil, operation: l.operation, created: l.created))
                parameterTexts.append(l.parameters)
            } else {
                facts.append(nil)
                parameterTexts.append(Array("{}".utf8))
            }
        }
        var parameters: [[String: JSONValue]]
        do { parameters = try Store.decodeParameters(parameterTexts) } catch {
            // A record that passed its CRC32 but does not decode: read the configs instead.
            parameters = []
            for v in chain { parameters.append(try config(of: try manifest(of: v)).model.lineage?.parameters ?? [:]) }
        }
        var steps: [LineageStep] = []
        for (i, v) in chain.enumerated() {
            steps.append(LineageStep(digest: v.digest, reference: v.reference, operation: facts[i]?.operation,
                                     parameters: facts[i] == nil ? [:] : parameters[i],
                                     created: facts[i]?.created ?? v.created, parent: v.parent))
        }
        if let gone {
            steps.append(LineageStep(digest: gone, reference: nil, operation: nil, parameters: [:], created: nil, parent: nil))
        }
        let children = index.versions.filter { $0.parent == start.digest }
            .sorted { $0.name != $1.name ? $0.name < $1.name : $0.version < $1.version }
            .map(\.reference)
        return Lineage(chain: steps, children: children)
    }

    /// Decodes many parameter objects (compact JSON each) in one call: a thousand-step chain
    /// would otherwise pay the decoder's set-up a thousand times.
    static func decodeParameters(_ texts: [[UInt8]]) throws(StoreError) -> [[String: JSONValue]] {
        var joined: [UInt8] = [UInt8(ascii: "[")]
        for (i, t) in texts.enumerated() {
            if i > 0 { joined.append(UInt8(ascii: ",")) }
            joined += t
        }
        joined.append(UInt8(ascii: "]"))
        return try StoreJSON.decode([[String: JSONValue]].self, from: joined, what: "lineage parameters in the summary cache")
    }
}
