import ZooFormat

extension Store {
    /// The chain of parents of `ref` (reading each version's config for its operation and
    /// parameters) and its direct children (from the index alone).
    public func lineage(_ ref: ModelReference) throws(StoreError) -> Lineage {
        let index = try readIndex()
        let start = try Store.resolve(ref, in: index)
        let byDigest = Dictionary(index.versions.map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        var chain: [LineageStep] = []
        var seen = Set<Digest>()
        var next: Digest? = start.digest
        while let digest = next, seen.insert(digest).inserted {
            let version = digest == start.digest ? start : byDigest[digest]
            guard let version else {
                chain.append(LineageStep(digest: digest, reference: nil, operation: nil, parameters: [:], created: nil, parent: nil))
                break
            }
            let config = try self.config(of: try manifest(of: version))
            let record = config.model.lineage
            chain.append(LineageStep(digest: digest, reference: version.reference, operation: record?.operation,
                                     parameters: record?.parameters ?? [:], created: record?.created ?? version.created,
                                     parent: version.parent))
            next = version.parent
        }
        let children = index.versions.filter { $0.parent == start.digest }
            .sorted { $0.name != $1.name ? $0.name < $1.name : $0.version < $1.version }
            .map(\.reference)
        return Lineage(chain: chain, children: children)
    }
}
