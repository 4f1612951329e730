import Foundation
@testable import ZooFormat

/// A seeded SplitMix64 generator: every random test input is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum TestSupport {
    /// The repository root, found from this file's path.
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var vectorsDirectory: URL { repoRoot.appendingPathComponent("formats/vectors") }

    /// A fresh empty directory under the system temp directory.
    static func temporaryDirectory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "zooformat-tests-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `count` elements of `dtype` as raw bytes: weight-like values with the type's special values
    /// (NaN, ±Inf, -0, denormals, extremes) first and arbitrary bit patterns at the end.
    static func sample(_ dtype: DType, count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededGenerator(seed: seed)
        var bytes: [UInt8] = []
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        for i in 0..<count {
            let gaussian = Float((0..<4).map { _ in Float.random(in: -1...1, using: &rng) }.reduce(0, +) * 0.03)
            let arbitrary = i >= count - 3
            switch dtype {
            case .f64:
                let special: [Double] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
                put(arbitrary ? rng.next() : (i < special.count ? special[i] : Double(gaussian)).bitPattern)
            case .f32:
                let special: [Float] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude]
                put(arbitrary ? UInt32(truncatingIfNeeded: rng.next()) : (i < special.count ? special[i] : gaussian).bitPattern)
            case .f16:
                let special: [UInt16] = [0x7E00, 0x7C00, 0xFC00, 0x8000, 0x0001, 0x0400, 0x7BFF]
                put(arbitrary ? UInt16(truncatingIfNeeded: rng.next()) : (i < special.count ? special[i] : halfBits(gaussian)))
            case .bf16:
                let special: [UInt16] = [0x7FC0, 0x7F80, 0xFF80, 0x8000, 0x0001, 0x0080, 0x7F7F]
                put(arbitrary ? UInt16(truncatingIfNeeded: rng.next()) : (i < special.count ? special[i] : UInt16(gaussian.bitPattern >> 16)))
            case .i64: put(arbitrary ? rng.next() : UInt64(bitPattern: Int64.random(in: -1000...1000, using: &rng)))
            case .i32: put(UInt32(truncatingIfNeeded: arbitrary ? rng.next() : UInt64(bitPattern: Int64.random(in: -1000...1000, using: &rng))))
            case .i16: put(UInt16(truncatingIfNeeded: rng.next()))
            case .bool: bytes.append(UInt8(rng.next() & 1))
            case .f8e4m3, .f8e5m2, .i8, .u8: bytes.append(UInt8(truncatingIfNeeded: rng.next()))
            }
        }
        return bytes
    }

    /// IEEE binary16 bits of `x` (truncating; good enough for test data).
    static func halfBits(_ x: Float) -> UInt16 {
        #if arch(arm64)
        return Float16(x).bitPattern
        #else
        let b = x.bitPattern
        let sign = UInt16((b >> 16) & 0x8000)
        let exponent = Int((b >> 23) & 0xFF) - 127 + 15
        if exponent <= 0 { return sign }
        if exponent >= 31 { return sign | 0x7C00 }
        return sign | UInt16(exponent << 10) | UInt16((b >> 13) & 0x3FF)
        #endif
    }

    /// Encodes into memory: the record and its stream.
    static func encode(_ raw: [UInt8], dtype: DType, shape: [Int], codec: Codec, chunkSize: Int = 4096,
                       workers: Int = 4, level: Int = 6) throws(FormatError) -> (TensorRecord, [UInt8]) {
        var stream: [UInt8] = []
        let record = try raw.withBytes { (buffer) throws(FormatError) in
            try TensorCodec.encode(name: "t", dtype: dtype, shape: shape, raw: buffer, codec: codec, level: level,
                                   chunkSize: chunkSize, workers: workers) { (bytes) throws(FormatError) in stream += bytes }
        }
        return (record, stream)
    }

    /// Decodes from memory.
    static func decode(_ record: TensorRecord, _ stream: [UInt8], workers: Int = 4, checkDigest: Bool = true) throws(FormatError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(record.rawBytes))
        try stream.withBytes { (input) throws(FormatError) in
            try out.withMutableBytes { (output) throws(FormatError) in
                try TensorCodec.decode(record: record, stream: input, into: output, checkDigest: checkDigest, workers: workers)
            }
        }
        return out
    }

    /// The error `body` throws, or nil.
    static func error(_ body: () throws -> Void) -> FormatError? {
        do { try body(); return nil } catch let error as FormatError { return error } catch {
            return FormatError(.invalidArgument, "not a FormatError: \(error)")
        }
    }
}
