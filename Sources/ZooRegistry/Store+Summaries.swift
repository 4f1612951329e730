import ZooModel

extension Store {
    /// The summary cache of this store (`.zoo/cache/manifests.v1`).
    var summaryCache: SummaryCache {
        SummaryCache(directory: privateDirectory + "/cache", temporaryDirectory: temporaryDirectory)
    }

    /// Summaries of manifests, and which of them lack their lineage facts (their config could not
    /// be read; the caller reads it itself to report why).
    struct Summaries {
        var byDigest: [DigestBytes: ManifestSummary]
        var withoutLineage: Set<DigestBytes>
    }

    /// The summaries of `manifests` (digest -> size the index gives it): from the summary cache
    /// where it has a record whose manifest size matches, else read from the manifest (digest
    /// checked) and its config, and added to the cache. Throws when a manifest cannot be read.
    func summaries(of manifests: [Digest: Int64]) throws(StoreError) -> Summaries {
        let cache = summaryCache
        let contents = cache.load()
        var out = Summaries(byDigest: [:], withoutLineage: [])
        out.byDigest.reserveCapacity(manifests.count)
        var rebuilt: [(DigestBytes, ManifestSummary)] = []
        var damaged = contents.damaged
        for (digest, size) in manifests {
            let key = DigestBytes(digest)
            if let cached = contents.records[key] {
                if cached.manifestSize == UInt64(max(0, size)) {
                    out.byDigest[key] = cached
                    continue
                }
                damaged = true
            }
            let (summary, complete) = try readSummary(digest)
            out.byDigest[key] = summary
            if complete { rebuilt.append((key, summary)) } else { out.withoutLineage.insert(key) }
        }
        if damaged {
            cache.rewrite(adding: Dictionary(rebuilt, uniquingKeysWith: { first, _ in first }))
        } else {
            cache.append(rebuilt)
        }
        return out
    }

    /// Reads a manifest (digest checked) and, for a zoo model, its config's lineage record.
    /// `complete` is false when the config could not be read (the summary then has no lineage).
    func readSummary(_ digest: Digest) throws(StoreError) -> (summary: ManifestSummary, complete: Bool) {
        let bytes = try readVerifiedBlob(digest, limit: Store.manifestLimit, what: "manifest")
        let manifest = try StoreJSON.decode(OCIManifest.self, from: bytes, what: "manifest \(digest)")
        var lineage: LineageRecord?
        var complete = true
        if manifest.config.mediaType == MediaType.modelConfig {
            do {
                let config = try readVerifiedBlob(manifest.config.digest, limit: Store.configLimit, what: "config")
                lineage = try StoreJSON.decode(ConfigLineage.self, from: config, what: "config \(manifest.config.digest)").model.lineage
            } catch {
                complete = false
            }
        }
        return (try ManifestSummary(manifest: manifest, size: UInt64(bytes.count), lineage: lineage), complete)
    }

    /// Adds the summary of a manifest just written to the cache (best effort).
    func cacheSummary(of manifest: OCIManifest, digest: Digest, size: Int64, lineage: LineageRecord?) {
        guard let summary = try? ManifestSummary(manifest: manifest, size: UInt64(max(0, size)), lineage: lineage) else { return }
        summaryCache.append([(DigestBytes(digest), summary)])
    }
}
