import ZooFormat

extension Store {
    /// Checks the store, or one version: the index parses; every referenced manifest and config
    /// exists, has its digest and parses; every tensor blob exists with the size, SHA-256 and chunk
    /// CRC32s its record gives; tags point at versions. Without `ref`, every blob file's digest
    /// is checked too, referenced or not. Reads only; never changes the store.
    public func verify(_ ref: ModelReference? = nil) throws(StoreError) -> VerifyReport {
        var report = VerifyReport()
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
                }
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
