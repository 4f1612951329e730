/// The zip container (formats/pytorch-checkpoints.md, §2.1): `<prefix>/data.pkl` is the object
/// pickle; each storage `key` it names is the entry `<prefix>/data/<key>`, exactly its bytes.
extension PyTorchCheckpoint {
    static func parseZip(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> Parsed {
        let archive = try ZipArchive(bytes: bytes)
        // `<folder>/data.pkl`: one `/`, a non-empty folder.
        let pickles = archive.entries.filter { entry in
            entry.name.hasSuffix("/data.pkl") && entry.name.utf8.count > 9
                && entry.name.utf8.filter({ $0 == UInt8(ascii: "/") }).count == 1
        }
        guard let pickleEntry = pickles.first else {
            if archive.entries.contains(where: { $0.name.hasSuffix("/constants.pkl") || $0.name.contains("/code/") }) {
                throw FormatError(.notAFile, "this zip archive is a TorchScript module (torch.jit.save), not a torch.save checkpoint; load it with torch.jit.load and save its state_dict() with torch.save")
            }
            throw FormatError(.notAFile, "this zip archive has no <folder>/data.pkl, so it is not a torch.save checkpoint (entries: \(archive.entries.prefix(5).map(\.name).joined(separator: ", ")))")
        }
        guard pickles.count == 1 else {
            throw FormatError(.malformed, "this zip archive has \(pickles.count) data.pkl entries (\(pickles.map(\.name).joined(separator: ", "))); a reader could not tell which is meant")
        }
        let prefix = String(pickleEntry.name.dropLast("data.pkl".count))
        if archive.entry(named: prefix + "constants.pkl") != nil {
            throw FormatError(.notAFile, "this zip archive is a TorchScript module (torch.jit.save), not a torch.save checkpoint; load it with torch.jit.load and save its state_dict() with torch.save")
        }
        var budget = PyTorchLimits.maxInflatedBytes

        func smallRecord(_ name: String) throws(FormatError) -> String? {
            guard let entry = archive.entry(named: prefix + name) else { return nil }
            guard entry.uncompressedSize <= 64 else {
                throw FormatError(.malformed, "zip archive: record '\(entry.name)' is \(entry.uncompressedSize) bytes; it should be a short word")
            }
            let raw: [UInt8]
            switch try archive.extract(entry, from: bytes, budget: &budget) {
            case .stored(let range):
                try ZipArchive.verify(entry, UnsafeRawBufferPointer(rebasing: bytes[range]))
                raw = Array(bytes[range])
            case .inflated(let inflated): raw = inflated
            }
            return trimmed(String(decoding: raw, as: UTF8.self))
        }
        var version = try smallRecord("version")
        if version == nil { version = try smallRecord(".data/version") }
        if let order = try smallRecord("byteorder"), order != "little" {
            throw FormatError(.invalidArgument, "the checkpoint was saved on a \(order)-endian machine (byteorder record '\(order)'); zoo reads little-endian checkpoints only; load and save it again on a little-endian machine")
        }

        guard pickleEntry.uncompressedSize <= PyTorchLimits.maxPickleBytes else {
            throw FormatError(.limitExceeded, "zip archive: data.pkl is \(pickleEntry.uncompressedSize) bytes, over the \(PyTorchLimits.maxPickleBytes)-byte pickle limit; the file is corrupt or hostile")
        }
        let pickleBytes: [UInt8]
        switch try archive.extract(pickleEntry, from: bytes, budget: &budget) {
        case .stored(let range):
            try ZipArchive.verify(pickleEntry, UnsafeRawBufferPointer(rebasing: bytes[range]))
            pickleBytes = Array(bytes[range])
        case .inflated(let inflated):
            pickleBytes = inflated
        }

        var storages: [Storage] = []
        var references: [StorageReference] = []
        var byKey: [String: Int] = [:]
        let root: PickleValue
        var objects: PickleObjects
        (root, objects) = try pickleBytes.withBytes { (raw) throws(FormatError) -> (PickleValue, PickleObjects) in
            var reader = PickleReader(bytes: raw, name: "data.pkl")
            let value = try reader.load { (id, objects, offset) throws(FormatError) -> PickleValue in
                let (type, key, location, count) = try Self.storageID(id, objects: objects, fields: 5, at: offset, in: "data.pkl")
                if let known = byKey[key] {
                    guard storages[known].dtype == type, storages[known].elementCount == count else {
                        throw FormatError(.malformed, "data.pkl, byte \(offset): storage '\(key)' is named as \(count) \(type.rawValue) elements here and as \(storages[known].elementCount) \(storages[known].dtype.rawValue) elements before; the file is corrupt")
                    }
                    return .storage(known)
                }
                guard storages.count < PyTorchLimits.maxTensors else {
                    throw FormatError(.limitExceeded, "data.pkl names more than \(PyTorchLimits.maxTensors) storages; the file is corrupt or hostile")
                }
                let name = prefix + "data/" + key
                guard let entry = archive.entry(named: name) else {
                    throw FormatError(.malformed, "data.pkl, byte \(offset): storage '\(key)' has no entry '\(name)' in the archive; the file is truncated or corrupt")
                }
                let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: type.byteWidth)
                guard !overflow, entry.uncompressedSize == bytesNeeded else {
                    throw FormatError(.malformed, "storage '\(key)' holds \(count) \(type.rawValue) elements (\(overflow ? "an overflowing number of" : String(bytesNeeded)) bytes) but entry '\(name)' has \(entry.uncompressedSize) bytes; the file is truncated or corrupt")
                }
                let data: StorageData
                switch try archive.extract(entry, from: bytes, budget: &budget) {
                case .stored(let range): data = .file(range, entry: entry)
                case .inflated(let inflated): data = .inflated(inflated)
                }
                storages.append(Storage(key: key, dtype: type, elementCount: count, location: location, data: data))
                references.append(StorageReference(storage: storages.count - 1, elementOffset: 0, elementCount: count))
                byKey[key] = storages.count - 1
                return .storage(storages.count - 1)
            }
            return (value, reader.objects)
        }
        return Parsed(container: .zip, version: version, root: root, objects: objects, storages: storages, references: references)
    }

    /// The fields of a storage persistent id, `('storage', StorageClass, key, location, numel[, view])`,
    /// checked: `fields` is 5 in the zip container and 6 in the legacy one.
    static func storageID(_ id: PickleValue, objects: PickleObjects, fields: Int, at offset: Int, in pickle: String)
        throws(FormatError) -> (dtype: DType, key: String, location: String, count: Int) {
        func bad(_ problem: String) -> FormatError {
            FormatError(.malformed, "\(pickle), byte \(offset): \(problem); the file is corrupt or was not written by torch.save")
        }
        guard case .tuple(let t) = id else { throw bad("a persistent id is \(id.withArticle), not a tuple") }
        let items = objects.tuples[t]
        guard let tag = items.first?.stringValue ?? items.first.flatMap({ if case .bytes(let b) = $0 { return String(decoding: b, as: UTF8.self) } else { return nil } }) else {
            throw bad("a persistent id does not start with its kind")
        }
        guard tag == "storage" else {
            if tag == "module" {
                throw FormatError(.refused, "\(pickle), byte \(offset): the checkpoint pickles a whole nn.Module (persistent id 'module'), not a state dict; load it with torch.load if you trust it and save model.state_dict() instead")
            }
            throw bad("a persistent id of kind '\(tag)'; only 'storage' is allowed")
        }
        guard items.count == fields else { throw bad("a storage persistent id has \(items.count) fields, not \(fields)") }
        guard case .global(.storage(let torchType)) = items[1], let dtype = torchType.dtype else {
            throw bad("a storage persistent id names \(items[1].kindName), not a storage class")
        }
        let key: String
        switch items[2] {
        case .string(let s): key = s
        case .int(let i): key = String(i)
        default: throw bad("a storage key is \(items[2].withArticle), not a string")
        }
        guard !key.isEmpty, key.utf8.count <= 256, !key.utf8.contains(UInt8(ascii: "/")), key != "..", key != "." else {
            throw bad("storage key '\(key.prefix(40))' is not a plain name")
        }
        let location = items[3].stringValue ?? "?"
        guard let count = items[4].intValue, count >= 0 else { throw bad("storage '\(key)' has an element count that is \(items[4].kindName == "int" ? "negative or too large" : "\(items[4].withArticle)")") }
        guard UInt64(count) <= PyTorchLimits.maxElements else {
            throw FormatError(.limitExceeded, "\(pickle), byte \(offset): storage '\(key)' claims \(count) elements, over the limit of \(PyTorchLimits.maxElements); the file is corrupt or hostile")
        }
        return (dtype, key, location, count)
    }
}

/// `text` without leading and trailing whitespace (the `version` record ends in a newline).
private func trimmed(_ text: String) -> String {
    String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
}
