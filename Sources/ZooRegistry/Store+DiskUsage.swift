extension Store {
    /// Disk usage per version and per model, and for the whole store. Reads `index.json`, the
    /// summary cache (rebuilding what it lacks from the manifests) and the blob directory's
    /// listing; never a tensor blob. Sizes of referenced blobs are those their descriptors record
    /// (`zoo verify` checks they match the files); unreferenced blobs are measured on disk.
    public func du() throws(StoreError) -> DiskUsage {
        let index = try readIndex()
        let versions = index.versions.sorted { $0.name != $1.name ? $0.name < $1.name : $0.version < $1.version }
        let summaries = try summaries(of: index.referencedManifestSizes).byDigest

        // Blobs are numbered as they are met; every count below is over those numbers.
        var ids: [DigestBytes: Int] = [:]
        var sizes: [UInt64] = []
        func intern(_ d: DigestBytes, _ size: UInt64) -> Int {
            if let id = ids[d] { return id }
            ids[d] = sizes.count
            sizes.append(size)
            return sizes.count - 1
        }
        // Each manifest's distinct blobs: itself, its config, its layers.
        var manifestBlobs: [DigestBytes: [Int]] = [:]
        func blobs(of digest: Digest) -> [Int] {
            let key = DigestBytes(digest)
            if let known = manifestBlobs[key] { return known }
            guard let s = summaries[key] else { return [] }
            var list = [intern(key, s.manifestSize), intern(s.config.digest, s.config.size)]
            for layer in s.layers { list.append(intern(layer.digest, layer.size)) }
            list = Array(Set(list)).sorted()
            manifestBlobs[key] = list
            return list
        }
        let perVersion = versions.map { blobs(of: $0.digest) }
        let versionDigests = Set(versions.map(\.digest))
        // Blobs kept by tags or foreign entries alone count as used by something other than a version.
        var otherBlobs: [Int] = []
        for digest in index.referencedManifests where !versionDigests.contains(digest) { otherBlobs += blobs(of: digest) }

        let names = Array(Set(versions.map(\.name))).sorted()
        let nameNumber = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var users = [Int](repeating: 0, count: sizes.count)
        // The one model using a blob, -1 for none yet, -2 for several (or something else).
        var owner = [Int](repeating: -1, count: sizes.count)
        for (v, list) in zip(versions, perVersion) {
            let n = nameNumber[v.name] ?? -2
            for b in list {
                users[b] += 1
                owner[b] = owner[b] == -1 || owner[b] == n ? n : -2
            }
        }
        for b in otherBlobs {
            users[b] += 2  // never exclusive to a version
            owner[b] = -2
        }

        var rows: [DiskUsage.Entry] = []
        rows.reserveCapacity(versions.count)
        var logical: UInt64 = 0
        var modelLogical = [UInt64](repeating: 0, count: names.count)
        for (v, list) in zip(versions, perVersion) {
            var total: UInt64 = 0
            var exclusive: UInt64 = 0
            for b in list {
                total += sizes[b]
                if users[b] == 1 { exclusive += sizes[b] }
            }
            rows.append(.init(reference: v.reference, logicalBytes: total, exclusiveBytes: exclusive))
            logical += total
            if let n = nameNumber[v.name] { modelLogical[n] += total }
        }
        var modelExclusive = [UInt64](repeating: 0, count: names.count)
        for b in sizes.indices where owner[b] >= 0 { modelExclusive[owner[b]] += sizes[b] }
        let models = names.indices.map {
            DiskUsage.Entry(reference: names[$0], logicalBytes: modelLogical[$0], exclusiveBytes: modelExclusive[$0])
        }
        let unique = sizes.reduce(UInt64(0), +)
        var unreferenced: UInt64 = 0
        for d in try blobNames() where ids[d] == nil {
            unreferenced += DiskIO.fileSize(blobPath(d.digest)) ?? 0
        }
        let temporary = try temporaryFiles().reduce(UInt64(0)) { $0 + $1.size }
        var usage = DiskUsage(versions: rows, models: models, logicalBytes: logical, uniqueBytes: unique,
                              unreferencedBytes: unreferenced, temporaryBytes: temporary)
        let features = try FeatureCache(store: self).usage()
        usage.featureCacheEntries = features.entries
        usage.featureCacheBytes = features.bytes
        usage.featureCacheLeftoverBytes = features.leftoverBytes
        return usage
    }
}
