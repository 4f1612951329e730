extension Store {
    /// Points the tag `target` (`name:TAG`) at the version `ref` names, moving it if it exists.
    @discardableResult
    public func tag(_ ref: ModelReference, as target: ModelReference) throws(StoreError) -> ModelVersion {
        guard case .tag(let tag) = target.selector else {
            throw StoreError(.badReference, "\(target) is not NAME:TAG (a tag is not a number, 'latest' or a digest)")
        }
        return try updateIndex { (index) throws(StoreError) in
            let version = try Store.resolve(ref, in: index)
            index.tags.removeAll { $0.name == target.name && $0.tag == tag }
            index.tags.append(.init(name: target.name, tag: tag, digest: version.digest,
                                    mediaType: MediaType.manifest, size: version.manifestSize))
            return version
        }
    }

    /// Removes a tag (`name:TAG`), a version (`name:N`, `name@sha256:…`) with the tags that pointed
    /// at it, or with `allVersions` every version and tag of a name. A bare `name` without
    /// `allVersions` is refused: it would silently mean only the latest version. Blobs stay until `gc`.
    @discardableResult
    public func remove(_ ref: ModelReference, allVersions: Bool = false) throws(StoreError) -> RemovalReport {
        try updateIndex { (index) throws(StoreError) in
            var report = RemovalReport(versions: [], tags: [])
            switch ref.selector {
            case .tag(let tag) where !allVersions:
                guard index.tags.contains(where: { $0.name == ref.name && $0.tag == tag }) else {
                    throw Store.notFound(ref, in: index)
                }
                index.tags.removeAll { $0.name == ref.name && $0.tag == tag }
                report.tags = [ref.description]
                return report
            case .latest where !allVersions:
                throw StoreError(.invalidArgument, "`rm \(ref.name)` is ambiguous: remove one version with \(ref.name):N, a tag with \(ref.name):TAG, or every version with --all")
            default:
                break
            }
            let doomed: [ModelVersion]
            if allVersions {
                doomed = index.versions.filter { $0.name == ref.name }
                guard !doomed.isEmpty || index.tags.contains(where: { $0.name == ref.name }) else {
                    throw Store.notFound(ModelReference(name: ref.name), in: index)
                }
            } else {
                doomed = [try Store.resolve(ref, in: index)]
            }
            let doomedRefs = Set(doomed.map(\.reference))
            index.versions.removeAll { doomedRefs.contains($0.reference) }
            let remaining = Set(index.versions.map(\.digest))
            let goneTags = index.tags.filter { (allVersions && $0.name == ref.name) || !remaining.contains($0.digest) }
            index.tags.removeAll { (allVersions && $0.name == ref.name) || !remaining.contains($0.digest) }
            report.versions = doomed.map(\.reference)
            report.tags = goneTags.map { "\($0.name):\($0.tag)" }
            return report
        }
    }

    /// The blobs each manifest references (itself, its config, its layers), read from the manifests.
    func blobSets(of digests: some Sequence<Digest>) throws(StoreError) -> [Digest: [Digest]] {
        var sets: [Digest: [Digest]] = [:]
        for d in digests where sets[d] == nil {
            let m = try manifest(digest: d, name: d.description)
            sets[d] = [d, m.config.digest] + m.layers.map(\.digest)
        }
        return sets
    }

    /// Blob files on disk with their sizes (names that are not digests are skipped).
    func blobFiles() throws(StoreError) -> [Digest: UInt64] {
        var files: [Digest: UInt64] = [:]
        for d in try blobNames() {
            if let size = DiskIO.fileSize(blobPath(d.digest)) { files[d.digest] = size }
        }
        return files
    }

    /// The digests of the blob files on disk, from the directory listing alone (names that are
    /// not 64 lowercase hex digits are skipped).
    func blobNames() throws(StoreError) -> [DigestBytes] {
        var names: [DigestBytes] = []
        guard DiskIO.isDirectory(blobDirectory) else { return names }
        try DiskIO.forEachName(in: blobDirectory) { name in
            if let d = DigestBytes(hex: name) { names.append(d) }
        }
        return names
    }

    /// Temporary files with their sizes.
    func temporaryFiles() throws(StoreError) -> [(path: String, size: UInt64)] {
        guard DiskIO.isDirectory(temporaryDirectory) else { return [] }
        return try DiskIO.list(temporaryDirectory).map { (temporaryDirectory + "/" + $0, DiskIO.fileSize(temporaryDirectory + "/" + $0) ?? 0) }
    }

    /// Removes blobs no manifest in the index references, and leftover temporary files.
    ///
    /// Runs with the gc lock exclusive (so no writer is between its first blob and its index
    /// update: every blob on disk is either referenced or garbage, every temporary file a leftover)
    /// and the index lock (so the index does not change meanwhile). Refuses to run when a
    /// referenced manifest cannot be read, since it could not tell what that manifest needs.
    ///
    /// A dry run answers from the summary cache (formats/store.md, "The summary cache"); a real
    /// run, which deletes, reads every referenced manifest itself and never trusts the cache. It
    /// then rewrites the cache with the records of referenced manifests only, dropping any that
    /// disagree with their manifest.
    ///
    /// The feature cache's leftovers (files no entry names, entries that do not parse or whose
    /// file is gone) go too; with `features` every feature cache entry goes.
    public func gc(dryRun: Bool = false, features: Bool = false) throws(StoreError) -> GCReport {
        try makePrivateDirectories()
        let gcLock = try FileLock(path: gcLockPath, exclusive: true)
        defer { gcLock.unlock() }
        let indexLock = try FileLock(path: indexLockPath, exclusive: true)
        defer { indexLock.unlock() }
        let index = try readIndex()
        var report = GCReport(blobs: [], blobBytes: 0, temporaryFiles: 0, temporaryBytes: 0, dryRun: dryRun)
        let onDisk = try blobNames()
        var referenced = Set<DigestBytes>()
        if dryRun {
            let manifests = index.referencedManifestSizes
            let present = Set(onDisk)
            // What a real run refuses, the dry run refuses too.
            if let missing = manifests.keys.sorted().first(where: { !present.contains(DigestBytes($0)) }) {
                throw StoreError(.corrupt, "manifest of \(missing): blob \(missing) is missing; run `zoo verify`")
            }
            let summaries = try summaries(of: manifests)
            for (digest, s) in summaries.byDigest {
                referenced.insert(digest)
                referenced.insert(s.config.digest)
                for layer in s.layers { referenced.insert(layer.digest) }
            }
        } else {
            let sets = try blobSets(of: index.referencedManifests)
            for blobs in sets.values { for b in blobs { referenced.insert(DigestBytes(b)) } }
            let cached = summaryCache.load().records
            var disagree = Set<DigestBytes>()
            for (manifest, blobs) in sets {
                let key = DigestBytes(manifest)
                guard let s = cached[key] else { continue }
                if [key, s.config.digest] + s.layers.map(\.digest) != blobs.map(DigestBytes.init) { disagree.insert(key) }
            }
            let keep = Set(sets.keys.map(DigestBytes.init)).subtracting(disagree)
            summaryCache.rewrite(adding: [:], keeping: { keep.contains($0) })
        }
        for digest in onDisk.sorted() where !referenced.contains(digest) {
            let d = digest.digest
            guard let size = DiskIO.fileSize(blobPath(d)) else { continue }
            if !dryRun { try DiskIO.remove(blobPath(d)) }
            report.blobs.append(d)
            report.blobBytes += size
        }
        for file in try temporaryFiles() {
            if !dryRun { try DiskIO.remove(file.path) }
            report.temporaryFiles += 1
            report.temporaryBytes += file.size
        }
        let dropped = try FeatureCache(store: self).collect(all: features, dryRun: dryRun)
        report.featureEntries = dropped.entries
        report.featureFiles = dropped.files
        report.featureBytes = dropped.bytes
        if !dryRun { try DiskIO.fsyncDirectory(blobDirectory) }
        return report
    }
}
