/// A small, self-contained zip reader and writer for `.npz` files (named apart from the fuller
/// `ZipArchive` of the PyTorch-checkpoint reader, written at the same time; one can serve both) (NumPy's `savez` writes a zip of
/// `.npy` members, stored; `savez_compressed` deflates them). PKWARE APPNOTE 6.3: the end of
/// central directory record (and its zip64 form), the central directory, local headers; methods 0
/// (stored) and 8 (deflate); zip64 sizes and offsets. Encrypted entries, multi-disk archives and
/// other methods are refused.
///
/// Distrusts its input: every offset and size is checked against the file before it is used,
/// declared uncompressed sizes are capped before anything is allocated, inflated bytes must be
/// exactly the declared size, and each entry's CRC-32 is verified.
public struct NpzZip: Sendable {
    /// One member as the central directory describes it.
    public struct Entry: Sendable, Equatable {
        /// The member's name (UTF-8).
        public var name: String
        /// 0 stored, 8 deflate.
        public var method: UInt16
        /// CRC-32 of the uncompressed bytes.
        public var crc32: UInt32
        /// Bytes as stored.
        public var compressedSize: Int
        /// Bytes once inflated.
        public var size: Int
        /// Offset of the member's local header.
        var localHeaderOffset: Int
    }

    /// The members, in central-directory order.
    public private(set) var entries: [Entry]
    private let bytes: [UInt8]
    private let name: String

    /// Reads the directory of a zip file held in memory; `name` is used in messages.
    public init(_ bytes: [UInt8], name: String = "archive") throws(FormatError) {
        self.bytes = bytes
        self.name = name
        self.entries = try NpzZip.directory(bytes, name: name)
    }

    /// The entry called `name`, if any.
    public func entry(named member: String) -> Entry? {
        entries.first { $0.name == member }
    }

    /// The uncompressed bytes of `entry`, refused above `maxBytes` before inflating.
    public func contents(of entry: Entry, maxBytes: Int = 1 << 34) throws(FormatError) -> [UInt8] {
        func fail(_ kind: FormatError.Kind, _ text: String) -> FormatError { FormatError(kind, "\(name): member '\(entry.name)': \(text)") }
        guard entry.size <= maxBytes else {
            throw fail(.limitExceeded, "declares \(entry.size) bytes, over the limit of \(maxBytes)")
        }
        let h = entry.localHeaderOffset
        guard h <= bytes.count - 30, u32(bytes, h) == 0x0403_4B50 else {
            throw fail(.malformed, "its local header is missing at offset \(h); the file is corrupt")
        }
        let start = h + 30 + Int(u16(bytes, h + 26)) + Int(u16(bytes, h + 28))
        guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
            throw fail(.truncated, "its \(entry.compressedSize) stored bytes run past the end of the file; the file is truncated")
        }
        let stored = bytes[start..<(start + entry.compressedSize)]
        var out: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else {
                throw fail(.malformed, "is stored but its sizes differ (\(entry.compressedSize) and \(entry.size))")
            }
            out = Array(stored)
        case 8:
            out = [UInt8](repeating: 0, count: entry.size)
            var inflater = try ZlibInflater()
            let what = "\(name): member '\(entry.name)'"
            let input = Array(stored)
            try input.withBytes { (raw: UnsafeRawBufferPointer) throws(FormatError) in
                try out.withMutableBytes { (output: UnsafeMutableRawBufferPointer) throws(FormatError) in
                    try inflater.decompress(raw, into: output, context: what)
                }
            }
        default:
            throw fail(.invalidArgument, "uses compression method \(entry.method); only stored (0) and deflate (8) are read")
        }
        guard CRC32.checksum(out) == entry.crc32 else {
            throw fail(.checksumMismatch, "its CRC-32 does not match its contents; the file is corrupt")
        }
        return out
    }

    // MARK: Directory

    static func directory(_ b: [UInt8], name: String) throws(FormatError) -> [Entry] {
        func fail(_ kind: FormatError.Kind, _ text: String) -> FormatError { FormatError(kind, "\(name): \(text)") }
        guard b.count >= 22 else { throw fail(.notAFile, "not a zip file (too short)") }
        // The end record is 22 bytes plus a comment of up to 65535.
        var eocd = -1
        var p = b.count - 22
        let lowest = max(0, b.count - 22 - 0xFFFF)
        while p >= lowest {
            if u32(b, p) == 0x0605_4B50 && p + 22 + Int(u16(b, p + 20)) == b.count { eocd = p; break }
            p -= 1
        }
        guard eocd >= 0 else { throw fail(.notAFile, "not a zip file (no end of central directory record)") }
        guard u16(b, eocd + 4) == 0 || u16(b, eocd + 4) == 0xFFFF, u16(b, eocd + 6) == 0 || u16(b, eocd + 6) == 0xFFFF else {
            throw fail(.invalidArgument, "multi-disk zip archives are not supported")
        }
        var count = Int(u16(b, eocd + 10))
        var size = Int(u32(b, eocd + 12))
        var offset = Int(u32(b, eocd + 16))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            // Zip64: a locator right before the end record points at the zip64 end record.
            let loc = eocd - 20
            guard loc >= 0, u32(b, loc) == 0x0706_4B50 else { throw fail(.malformed, "the zip64 end locator is missing") }
            let rec64 = try int64(b, loc + 8, name: name)
            guard rec64 >= 0, rec64 <= b.count - 56, u32(b, rec64) == 0x0606_4B50 else {
                throw fail(.malformed, "the zip64 end record is missing or out of the file")
            }
            count = try int64(b, rec64 + 32, name: name)
            size = try int64(b, rec64 + 40, name: name)
            offset = try int64(b, rec64 + 48, name: name)
        }
        guard offset >= 0, size >= 0, offset <= b.count, size <= b.count - offset else {
            throw fail(.truncated, "the central directory (\(size) bytes at \(offset)) runs past the end of the file")
        }
        guard count <= size / 46 else { throw fail(.malformed, "the central directory declares \(count) entries, more than fit in it") }
        var entries: [Entry] = []
        var names = Set<String>()
        var q = offset
        let end = offset + size
        for _ in 0..<count {
            guard q <= end - 46, u32(b, q) == 0x0201_4B50 else { throw fail(.malformed, "a central directory entry is damaged") }
            let flags = u16(b, q + 8)
            guard flags & 1 == 0 else { throw fail(.invalidArgument, "encrypted zip members are not supported") }
            let method = u16(b, q + 10)
            let crc = u32(b, q + 16)
            var csize = Int(u32(b, q + 20)), usize = Int(u32(b, q + 24))
            let nameLength = Int(u16(b, q + 28)), extraLength = Int(u16(b, q + 30)), commentLength = Int(u16(b, q + 32))
            var local = Int(u32(b, q + 42))
            let nameStart = q + 46
            guard nameStart + nameLength + extraLength + commentLength <= end else {
                throw fail(.malformed, "a central directory entry runs past the directory")
            }
            let memberName = String(decoding: b[nameStart..<(nameStart + nameLength)], as: UTF8.self)
            // Zip64 extended information: the 0xFFFFFFFF fields, in order usize, csize, offset.
            var e = nameStart + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = u16(b, e), length = Int(u16(b, e + 2))
                guard e + 4 + length <= extraEnd else { throw fail(.malformed, "an extra field of '\(memberName)' is damaged") }
                if id == 0x0001 {
                    var f = e + 4
                    for field in 0..<3 {
                        let isWide = [usize, csize, local][field] == 0xFFFF_FFFF
                        guard isWide else { continue }
                        guard f + 8 <= e + 4 + length else { throw fail(.malformed, "the zip64 field of '\(memberName)' is short") }
                        let v = try int64(b, f, name: name)
                        switch field {
                        case 0: usize = v
                        case 1: csize = v
                        default: local = v
                        }
                        f += 8
                    }
                }
                e += 4 + length
            }
            guard usize >= 0, csize >= 0, local >= 0 else { throw fail(.malformed, "'\(memberName)' has an impossible size or offset") }
            guard names.insert(memberName).inserted else { throw fail(.malformed, "the member '\(memberName)' appears twice") }
            entries.append(Entry(name: memberName, method: method, crc32: crc, compressedSize: csize, size: usize, localHeaderOffset: local))
            q = nameStart + nameLength + extraLength + commentLength
        }
        return entries
    }

    @inline(__always) static func u16(_ b: [UInt8], _ i: Int) -> UInt16 {
        guard i >= 0, i + 2 <= b.count else { return 0 }
        return UInt16(b[i]) | UInt16(b[i + 1]) << 8
    }

    @inline(__always) static func u32(_ b: [UInt8], _ i: Int) -> UInt32 {
        guard i >= 0, i + 4 <= b.count else { return 0 }
        return UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    static func int64(_ b: [UInt8], _ i: Int, name: String) throws(FormatError) -> Int {
        guard i >= 0, i + 8 <= b.count else { throw FormatError(.truncated, "\(name): a zip64 field runs past the end of the file") }
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(b[i + k]) << (8 * k) }
        guard v <= UInt64(Int.max) else { throw FormatError(.malformed, "\(name): a zip64 size is impossibly large") }
        return Int(v)
    }

    @inline(__always) private func u16(_ b: [UInt8], _ i: Int) -> UInt16 { NpzZip.u16(b, i) }
    @inline(__always) private func u32(_ b: [UInt8], _ i: Int) -> UInt32 { NpzZip.u32(b, i) }

    // MARK: Writing

    /// A zip file of `members` (name, bytes), stored without compression as `numpy.savez` does;
    /// zip64 records are written when a size or offset needs them.
    public static func stored(_ members: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ v: Int, _ into: inout [UInt8]) { into += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32, _ into: inout [UInt8]) { for k in 0..<4 { into.append(UInt8((v >> (8 * UInt32(k))) & 0xFF)) } }
        func le64(_ v: Int, _ into: inout [UInt8]) { for k in 0..<8 { into.append(UInt8((UInt64(v) >> (8 * UInt64(k))) & 0xFF)) } }
        let limit = 0xFFFF_FFFF
        // DOS time 1980-01-01 00:00, as numpy's zipfile writes for members it creates.
        let dosTime = 0, dosDate = (0 << 9) | (1 << 5) | 1
        for member in members {
            let nameBytes = Array(member.name.utf8)
            let crc = CRC32.checksum(member.bytes)
            let offset = out.count
            let wide = member.bytes.count >= limit || offset >= limit
            var extraLocal: [UInt8] = []
            if wide {
                le16(1, &extraLocal); le16(16, &extraLocal); le64(member.bytes.count, &extraLocal); le64(member.bytes.count, &extraLocal)
            }
            le32(0x0403_4B50, &out); le16(wide ? 45 : 20, &out); le16(0x0800, &out); le16(0, &out)
            le16(dosTime, &out); le16(dosDate, &out); le32(crc, &out)
            le32(wide ? UInt32(limit) : UInt32(member.bytes.count), &out); le32(wide ? UInt32(limit) : UInt32(member.bytes.count), &out)
            le16(nameBytes.count, &out); le16(extraLocal.count, &out)
            out += nameBytes + extraLocal + member.bytes
            var extra: [UInt8] = []
            if wide {
                le16(1, &extra); le16(24, &extra); le64(member.bytes.count, &extra); le64(member.bytes.count, &extra); le64(offset, &extra)
            }
            le32(0x0201_4B50, &central); le16(wide ? 45 : 20, &central); le16(wide ? 45 : 20, &central); le16(0x0800, &central); le16(0, &central)
            le16(dosTime, &central); le16(dosDate, &central); le32(crc, &central)
            le32(wide ? UInt32(limit) : UInt32(member.bytes.count), &central); le32(wide ? UInt32(limit) : UInt32(member.bytes.count), &central)
            le16(nameBytes.count, &central); le16(extra.count, &central); le16(0, &central); le16(0, &central); le16(0, &central)
            le32(0o644 << 16, &central); le32(wide ? UInt32(limit) : UInt32(offset), &central)
            central += nameBytes + extra
        }
        let centralOffset = out.count
        out += central
        if members.count >= 0xFFFF || centralOffset >= limit || central.count >= limit {
            let record = out.count
            le32(0x0606_4B50, &out); le64(44, &out); le16(45, &out); le16(45, &out); le32(0, &out); le32(0, &out)
            le64(members.count, &out); le64(members.count, &out); le64(central.count, &out); le64(centralOffset, &out)
            le32(0x0706_4B50, &out); le32(0, &out); le64(record, &out); le32(1, &out)
            le32(0x0605_4B50, &out); le16(0, &out); le16(0, &out); le16(0xFFFF, &out); le16(0xFFFF, &out)
            le32(UInt32(limit), &out); le32(UInt32(limit), &out); le16(0, &out)
        } else {
            le32(0x0605_4B50, &out); le16(0, &out); le16(0, &out); le16(members.count, &out); le16(members.count, &out)
            le32(UInt32(central.count), &out); le32(UInt32(centralOffset), &out); le16(0, &out)
        }
        return out
    }
}
