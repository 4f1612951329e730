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
        guard DiskIO.isDirectory(blobDirectory) else { return files }
        for name in try DiskIO.list(blobDirectory) {
            guard let d = try? Digest(parsing: "sha256:" + name), let size = DiskIO.fileSize(blobPath(d)) else { continue }
            files[d] = size
        }
        return files
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
    public func gc(dryRun: Bool = false) throws(StoreError) -> GCReport {
        try makePrivateDirectories()
        let gcLock = try FileLock(path: gcLockPath, exclusive: true)
        defer { gcLock.unlock() }
        let indexLock = try FileLock(path: indexLockPath, exclusive: true)
        defer { indexLock.unlock() }
        let index = try readIndex()
        let referenced = Set(try blobSets(of: index.referencedManifests).values.joined())
        var report = GCReport(blobs: [], blobBytes: 0, temporaryFiles: 0, temporaryBytes: 0, dryRun: dryRun)
        for (digest, size) in try blobFiles().sorted(by: { $0.key < $1.key }) where !referenced.contains(digest) {
            if !dryRun { try DiskIO.remove(blobPath(digest)) }
            report.blobs.append(digest)
            report.blobBytes += size
        }
        for file in try temporaryFiles() {
            if !dryRun { try DiskIO.remove(file.path) }
            report.temporaryFiles += 1
            report.temporaryBytes += file.size
        }
        if !dryRun { try DiskIO.fsyncDirectory(blobDirectory) }
        return report
    }

    /// Disk usage per version and per model, and for the whole store. Reads the index and the
    /// manifests, never a tensor blob.
    public func du() throws(StoreError) -> DiskUsage {
        let index = try readIndex()
        let versions = index.versions.sorted { $0.name != $1.name ? $0.name < $1.name : $0.version < $1.version }
        let sets = try blobSets(of: index.referencedManifests)
        let files = try blobFiles()
        // Who references each blob: version references, and the names of their models.
        var users: [Digest: Set<String>] = [:]
        var modelUsers: [Digest: Set<String>] = [:]
        for v in versions {
            for b in sets[v.digest] ?? [] {
                users[b, default: []].insert(v.reference)
                modelUsers[b, default: []].insert(v.name)
            }
        }
        // Blobs kept by tags or foreign entries alone count as used by no version.
        for (manifest, blobs) in sets where !versions.contains(where: { $0.digest == manifest }) {
            for b in blobs { users[b, default: []].insert("\u{0}other"); modelUsers[b, default: []].insert("\u{0}other") }
        }
        func size(_ d: Digest) -> UInt64 { files[d] ?? 0 }
        var rows: [DiskUsage.Entry] = []
        var logical: UInt64 = 0
        for v in versions {
            let blobs = Set(sets[v.digest] ?? [])
            let total = blobs.reduce(0) { $0 + size($1) }
            let exclusive = blobs.filter { users[$0] == [v.reference] }.reduce(0) { $0 + size($1) }
            rows.append(.init(reference: v.reference, logicalBytes: total, exclusiveBytes: exclusive))
            logical += total
        }
        var models: [DiskUsage.Entry] = []
        for name in Set(versions.map(\.name)).sorted() {
            var blobs = Set<Digest>()
            for v in versions where v.name == name { blobs.formUnion(sets[v.digest] ?? []) }
            let total = versions.filter { $0.name == name }.reduce(UInt64(0)) { acc, v in
                acc + Set(sets[v.digest] ?? []).reduce(0) { $0 + size($1) }
            }
            let exclusive = blobs.filter { modelUsers[$0] == [name] }.reduce(0) { $0 + size($1) }
            models.append(.init(reference: name, logicalBytes: total, exclusiveBytes: exclusive))
        }
        let referenced = Set(sets.values.joined())
        let unique = referenced.reduce(UInt64(0)) { $0 + size($1) }
        let unreferenced = files.filter { !referenced.contains($0.key) }.reduce(UInt64(0)) { $0 + $1.value }
        let temporary = try temporaryFiles().reduce(UInt64(0)) { $0 + $1.size }
        return DiskUsage(versions: rows, models: models, logicalBytes: logical, uniqueBytes: unique,
                         unreferencedBytes: unreferenced, temporaryBytes: temporary)
    }
}
