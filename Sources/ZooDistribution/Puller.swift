import Foundation
import ZooFormat
import ZooRegistry

/// Pulls a model from a registry into the store (distribution spec 1.1, "Pull"; formats/store.md,
/// "Pulling"). A zoo model keeps its manifest (same bytes, same digest); the manifests of its
/// lineage parents come along when the registry has them. Blobs the store lacks are downloaded in
/// parallel, each checked for size and SHA-256 before it enters the store, and an interrupted
/// download continues with a range request. A plain artifact whose layer is a `.safetensors` file
/// (as ORAS or a ModelPack tool pushes it) is imported as a new version instead.
public struct Puller: Sendable {
    /// The store written to.
    public let store: Store
    /// The registry read from.
    public let client: RegistryClient

    /// A puller from the registry `client` speaks to into `store`.
    public init(store: Store, client: RegistryClient) {
        self.store = store
        self.client = client
    }

    /// Most lineage parents followed.
    public static let maxParents = 256

    private struct Counts {
        var present = 0, fetched = 0
        var bytes: Int64 = 0, resumed: Int64 = 0
    }

    /// Pulls `source` as a version of `name` (default: the repository's last path component),
    /// tagged `tag` if given. `codec` and `level` encode a plain safetensors artifact.
    public func pull(_ source: RegistryReference, as name: String? = nil, tag: String? = nil, lineage: Bool = true,
                     codec: Codec = .planes, level: Int = 6, progress: TransferProgress? = nil) async throws(DistributionError) -> PullReport {
        guard source.registry == client.registry else { throw DistributionError(.usage, "\(source) is not on \(client.registry)") }
        let name = name ?? source.lastComponent
        do {
            try ModelReference.validateName(name)
            if let tag { try ModelReference.validateTag(tag) }
        } catch {
            throw DistributionError(.usage, "\(error.message); name the version with --as NAME[:TAG]")
        }
        let clock = ContinuousClock.now
        let repository = source.repository
        try await client.ping()
        let top = try await client.manifest(repository, source.manifestReference)
        let manifest = try Puller.decode(top, from: source)
        if manifest.config.mediaType != MediaType.modelConfig {
            return try await importArtifact(top, manifest: manifest, source: source, name: name, tag: tag, codec: codec,
                                            level: level, clock: clock, progress: progress)
        }

        // The chain: the version, then each parent the store lacks and the registry has.
        var chain: [(fetched: RegistryClient.FetchedManifest, manifest: RemoteManifest)] = [(top, manifest)]
        if lineage {
            var known: Set<Digest>
            do { known = Set(try store.list().map(\.digest)) } catch { throw DistributionError(error) }
            var visited: Set<Digest> = [top.digest]
            var current = manifest
            while chain.count <= Puller.maxParents, let p = current.annotations?[AnnotationKey.parent],
                  let parent = try? Digest(parsing: p), !known.contains(parent), visited.insert(parent).inserted {
                let fetched: RegistryClient.FetchedManifest
                do { fetched = try await client.manifest(repository, parent.description) } catch {
                    if error.kind == .notFound { break }
                    throw error
                }
                let m = try Puller.decode(fetched, from: source.with(digest: parent))
                guard m.config.mediaType == MediaType.modelConfig else { break }
                chain.append((fetched, m))
                current = m
            }
            known.removeAll()
        }

        let writer: PullWriter
        do { writer = try store.beginPull() } catch { throw DistributionError(error) }
        defer { writer.close() }
        var blobs: [OCIDescriptor] = []
        var seen = Set<Digest>()
        for (_, m) in chain {
            for d in [m.config] + m.layers where seen.insert(d.digest).inserted {
                guard d.size >= 0 else { throw DistributionError(.corrupt, "\(source) lists blob \(d.digest) with size \(d.size)") }
                blobs.append(d)
            }
        }
        let needed = blobs.filter { !writer.hasBlob($0.digest, size: $0.size) }
        let counts = Shared(Counts())
        counts.withLock { $0.present = blobs.count - needed.count }
        progress?(.planned(blobs: needed.count, bytes: TransferEvent.total(needed)))
        try await fetch(needed, repository: repository, writer: writer, counts: counts, progress: progress)

        // Oldest parent first, so each child's parent is in the index before it.
        var parents: [ModelVersion] = []
        var result: (version: ModelVersion, isNew: Bool)?
        for (i, entry) in chain.enumerated().reversed() {
            do {
                if i == 0 {
                    result = try writer.commit(manifest: entry.fetched.bytes, name: name, tag: tag)
                } else {
                    let added = try writer.commit(manifest: entry.fetched.bytes, name: name)
                    if added.isNew { parents.append(added.version) }
                }
            } catch {
                throw DistributionError(error.kind == .corrupt ? .corrupt : .store,
                                        "\(source): \(error.message)")
            }
        }
        writer.close()
        var locations = BlobLocations(store: store)
        locations.record(blobs.map(\.digest), in: client.registry, repository: repository)
        locations.save()
        let c = counts.withLock { $0 }
        guard let result else { throw DistributionError(.store, "nothing was committed") }
        return PullReport(source: source.description, digest: top.digest, version: result.version, isNew: result.isNew,
                          parents: parents, blobs: blobs.count, presentBlobs: c.present, fetchedBlobs: c.fetched,
                          fetchedBytes: c.bytes, resumedBytes: c.resumed, imported: nil, seconds: Puller.seconds(since: clock))
    }

    /// Downloads `blobs` in parallel into the store, each checked before it enters.
    private func fetch(_ blobs: [OCIDescriptor], repository: String, writer: PullWriter, counts: Shared<Counts>,
                       progress: TransferProgress?) async throws(DistributionError) {
        let client = self.client
        try await Concurrently.forEach(blobs, limit: client.options.jobs) { (d) async throws(DistributionError) in
            var fresh = false
            while true {
                let blob: IncomingBlob
                do throws(StoreError) { blob = try writer.incoming(d.digest, size: d.size) } catch { throw DistributionError(error) }
                if blob.resumedBytes > 0 { progress?(.moved(bytes: blob.resumedBytes)) }
                let kept = try await client.fetchBlob(repository, into: blob) { n in
                    counts.withLock { $0.bytes += n }
                    progress?(.moved(bytes: n))
                }
                if kept > 0 { counts.withLock { $0.resumed += kept } }
                do throws(StoreError) {
                    try blob.finish()
                    counts.withLock { $0.fetched += 1 }
                    return
                } catch {
                    // Bytes kept from an interrupted pull may be what is wrong: fetch once afresh.
                    // A fresh download that fails the check is the registry's content: refused.
                    guard error.kind == .corrupt, kept > 0, !fresh else {
                        throw DistributionError(.corrupt, "\(client.registry)/\(repository): \(error.message)")
                    }
                    counts.withLock { $0.resumed -= kept }
                    fresh = true
                }
            }
        }
    }

    /// A plain artifact: its one `.safetensors` layer is downloaded (checked like any blob) and
    /// imported as a new version, encoded with `codec`.
    private func importArtifact(_ top: RegistryClient.FetchedManifest, manifest: RemoteManifest, source: RegistryReference,
                                name: String, tag: String?, codec: Codec, level: Int, clock: ContinuousClock.Instant,
                                progress: TransferProgress?) async throws(DistributionError) -> PullReport {
        let titleKey = "org.opencontainers.image.title"
        let candidates = manifest.layers.filter { layer in
            (layer.annotations?[titleKey]?.lowercased().hasSuffix(".safetensors") ?? false) || layer.mediaType.contains("safetensors")
        }
        guard let layer = candidates.first else {
            let what = manifest.artifactType ?? manifest.config.mediaType
            throw DistributionError(.unsupported, "\(source) is not a zoo model (\(what)) and has no .safetensors layer; zoo pulls zoo models and artifacts whose layer is a .safetensors file")
        }
        guard candidates.count == 1 else {
            let titles = candidates.map { $0.annotations?[titleKey] ?? $0.digest.short }
            throw DistributionError(.unsupported, "\(source) has \(candidates.count) .safetensors layers (\(titles.prefix(5).joined(separator: ", "))); zoo imports one file per version — merge the shards first")
        }
        guard layer.size >= 0 else { throw DistributionError(.corrupt, "\(source) lists its layer with size \(layer.size)") }
        var fileName = layer.annotations?[titleKey].map { String($0.split(separator: "/").last ?? "") } ?? ""
        if fileName.isEmpty { fileName = "model.safetensors" }
        let writer: PullWriter
        do { writer = try store.beginPull() } catch { throw DistributionError(error) }
        defer { writer.close() }
        let counts = Shared(Counts())
        progress?(.planned(blobs: 1, bytes: layer.size))
        var fresh = false
        while true {
            let blob: IncomingBlob
            do throws(StoreError) { blob = try writer.incoming(layer.digest, size: layer.size) } catch { throw DistributionError(error) }
            if blob.resumedBytes > 0 { progress?(.moved(bytes: blob.resumedBytes)) }
            let kept = try await client.fetchBlob(source.repository, into: blob) { n in
                counts.withLock { $0.bytes += n }
                progress?(.moved(bytes: n))
            }
            if kept > 0 { counts.withLock { $0.resumed += kept } }
            let path: String
            do throws(StoreError) { path = try blob.finishInPlace() } catch {
                guard error.kind == .corrupt, kept > 0, !fresh else {
                    throw DistributionError(.corrupt, "\(client.registry)/\(source.repository): \(error.message)")
                }
                counts.withLock { $0.resumed -= kept }
                fresh = true
                continue
            }
            defer { blob.discard() }
            let imported: ImportResult
            do { imported = try store.importFile(path, name: name, tag: tag, codec: codec, level: level, sourceName: fileName) } catch {
                throw DistributionError(error.kind == .corrupt ? .corrupt : .store, "\(source): layer \(fileName): \(error.message)")
            }
            let c = counts.withLock { $0 }
            return PullReport(source: source.description, digest: top.digest, version: imported.version, isNew: true, parents: [],
                              blobs: 1, presentBlobs: 0, fetchedBlobs: 1, fetchedBytes: c.bytes, resumedBytes: c.resumed,
                              imported: fileName, seconds: Puller.seconds(since: clock))
        }
    }

    /// Parses a fetched manifest; an index or anything else that is not one image manifest is refused.
    static func decode(_ fetched: RegistryClient.FetchedManifest, from source: RegistryReference) throws(DistributionError) -> RemoteManifest {
        struct Probe: Decodable {
            var mediaType: String?
            var manifests: [OCIDescriptor]?
        }
        let probe = try? JSONDecoder().decode(Probe.self, from: Data(fetched.bytes))
        let type = probe?.mediaType ?? fetched.mediaType
        if type == MediaType.index || type.contains("manifest.list") || probe?.manifests != nil {
            let listed = (probe?.manifests ?? []).prefix(5).map { "\(source.registry)/\(source.repository)@\($0.digest)" }
            throw DistributionError(.unsupported, "\(source) is an index of \(probe?.manifests?.count ?? 0) manifests, not one model; pull one of them by digest\(listed.isEmpty ? "" : ": " + listed.joined(separator: ", "))")
        }
        do { return try JSONDecoder().decode(RemoteManifest.self, from: Data(fetched.bytes)) } catch {
            throw DistributionError(.corrupt, "\(source): the manifest does not parse as an OCI image manifest (\(error))")
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
