/// The legacy container (formats/pytorch-checkpoints.md, §2.2), as `torch.save` writes it with
/// `_use_new_zipfile_serialization=False` and as PyTorch before 1.6 always wrote it: five pickles
/// back to back (magic number, protocol version, system info, the object, the sorted storage keys),
/// then for each key in that order an int64 element count and the storage's raw bytes.
extension PyTorchCheckpoint {
    /// `torch.serialization.MAGIC_NUMBER`, 0x1950a86a20f9469cfc6c, as LONG1 writes it (little-endian).
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    /// `torch.serialization.PROTOCOL_VERSION`.
    static let legacyProtocol: Int64 = 1001

    static func parseLegacy(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> Parsed {
        var reader = PickleReader(bytes: bytes, name: "the legacy container")
        let magic = try reader.load()
        guard case .bigInt(let digits) = magic, digits == legacyMagic else {
            throw FormatError(.notAFile, "this file is a pickle but not a torch.save checkpoint: it does not start with torch's magic number (found \(magic.kindName)); zoo reads only checkpoints torch.save wrote")
        }
        let protocolVersion = try reader.load()
        guard case .int(let version) = protocolVersion, version == legacyProtocol else {
            throw FormatError(.unsupportedVersion, "the legacy container has protocol version \(protocolVersion.intValue.map(String.init) ?? protocolVersion.kindName); zoo reads version \(legacyProtocol) (what torch.save writes)")
        }
        let systemInfo = try reader.load()
        if case .dict(let d) = systemInfo, case .bool(false)? = reader.objects.dicts[d].value(forKey: "little_endian") {
            throw FormatError(.invalidArgument, "the checkpoint was saved on a big-endian machine; zoo reads little-endian checkpoints only; load and save it again on a little-endian machine")
        }

        var storages: [Storage] = []
        var references: [StorageReference] = []
        var byKey: [String: Int] = [:]
        let root = try reader.load { (id, objects, offset) throws(FormatError) -> PickleValue in
            let (type, key, location, count) = try Self.storageID(id, objects: objects, fields: 6, at: offset, in: "the legacy object pickle")
            let index: Int
            if let known = byKey[key] {
                guard storages[known].dtype == type, storages[known].elementCount == count else {
                    throw FormatError(.malformed, "the legacy object pickle, byte \(offset): storage '\(key)' is named as \(count) \(type.rawValue) elements here and as \(storages[known].elementCount) \(storages[known].dtype.rawValue) elements before; the file is corrupt")
                }
                index = known
            } else {
                guard storages.count < PyTorchLimits.maxTensors else {
                    throw FormatError(.limitExceeded, "the legacy object pickle names more than \(PyTorchLimits.maxTensors) storages; the file is corrupt or hostile")
                }
                // The bytes are found after the key list; until then the range is empty.
                storages.append(Storage(key: key, dtype: type, elementCount: count, location: location, data: .file(0..<0, entry: nil)))
                index = storages.count - 1
                byKey[key] = index
            }
            // View metadata (PyTorch before 1.0): (view_key, offset, size) in elements of the root.
            guard case .tuple(let t) = id else {
                throw FormatError(.malformed, "the legacy object pickle, byte \(offset): a persistent id is not a tuple; the file is corrupt")
            }
            var reference = StorageReference(storage: index, elementOffset: 0, elementCount: storages[index].elementCount)
            let view = objects.tuples[t][5]
            if case .tuple(let v) = view {
                let parts = objects.tuples[v]
                guard parts.count == 3, let viewOffset = parts[1].intValue, let viewCount = parts[2].intValue,
                      viewOffset >= 0, viewCount >= 0, viewOffset <= count, viewCount <= count - viewOffset else {
                    throw FormatError(.malformed, "the legacy object pickle, byte \(offset): storage '\(key)' has view metadata that is not (key, offset, size) inside its \(count) elements; the file is corrupt")
                }
                reference.elementOffset = viewOffset
                reference.elementCount = viewCount
            } else if case .none = view {
            } else {
                throw FormatError(.malformed, "the legacy object pickle, byte \(offset): storage '\(key)' has view metadata that is \(view.withArticle); the file is corrupt")
            }
            references.append(reference)
            return .storage(references.count - 1)
        }

        // The storage keys, sorted as torch.save sorts them; their bytes follow in this order.
        let keyList = try reader.load()
        guard case .list(let l) = keyList else {
            throw FormatError(.malformed, "the legacy container's storage key list is \(keyList.withArticle), not a list; the file is corrupt")
        }
        var seen = Set<String>()
        var cursor = reader.position
        for (i, item) in reader.objects.lists[l].enumerated() {
            let key: String
            switch item {
            case .string(let s): key = s
            case .int(let n): key = String(n)
            default: throw FormatError(.malformed, "the legacy container's storage key \(i) is \(item.withArticle), not a string; the file is corrupt")
            }
            guard seen.insert(key).inserted else {
                throw FormatError(.malformed, "the legacy container lists storage '\(key)' twice; the file is corrupt")
            }
            guard let index = byKey[key] else {
                throw FormatError(.malformed, "the legacy container lists storage '\(key)', which the object pickle never names; the file is corrupt")
            }
            guard bytes.count - cursor >= 8 else {
                throw FormatError(.truncated, "storage '\(key)' should start at byte \(cursor) but the file is \(bytes.count) bytes; the file is truncated")
            }
            let declared = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: Int64.self))
            let storage = storages[index]
            guard declared == Int64(storage.elementCount) else {
                throw FormatError(.malformed, "storage '\(key)' at byte \(cursor) holds \(declared) elements but the pickle says \(storage.elementCount); the file is corrupt")
            }
            let (length, overflow) = storage.elementCount.multipliedReportingOverflow(by: storage.dtype.byteWidth)
            let dataStart = cursor + 8
            guard !overflow, length <= bytes.count - dataStart else {
                throw FormatError(.truncated, "storage '\(key)' needs \(overflow ? "an overflowing number of" : String(length)) bytes from byte \(dataStart) but the file ends at \(bytes.count); the file is truncated")
            }
            storages[index].data = .file(dataStart..<(dataStart + length), entry: nil)
            cursor = dataStart + length
        }
        if let missing = storages.first(where: { !seen.contains($0.key) }) {
            throw FormatError(.malformed, "the object pickle names storage '\(missing.key)' but the key list does not, so its bytes are not in the file; the file is corrupt")
        }
        guard cursor == bytes.count else {
            throw FormatError(.malformed, "the file has \(bytes.count - cursor) bytes after its last storage (which ends at byte \(cursor)); the file is corrupt or has something appended")
        }
        return Parsed(container: .legacy, version: String(legacyProtocol), root: root, objects: reader.objects,
                      storages: storages, references: references)
    }
}
