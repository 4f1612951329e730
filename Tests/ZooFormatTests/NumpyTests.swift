import Foundation
import Testing
@testable import ZooFormat

/// `.npy` and `.npz`: what numpy writes is read, what is written is numpy's own bytes, and
/// damaged or hostile files are errors before anything large is allocated.
struct NumpyTests {
    /// An `.npy` file with `header` as its dictionary (padded as numpy pads it) and `data`.
    static func npy(_ header: String, _ data: [UInt8], major: UInt8 = 1) -> [UInt8] {
        let dict = Array(header.utf8)
        let lengthBytes = major == 1 ? 2 : 4
        let total = (10 + lengthBytes - 2 + dict.count + 1 + 63) / 64 * 64
        let length = total - 8 - lengthBytes
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
        for i in 0..<lengthBytes { out.append(UInt8((length >> (8 * i)) & 0xFF)) }
        return out + dict + [UInt8](repeating: 0x20, count: length - dict.count - 1) + [0x0A] + data
    }

    @Test func writesNumpysExactBytes() throws {
        let a = NumpyArray(floats: [1, 2, 3, 4, 5, 6], shape: [2, 3])
        let bytes = a.serialized()
        // numpy 1.24: np.save(f, np.arange(1, 7, dtype='<f4').reshape(2, 3)).
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        #expect(bytes == Self.npy(header, a.data))
        #expect(bytes.count == 128 + 24)
        #expect(try NumpyArray.parse(bytes) == a)
        #expect(String(decoding: NumpyArray(integers: [7], shape: [1]).serialized()[10..<70], as: UTF8.self).hasPrefix("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }"))
        #expect(try NumpyArray.parse(NumpyArray(floats: [3], shape: []).serialized()).shape == [])
    }

    @Test func readsEveryNumericDtypeOrderAndVersion() throws {
        // Big-endian int16 [1, -2] read as little-endian values.
        let be = try NumpyArray.parse(Self.npy("{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", [0x00, 0x01, 0xFF, 0xFE]))
        #expect(try be.integers() == [1, -2])
        // Fortran order [[1, 2, 3], [4, 5, 6]] is stored column by column: 1 4 2 5 3 6.
        let f = try NumpyArray.parse(Self.npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", [1, 4, 2, 5, 3, 6]))
        #expect(f.data == [1, 2, 3, 4, 5, 6])
        let f3 = try NumpyArray.parse(Self.npy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2, 2), }", [0, 4, 2, 6, 1, 5, 3, 7]))
        #expect(f3.data == [0, 1, 2, 3, 4, 5, 6, 7])
        // Versions 2.0 and 3.0 (4-byte header length), a Python 2 long, keys in another order.
        let v2 = try NumpyArray.parse(Self.npy("{'shape': (1L,), 'fortran_order': False, 'descr': '<f8'}", [0, 0, 0, 0, 0, 0, 0xF0, 0x3F], major: 2))
        #expect(v2.floats() == [1])
        let v3 = try NumpyArray.parse(Self.npy("{\"descr\": \"<f2\", \"fortran_order\": False, \"shape\": (1,)}", [0x00, 0x3C], major: 3))
        #expect(v3.floats() == [1])
        for (descr, bytes, value) in [("|i1", [UInt8(0xFF)], Float(-1)), ("|b1", [1], 1), ("<u2", [0xFF, 0xFF], 65535), ("<i4", [0xFE, 0xFF, 0xFF, 0xFF], -2),
                                      ("<u4", [1, 0, 0, 0], 1), ("<u8", [2, 0, 0, 0, 0, 0, 0, 0], 2), ("<i8", [3, 0, 0, 0, 0, 0, 0, 0], 3)] {
            let a = try NumpyArray.parse(Self.npy("{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }", bytes))
            #expect(a.floats() == [value], "\(descr)")
        }
        #expect(throws: FormatError.self) { try NumpyArray(floats: [1.5], shape: [1]).integers() }
    }

    @Test func refusesDamagedAndHostileFiles() throws {
        let good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"
        let data: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]
        let cases: [([UInt8], FormatError.Kind)] = [
            (Array(Self.npy(good, data).dropLast()), .truncated),
            (Self.npy(good, data + [0]), .malformed),
            (Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}", data), .malformed),
            (Self.npy("{'descr': '<f4', 'shape': (2,), }", data), .malformed),
            (Self.npy("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data), .malformed),
            (Self.npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", data), .invalidArgument),
            (Self.npy("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", data), .invalidArgument),
            (Self.npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", data), .invalidArgument),
            (Self.npy("{'descr': '|f4', 'fortran_order': False, 'shape': (2,), }", data), .malformed),
            (Self.npy("{'descr': '<f4', 'fortran_order': maybe, 'shape': (2,), }", data), .malformed),
            (Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", data), .malformed),
            (Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", data), .limitExceeded),
            (Self.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }", data), .truncated),
            ([0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0xFF], .truncated),
            ([0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0xFF, 0x7F], .limitExceeded),
            ([0x93] + Array("NUMPY".utf8) + [4, 0, 0, 0], .unsupportedVersion),
            (Array("not numpy at all".utf8), .notAFile),
        ]
        for (i, (bytes, kind)) in cases.enumerated() {
            do {
                _ = try NumpyArray.parse(bytes, name: "bad.npy")
                Issue.record("case \(i) parsed")
            } catch {
                #expect(error.kind == kind, "case \(i): \(error)")
                #expect(error.message.hasPrefix("bad.npy"), "case \(i): \(error.message)")
            }
        }
    }

    @Test func npzStoredAndDeflatedMembers() throws {
        let x = NumpyArray(floats: (0..<10).map(Float.init), shape: [5, 2])
        let y = NumpyArray(integers: [0, 1, 0, 1, 1], shape: [5])
        let file = NumpyArchive.serialized([("x", x), ("y", y)])
        let archive = try NumpyArchive(file, name: "d.npz")
        #expect(archive.names == ["x", "y"])
        #expect(try archive.array("x") == x && (try archive.array("y")) == y && (try archive.array("z")) == nil)

        // A deflated member, as savez_compressed writes it, with numpy's zip64 local extra field.
        let member = x.serialized()
        var deflater = try ZlibDeflater(level: 6)
        var out = [UInt8](repeating: 0, count: member.count + 1024)
        let length = try member.withUnsafeBytes { input in
            try out.withUnsafeMutableBytes { try deflater.compress(input, into: $0, level: 6, strategy: .standard) }
        }
        let packed = Array(out.prefix(try #require(length)))
        let zip = Self.zip(name: "x.npy", raw: member, stored: packed, method: 8)
        #expect(try NumpyArchive(zip, name: "c.npz").array("x") == x)

        // Damage: a flipped byte fails the CRC; a cut file has no end record; lies about sizes.
        var flipped = Self.zip(name: "x.npy", raw: member, stored: member, method: 0)
        flipped[100] ^= 1
        #expect(throws: FormatError.self) { _ = try NumpyArchive(flipped).array("x") }
        #expect(throws: FormatError.self) { _ = try NumpyArchive(Array(file.prefix(file.count - 10))) }
        #expect(throws: FormatError.self) { _ = try NumpyArchive(Array(repeating: 0, count: 100)) }
        let big = Self.zip(name: "x.npy", raw: member, stored: packed, method: 8, declaredSize: 1 << 40)
        do {
            _ = try NumpyArchive(big).array("x", maxBytes: 1 << 30)
            Issue.record("inflated a member declaring 1 TiB")
        } catch {
            #expect(error.kind == .limitExceeded)
        }
        let lying = Self.zip(name: "x.npy", raw: member, stored: packed, method: 8, declaredSize: member.count + 5)
        #expect(throws: FormatError.self) { _ = try NumpyArchive(lying).array("x") }
        let other = Self.zip(name: "x.npy", raw: member, stored: member, method: 12)
        #expect(throws: FormatError.self) { _ = try NumpyArchive(other).array("x") }
    }

    /// A one-member zip as Python's zipfile writes it for numpy (`force_zip64=True`: local sizes
    /// 0xFFFFFFFF with a zip64 extra field; the central directory holds the real sizes).
    static func zip(name: String, raw: [UInt8], stored: [UInt8], method: UInt16, declaredSize: Int? = nil) -> [UInt8] {
        func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
        func le64(_ v: Int) -> [UInt8] { (0..<8).map { UInt8((UInt64(v) >> (8 * UInt64($0))) & 0xFF) } }
        let n = Array(name.utf8), crc = CRC32.checksum(raw), size = declaredSize ?? raw.count
        let extra = le16(1) + le16(16) + le64(size) + le64(stored.count)
        var out = le32(0x0403_4B50) + le16(45) + le16(0) + le16(Int(method)) + le16(0) + le16(0x21) + le32(crc)
        out += le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(n.count) + le16(extra.count) + n + extra + stored
        let central = out.count
        let wide = size >= 0xFFFF_FFFF
        let cextra = wide ? le16(1) + le16(8) + le64(size) : []
        out += le32(0x0201_4B50) + le16(45) + le16(45) + le16(0) + le16(Int(method)) + le16(0) + le16(0x21) + le32(crc)
        out += le32(UInt32(stored.count)) + le32(wide ? 0xFFFF_FFFF : UInt32(size)) + le16(n.count) + le16(cextra.count) + le16(0) + le16(0) + le16(0)
        out += le32(0) + le32(0) + n + cextra
        let centralSize = out.count - central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(UInt32(centralSize)) + le32(UInt32(central)) + le16(0)
        return out
    }
}
