import ZooFormat

/// IDX files, the format of MNIST and its family (Fashion-MNIST, KMNIST, EMNIST): two zero bytes,
/// a type byte (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64), the number of
/// dimensions, each dimension as a big-endian u32, then the elements big-endian. Gzip-compressed
/// files (the usual `.gz` downloads) are recognised by their magic.
public enum IDXFile {
    /// Whether `bytes` (after any gunzip) start like an IDX file.
    public static func isIDX(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && [0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E].contains(bytes[2]) && bytes[3] >= 1
    }

    /// Parses IDX bytes (already gunzipped) into an array in little-endian C order.
    public static func parse(_ bytes: [UInt8], name: String) throws(DataError) -> NumpyArray {
        guard isIDX(bytes) else { throw DataError(.invalidData, "\(name): not an IDX file (expected 00 00 type dims)") }
        let dtype: NumpyDType
        switch bytes[2] {
        case 0x08: dtype = .u1
        case 0x09: dtype = .i1
        case 0x0B: dtype = .i2
        case 0x0C: dtype = .i4
        case 0x0D: dtype = .f4
        default: dtype = .f8
        }
        let dims = Int(bytes[3])
        guard bytes.count >= 4 + 4 * dims else { throw DataError(.invalidData, "\(name): the IDX header is truncated") }
        var shape: [Int] = []
        var count = 1
        for d in 0..<dims {
            let o = 4 + 4 * d
            let v = Int(bytes[o]) << 24 | Int(bytes[o + 1]) << 16 | Int(bytes[o + 2]) << 8 | Int(bytes[o + 3])
            shape.append(v)
            let (p, overflow) = count.multipliedReportingOverflow(by: v)
            guard !overflow else { throw DataError(.invalidData, "\(name): the IDX shape \(shape) is impossibly large") }
            count = p
        }
        let start = 4 + 4 * dims
        let (needed, overflow) = count.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow, bytes.count - start == needed else {
            throw DataError(.invalidData, "\(name): the IDX data has \(bytes.count - start) bytes but its shape \(shape) needs \(needed); the file is truncated or corrupt")
        }
        var data = Array(bytes[start...])
        let w = dtype.byteWidth
        if w > 1 {
            for e in 0..<count { data[(e * w)..<((e + 1) * w)].reverse() }
        }
        return NumpyArray(dtype: dtype, shape: shape, data: data)
    }

    /// The labels file that goes with an images file by the MNIST naming convention
    /// (`train-images-idx3-ubyte.gz` → `train-labels-idx1-ubyte.gz`); nil when the name does not follow it.
    public static func conventionalLabels(for path: String) -> String? {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let file = slash.map { String(path[path.index(after: $0)...]) } ?? path
        guard file.contains("images-idx3") else { return nil }
        return folder + file.replacingOccurrences(of: "images-idx3", with: "labels-idx1")
    }
}

import Foundation
