import Foundation
@testable import ZooData

/// Small images and folders made at test time (nothing binary is committed).
enum Fixtures {
    /// A fresh empty folder under the system temp folder.
    static func folder(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "zoodata-tests-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `bytes` to `path`, creating folders.
    @discardableResult
    static func write(_ bytes: [UInt8], to path: String) -> String {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// A gradient with some texture: resampling errors would show, flat colour would hide them.
    static func gradient(width: Int, height: Int, channels: Int, seed: Int = 0, texture: Bool = true) -> PixelImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for c in 0..<channels {
                    pixels.append(UInt8((x * 255 / max(1, width - 1) + c * 60 + y * 3 + (texture ? (x * 7 + y * 13 + seed) % 17 : 0)) % 256))
                }
            }
        }
        return PixelImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// The PNG chunk `kind` with `body` and its CRC.
    static func chunk(_ kind: String, _ body: [UInt8]) -> [UInt8] {
        let k = Array(kind.utf8)
        var out = withUnsafeBytes(of: UInt32(body.count).bigEndian) { Array($0) } + k + body
        out += withUnsafeBytes(of: crc(k + body).bigEndian) { Array($0) }
        return out
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 == 1 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        }
        return ~c
    }
}
