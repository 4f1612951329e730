/// The directory of a zip archive (PKWARE APPNOTE 6.3, with zip64), read with distrust: the
/// container of `torch.save` since PyTorch 1.6 (formats/pytorch-checkpoints.md, §2.1) and of NumPy's
/// `.npz` files (formats/data.md). The one zip reader in zoo; `stored(_:)` is its writer.
///
/// A pure function of the archive's bytes. It checks, before anything is allocated or extracted:
/// one end-of-central-directory record (zip64 when present); a single disk; a central directory
/// inside the file and before that record; at most `PyTorchLimits.maxArchiveEntries` entries; each
/// entry's name valid UTF-8 and a relative path that stays inside the archive (no `..`, no leading
/// `/`, no `\`, no drive letter, no NUL); no two entries with one name; each local header agreeing
/// with its central record; entries' data inside the file, not overlapping each other or the
/// directory; stored entries' two sizes equal; no encryption; only the stored and deflate methods.
public struct ZipArchive: Sendable {
    /// Entries in central-directory order.
    public let entries: [ZipEntry]
    /// Offset of the central directory (entries' data lies before it).
    public let centralDirectoryOffset: Int
    /// The program that writes archives like this one (`torch.save`, `numpy.savez`), for messages.
    public let writer: String
    /// The largest size a deflated entry may declare.
    public let maxInflatedEntryBytes: UInt64
    private let positions: [String: Int]

    /// Whether `bytes` starts like a zip archive (a local header, or an empty archive's end record).
    public static func looksLikeZip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 4 else { return false }
        let magic = UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
        return magic == localHeaderSignature || magic == endSignature
    }

    static let localHeaderSignature: UInt32 = 0x0403_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let endSignature: UInt32 = 0x0605_4B50
    static let zip64EndSignature: UInt32 = 0x0606_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50

    /// Reads and checks the directory of the archive in `bytes`. `writer` names the program whose
    /// archives are expected, in messages; `maxInflatedEntryBytes` caps what a deflated entry may declare.
    public init(bytes: UnsafeRawBufferPointer, writer: String = "torch.save",
                maxInflatedEntryBytes: UInt64 = PyTorchLimits.maxInflatedBytes) throws(FormatError) {
        self.writer = writer
        self.maxInflatedEntryBytes = maxInflatedEntryBytes
        let size = bytes.count
        func u16(_ at: Int) -> Int { Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self))) }
        func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
        func fail(_ kind: FormatError.Kind = .malformed, _ problem: String, advice: String = "the archive is corrupt or not written by \(writer)") -> FormatError {
            FormatError(kind, "zip archive: \(problem); \(advice)")
        }
        func int(_ value: UInt64, _ what: String) throws(FormatError) -> Int {
            guard value <= UInt64(size) else { throw fail(.truncated, "\(what) is \(value), past the end of the \(size)-byte file", advice: "the file is truncated or corrupt") }
            return Int(value)
        }

        // End of central directory: 22 bytes plus a comment of at most 65535, at the very end.
        guard size >= 22 else { throw fail(.truncated, "the file is \(size) bytes, too short for a zip end record", advice: "the file is truncated") }
        var end = -1
        var at = size - 22
        let lowest = max(0, size - 22 - 0xFFFF)
        while at >= lowest {
            if u32(at) == Self.endSignature, at + 22 + u16(at + 20) == size { end = at; break }
            at -= 1
        }
        guard end >= 0 else {
            throw fail(.truncated, "no end-of-central-directory record at the end of the file", advice: "the file is truncated (its directory is missing) or not a zip archive")
        }
        guard u16(end + 4) == 0, u16(end + 6) == 0 else { throw fail(.malformed, "the archive spans several disks, which \(writer) never writes") }
        var count = UInt64(u16(end + 10))
        var directorySize = UInt64(u32(end + 12))
        var directoryOffset = UInt64(u32(end + 16))
        var directoryLimit = end
        // zip64: a locator just before the end record points at the zip64 end record (torch.save
        // always writes both).
        if end >= 20, u32(end - 20) == Self.zip64LocatorSignature {
            guard u32(end - 16) == 0, u32(end - 4) <= 1 else { throw fail(.malformed, "the zip64 locator names several disks") }
            let record = try int(u64(end - 12), "the zip64 end record's offset")
            guard record <= end - 20 - 56, u32(record) == Self.zip64EndSignature else {
                throw fail(.malformed, "the zip64 locator points at byte \(record), where there is no zip64 end record")
            }
            guard u32(record + 16) == 0, u32(record + 20) == 0 else { throw fail(.malformed, "the archive spans several disks, which \(writer) never writes") }
            count = u64(record + 32)
            directorySize = u64(record + 40)
            directoryOffset = u64(record + 48)
            directoryLimit = record
        } else if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            throw fail(.malformed, "the end record needs a zip64 record but there is none")
        }
        guard count <= UInt64(PyTorchLimits.maxArchiveEntries) else {
            throw fail(.limitExceeded, "the directory lists \(count) entries, over the limit of \(PyTorchLimits.maxArchiveEntries)")
        }
        let start = try int(directoryOffset, "the central directory's offset")
        let length = try int(directorySize, "the central directory's size")
        guard start <= directoryLimit, length <= directoryLimit - start else {
            throw fail(.malformed, "the central directory (\(length) bytes at \(start)) runs past the end record at \(directoryLimit)")
        }
        guard count * 46 <= UInt64(length) else {
            throw fail(.malformed, "the directory claims \(count) entries but is only \(length) bytes (each entry takes at least 46)")
        }

        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(count))
        var positions: [String: Int] = [:]
        var cursor = start
        let directoryEnd = start + length
        for index in 0..<Int(count) {
            guard directoryEnd - cursor >= 46, u32(cursor) == Self.centralSignature else {
                throw fail(.malformed, "central directory entry \(index) at byte \(cursor) is missing or has no signature")
            }
            let flags = u16(cursor + 8)
            let rawMethod = UInt16(u16(cursor + 10))
            let crc = u32(cursor + 16)
            var compressed = UInt64(u32(cursor + 20))
            var uncompressed = UInt64(u32(cursor + 24))
            let nameLength = u16(cursor + 28), extraLength = u16(cursor + 30), commentLength = u16(cursor + 32)
            var disk = UInt64(u16(cursor + 34))
            var localOffset = UInt64(u32(cursor + 42))
            let recordLength = 46 + nameLength + extraLength + commentLength
            guard recordLength <= directoryEnd - cursor else {
                throw fail(.malformed, "central directory entry \(index) at byte \(cursor) runs past the directory's end")
            }
            let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[(cursor + 46)..<(cursor + 46 + nameLength)])
            guard let name = nameBytes.allSatisfy({ $0 < 0x80 }) ? String(decoding: nameBytes, as: UTF8.self)
                    : String(validating: nameBytes, as: UTF8.self) else {
                throw fail(.malformed, "entry \(index)'s name is not valid UTF-8")
            }
            // zip64 extra field: the 64-bit values of whichever fields are saturated, in this order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extraEnd - extra >= 4 {
                let id = u16(extra), dataLength = u16(extra + 2)
                guard dataLength <= extraEnd - extra - 4 else { throw fail(.malformed, "entry '\(name)' has an extra field that runs past its record") }
                if id == 0x0001 {
                    var field = extra + 4
                    let fieldEnd = field + dataLength
                    func next() throws(FormatError) -> UInt64 {
                        guard fieldEnd - field >= 8 else { throw fail(.malformed, "entry '\(name)' has a zip64 field too short for its saturated sizes") }
                        defer { field += 8 }
                        return u64(field)
                    }
                    if uncompressed == 0xFFFF_FFFF { uncompressed = try next() }
                    if compressed == 0xFFFF_FFFF { compressed = try next() }
                    if localOffset == 0xFFFF_FFFF { localOffset = try next() }
                    if disk == 0xFFFF, fieldEnd - field >= 4 { disk = UInt64(u32(field)) }
                }
                extra += 4 + dataLength
            }
            try Self.checkPath(name)
            guard disk == 0 else { throw fail(.malformed, "entry '\(name)' is on disk \(disk); the archive must be one file") }
            guard flags & 0x41 == 0 else {
                throw fail(.invalidArgument, "entry '\(name)' is encrypted", advice: "zoo reads unencrypted checkpoints only")
            }
            guard let method = ZipEntry.Method(rawValue: rawMethod) else {
                throw fail(.invalidArgument, "entry '\(name)' uses compression method \(rawMethod); zoo reads stored (0) and deflate (8) entries",
                           advice: "re-save the file with \(writer), which stores or deflates entries")
            }
            guard positions[name] == nil else {
                throw fail(.malformed, "two entries are named '\(name)'", advice: "a reader could not tell which one is meant; the archive is corrupt or hostile")
            }
            let compressedSize = try int(compressed, "entry '\(name)''s compressed size")
            let uncompressedSize: Int
            if method == .stored {
                guard compressed == uncompressed else {
                    throw fail(.malformed, "stored entry '\(name)' claims \(compressed) bytes in the archive but \(uncompressed) extracted")
                }
                uncompressedSize = compressedSize
            } else {
                let (cap, overflow) = compressed.multipliedReportingOverflow(by: PyTorchLimits.maxDeflateRatio)
                guard overflow || uncompressed <= cap else {
                    throw fail(.limitExceeded, "deflated entry '\(name)' claims \(uncompressed) bytes from \(compressed), more than deflate's 1032:1 ratio can give",
                               advice: "this is a decompression bomb or a corrupt archive")
                }
                guard uncompressed <= maxInflatedEntryBytes else {
                    throw fail(.limitExceeded, "deflated entry '\(name)' claims \(uncompressed) bytes, over the \(maxInflatedEntryBytes)-byte limit for compressed entries",
                               advice: "this is a decompression bomb, or re-save the file with \(writer) without compression")
                }
                uncompressedSize = Int(uncompressed)
            }
            // The local header: same name and method; its own name and extra lengths place the data.
            let local = try int(localOffset, "entry '\(name)''s local header offset")
            guard local <= start, start - local >= 30, u32(local) == Self.localHeaderSignature else {
                throw fail(.malformed, "entry '\(name)' has no local header at byte \(local)")
            }
            let localNameLength = u16(local + 26), localExtraLength = u16(local + 28)
            let dataOffset = local + 30 + localNameLength + localExtraLength
            guard dataOffset <= start, compressedSize <= start - dataOffset else {
                throw fail(.truncated, "entry '\(name)''s \(compressedSize) bytes at byte \(dataOffset) run past the start of the central directory at \(start)",
                           advice: "the file is truncated or corrupt")
            }
            guard localNameLength == nameLength,
                  UnsafeRawBufferPointer(rebasing: bytes[(local + 30)..<(local + 30 + localNameLength)]).elementsEqual(nameBytes) else {
                throw fail(.malformed, "entry '\(name)''s local header names another file", advice: "a reader could not tell which name is meant; the archive is corrupt or hostile")
            }
            guard UInt16(u16(local + 8)) == rawMethod else {
                throw fail(.malformed, "entry '\(name)''s local header gives another compression method than the directory")
            }
            positions[name] = entries.count
            entries.append(ZipEntry(name: name, method: method, crc32: crc, compressedSize: compressedSize, uncompressedSize: uncompressedSize,
                                    localHeaderOffset: local, dataOffset: dataOffset))
            cursor += recordLength
        }
        // No entry's header or data may overlap another's (overlapping entries are a zip-bomb trick).
        let ordered = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (a, b) in zip(ordered, ordered.dropFirst()) where b.localHeaderOffset < a.dataRange.upperBound {
            throw fail(.malformed, "entries '\(a.name)' and '\(b.name)' overlap in the archive", advice: "the archive is corrupt or hostile")
        }
        self.entries = entries
        self.positions = positions
        self.centralDirectoryOffset = start
    }

    /// Refuses a path that could leave the folder an archive is extracted to.
    static func checkPath(_ name: String) throws(FormatError) {
        var unsafe = name.isEmpty || name.utf8.first == UInt8(ascii: "/")
            || (name.utf8.count >= 2 && name.utf8.dropFirst().first == UInt8(ascii: ":"))
        // One pass: no `\\`, no NUL, no component that is `..`.
        var componentLength = 0, dots = 0
        for byte in name.utf8 where !unsafe {
            switch byte {
            case UInt8(ascii: "\\"), 0: unsafe = true
            case UInt8(ascii: "/"):
                unsafe = componentLength == 2 && dots == 2
                componentLength = 0
                dots = 0
            default:
                componentLength += 1
                if byte == UInt8(ascii: ".") { dots += 1 }
            }
        }
        if componentLength == 2 && dots == 2 { unsafe = true }
        guard !unsafe else {
            throw FormatError(.refused, "zip archive: entry '\(name)' has a path that leaves the archive (absolute, `..`, `\\` or a drive letter); the archive is hostile or corrupt, and zoo reads none of it")
        }
    }

    /// The entry named `name`, if any.
    public func entry(named name: String) -> ZipEntry? {
        positions[name].map { entries[$0] }
    }
}
