import Foundation
import ZooRegistry

/// Pushes a stored version to a registry (distribution spec 1.1, "Push"): every blob is checked
/// with HEAD first and sent only when the repository lacks it; a blob the registry holds in
/// another repository is mounted from there; blobs go up in parallel, in one PUT or in chunks;
/// then the manifests of the version's lineage parents (by digest) and the version's own (by tag).
/// The manifest bytes are the store's, so the registry's digest is the store's.
public struct Pusher: Sendable {
    /// The store read from.
    public let store: Store
    /// The registry written to.
    public let client: RegistryClient

    /// A pusher from `store` to the registry `client` speaks to.
    public init(store: Store, client: RegistryClient) {
        self.store = store
        self.client = client
    }

    private struct Counts {
        var existing = 0, mounted = 0, uploaded = 0, chunked = 0
        var bytes: Int64 = 0
    }

    /// Pushes `ref` to `target` (a tag; `latest` when none is given), with the manifests of its
    /// lineage parents the store has unless `lineage` is false.
    public func push(_ ref: ModelReference, to target: RegistryReference, lineage: Bool = true,
                     progress: TransferProgress? = nil) async throws(DistributionError) -> PushReport {
        guard target.registry == client.registry else {
            throw DistributionError(.usage, "\(target) is not on \(client.registry)")
        }
        guard target.digest == nil else {
            throw DistributionError(.usage, "push to a tag (\(target.registry)/\(target.repository):TAG), not to a digest: the digest is the manifest's own")
        }
        let clock = ContinuousClock.now
        let repository = target.repository
        let tag = target.tag ?? "latest"
        let (version, chain) = try load(ref, lineage: lineage)

        // Distinct blobs, configs first: a manifest is accepted only when all of them are there.
        var blobs: [OCIDescriptor] = []
        var seen = Set<Digest>()
        for (_, _, manifest) in chain {
            for d in [manifest.config] + manifest.layers where seen.insert(d.digest).inserted {
                guard store.hasBlob(d.digest, size: d.size) else {
                    throw DistributionError(.corrupt, "blob \(d.digest) of \(version.reference) is missing from the store or has the wrong size; run `zoo verify`")
                }
                blobs.append(d)
            }
        }

        try await client.ping()
        let scopes = [RegistryClient.scope(repository, push: true)]
        let client = self.client
        let missing = Shared<[OCIDescriptor]>([])
        try await Concurrently.forEach(blobs, limit: client.options.jobs * 2) { (d) async throws(DistributionError) in
            if try await !client.hasBlob(repository, d.digest, scopes: scopes) { missing.withLock { $0.append(d) } }
        }
        let toSend = missing.withLock { list in blobs.filter { b in list.contains { $0.digest == b.digest } } }
        let counts = Shared(Counts())
        counts.withLock { $0.existing = blobs.count - toSend.count }
        progress?(.planned(blobs: toSend.count, bytes: TransferEvent.total(toSend)))

        let locations = BlobLocations(store: store)
        let store = self.store
        let chunkSize = max(1, client.options.chunkSize)
        try await Concurrently.forEach(toSend, limit: client.options.jobs) { (d) async throws(DistributionError) in
            let from = locations.repository(of: d.digest, in: client.registry, otherThan: repository)
            var failures = 0
            while true {
                var sent: Int64 = 0
                let tally = Shared<Int64>(0)
                do throws(DistributionError) {
                    let start = try await client.startUpload(repository, mount: from.map { (d.digest, $0) })
                    guard case .session(let session) = start else {
                        counts.withLock { $0.mounted += 1 }
                        progress?(.moved(bytes: d.size))
                        return
                    }
                    let onSent: @Sendable (Int64) -> Void = { n in
                        tally.withLock { $0 += n }
                        progress?(.moved(bytes: n))
                    }
                    let path = store.blobPath(d.digest)
                    if d.size > chunkSize {
                        try await client.putBlobInChunks(session: session, repository: repository, digest: d.digest, path: path,
                                                         size: d.size, chunkSize: chunkSize, sent: onSent)
                        counts.withLock { $0.chunked += 1 }
                    } else {
                        try await client.putBlob(session: session, repository: repository, digest: d.digest, path: path,
                                                 size: d.size, sent: onSent)
                    }
                    counts.withLock {
                        $0.uploaded += 1
                        $0.bytes += d.size
                    }
                    return
                } catch {
                    sent = tally.withLock { $0 }
                    failures += 1
                    guard error.kind == .network, failures < client.options.attempts else { throw error }
                    // Start this blob again from a new session; take back what the bar counted.
                    progress?(.moved(bytes: -sent))
                    try await RegistryClient.pause(failures)
                }
            }
        }

        // Parents first (oldest first, by digest), so the registry has every manifest a child names.
        for (digest, bytes, _) in chain.dropFirst().reversed() {
            try await client.putManifest(repository, digest.description, bytes: bytes, mediaType: MediaType.manifest)
        }
        try await client.putManifest(repository, tag, bytes: chain[0].bytes, mediaType: MediaType.manifest)

        var updated = locations
        updated.record(blobs.map(\.digest), in: client.registry, repository: repository)
        updated.save()
        let c = counts.withLock { $0 }
        let elapsed = ContinuousClock.now - clock
        return PushReport(version: version.reference, target: "\(target.registry)/\(repository):\(tag)", digest: version.digest,
                          manifests: chain.count, blobs: blobs.count, existingBlobs: c.existing, mountedBlobs: c.mounted,
                          uploadedBlobs: c.uploaded, uploadedBytes: c.bytes, chunkedBlobs: c.chunked,
                          seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// The version and its manifest chain: its own first, then each parent the store holds.
    private func load(_ ref: ModelReference, lineage: Bool) throws(DistributionError)
        -> (ModelVersion, [(digest: Digest, bytes: [UInt8], manifest: OCIManifest)])
    {
        do throws(StoreError) {
            let versions = try store.list()
            let version = try store.resolve(ref)
            let known = Set(versions.map(\.digest))
            var chain: [(digest: Digest, bytes: [UInt8], manifest: OCIManifest)] = []
            var next: Digest? = version.digest
            var visited = Set<Digest>()
            while let digest = next, visited.insert(digest).inserted {
                let bytes = try store.manifestBytes(digest)
                let manifest: OCIManifest
                do { manifest = try JSONDecoder().decode(OCIManifest.self, from: Data(bytes)) } catch {
                    throw StoreError(.corrupt, "manifest \(digest) in the store does not parse; run `zoo verify`")
                }
                chain.append((digest, bytes, manifest))
                next = nil
                if lineage, let p = manifest.annotations?[AnnotationKey.parent], let parent = try? Digest(parsing: p), known.contains(parent) {
                    next = parent
                }
            }
            return (version, chain)
        } catch {
            throw DistributionError(error)
        }
    }
}
