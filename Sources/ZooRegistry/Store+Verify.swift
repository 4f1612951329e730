import ZooFormat

extension Store {
    /// Checks the store, or one version: the index parses; every referenced manifest and config
    /// exists, has its digest and parses; every tensor blob exists with the size, SHA-256 and chunk
    /// CRC32s its record gives; tags point at versions. Without `ref`, every blob file's digest
    /// is checked too, referenced or not. Reads only; never changes the store.
    ///
    /// `deep` also decodes every tensor (each distinct stream once) and checks the SHA-256 of its
    /// raw bytes against its record in the config: what a reader of the values would get.
    /// `progress` gets the raw bytes decoded so far and the total to decode.
    public func verify(_ ref: ModelReference? = nil, deep: Bool = false,
                       progress: ((_ done: UInt64, _ total: UInt64) -> Void)? = nil) throws(StoreError) -> VerifyReport {
        var report = VerifyReport()
        report.deep = deep
        /// Tensors to decode: one per distinct stream and record, with the first version naming it.
        var decodeJobs: [(version: String, record: TensorRecord, blob: Digest)] = []
        var decodeKeys = Set<String>()
        // The summary cache is checked against what the manifests and configs say.
        let cached = summaryCache.load().records
        let index: StoreIndex
        do { index = try readIndex() } catch {
            guard error.kind == .corrupt else { throw error }
            report.problems.append(error.message)
            return report
        }
        var versions = index.versions
        if let ref { versions = [try Store.resolve(ref, in: index)] }
        var hashed: [Digest: Bool] = [:]
        /// Hashes a blob once; false (with a problem recorded by the caller) when missing or wrong.
        func check(_ digest: Digest, size: Int64?) -> String? {
            if let ok = hashed[digest] { return ok ? nil : "blob \(digest) is missing or corrupted" }
            let blob: MappedBlob
            do { blob = try mapBlob(digest) } catch {
                hashed[digest] = false
                return "blob \(digest) is missing"
            }
            report.blobs += 1
            report.bytes += UInt64(blob.bytes.count)
            let ok = Digest(of: blob.bytes) == digest && (size == nil || Int64(blob.bytes.count) == size)
            hashed[digest] = ok
            return ok ? nil : "blob \(digest) is corrupted (\(blob.bytes.count) bytes, content digest differs)"
        }
        for v in versions {
            report.versions += 1
            let manifest: OCIManifest
            let config: ModelConfig
            do {
                manifest = try self.manifest(of: v)
                config = try self.config(of: manifest)
            } catch {
                report.problems.append("\(v.reference): \(error.message)")
                continue
            }
            if let record = cached[DigestBytes(v.digest)],
               let size = DiskIO.fileSize(blobPath(v.digest)),
               let truth = try? ManifestSummary(manifest: manifest, size: size, lineage: config.model.lineage), record != truth {
                report.problems.append("\(v.reference): its record in the summary cache (\(summaryCache.path)) disagrees with its manifest and config, so du, gc --dry-run and lineage would answer wrongly; delete \(summaryCache.directory) (it is rebuilt from the manifests)")
            }
            // manifest() and config() checked these two digests already.
            for d in [v.digest, manifest.config.digest] where hashed[d] == nil {
                hashed[d] = true
                report.blobs += 1
                report.bytes += DiskIO.fileSize(blobPath(d)) ?? 0
            }
            for (record, layer) in zip(config.tensors, manifest.layers) {
                if let problem = check(layer.digest, size: layer.size) {
                    report.problems.append("\(v.reference): tensor \(record.name): \(problem)")
                    continue
                }
                guard let blob = try? mapBlob(layer.digest) else { continue }
                if let problem = Store.checkChunks(record, stream: blob.bytes, chunks: &report.chunks) {
                    report.problems.append("\(v.reference): tensor \(record.name): \(problem)")
                    continue
                }
                let key = "\(layer.digest.hex) \(record.sha256) \(record.dtype.rawValue) \(record.codec.rawValue) \(record.shape)"
                if deep, decodeKeys.insert(key).inserted {
                    decodeJobs.append((v.reference, record, layer.digest))
                }
            }
        }
        if deep {
            let total = decodeJobs.reduce(UInt64(0)) { $0 + $1.record.rawBytes }
            var done: UInt64 = 0
            progress?(0, total)
            for job in decodeJobs {
                let what = "\(job.version): tensor \(job.record.name)"
                let blob: MappedBlob
                do { blob = try mapBlob(job.blob) } catch {
                    report.problems.append("\(what): blob \(job.blob) is missing")
                    continue
                }
                let start = done
                do {
                    let digest = try TensorCodec.decodedDigest(record: job.record, stream: blob.bytes) { raw in
                        done += raw
                        progress?(done, total)
                    }
                    report.decodedTensors += 1
                    report.decodedBytes += job.record.rawBytes
                    if digest != job.record.sha256 {
                        report.problems.append("\(what): its \(job.record.rawBytes) decoded bytes have SHA-256 \(digest), but its record says \(job.record.sha256); the stream's blob \(job.blob.short) is intact, so the version was written wrong: import or derive it again")
                    }
                } catch {
                    report.problems.append("\(what): decoding failed: \(error.message)")
                }
                // A failed decode counts as done, so the progress still ends at the total.
                done = start + job.record.rawBytes
                progress?(done, total)
            }
        }
        if ref == nil {
            let versionDigests = Set(index.versions.map(\.digest))
            for t in index.tags where !versionDigests.contains(t.digest) {
                report.problems.append("tag \(t.name):\(t.tag) points at \(t.digest), which no version lists")
            }
            let referenced: Set<Digest>
            do { referenced = Set(try blobSets(of: index.referencedManifests).values.joined()) } catch {
                referenced = Set(hashed.keys)
            }
            for (digest, size) in try blobFiles().sorted(by: { $0.key < $1.key }) {
                if !referenced.contains(digest) { report.unreferencedBlobs += 1 }
                if hashed[digest] == nil, let problem = check(digest, size: Int64(size)) {
                    report.problems.append(referenced.contains(digest) ? problem : "unreferenced \(problem)")
                }
            }
            report.temporaryFiles = try temporaryFiles().count
        }
        return report
    }

    /// Checks a stream against its record's chunk table: chunks in order, back to back, covering
    /// the stream exactly, raw lengths adding up, and each chunk's CRC32.
    static func checkChunks(_ record: TensorRecord, stream: UnsafeRawBufferPointer, chunks: inout Int) -> String? {
        var expected: UInt64 = 0
        var raw: UInt64 = 0
        for (i, chunk) in record.chunks.enumerated() {
            guard chunk.offset == expected else {
                return "chunk \(i) starts at \(chunk.offset), expected \(expected)"
            }
            let (end, overflow) = chunk.offset.addingReportingOverflow(chunk.storedLength)
            guard !overflow, end <= UInt64(stream.count) else {
                return "chunk \(i) ends past the stream's \(stream.count) bytes"
            }
            let (r, rawOverflow) = raw.addingReportingOverflow(chunk.rawLength)
            guard !rawOverflow else { return "chunk raw lengths overflow" }
            raw = r
            let bytes = UnsafeRawBufferPointer(rebasing: stream[Int(chunk.offset)..<Int(end)])
            guard CRC32.checksum(bytes) == chunk.crc32 else {
                return "chunk \(i) fails its CRC32 check"
            }
            chunks += 1
            expected = end
        }
        guard expected == UInt64(stream.count) else {
            return "chunks cover \(expected) of the stream's \(stream.count) bytes"
        }
        guard raw == record.rawBytes else {
            return "chunks hold \(raw) raw bytes, record says \(record.rawBytes)"
        }
        return nil
    }
}
