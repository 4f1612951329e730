extension ZipArchive {
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
