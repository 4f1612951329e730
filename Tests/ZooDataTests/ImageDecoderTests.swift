import Foundation
import Testing
@testable import ZooData

/// PNG, JPEG and PGM/PPM decoding: every layout to 8-bit gray or RGB as PIL's convert gives it,
/// and every bad file an error naming the file, never a crash.
struct ImageDecoderTests {
    @Test func pngLayoutsDecodeAsPILConvertsThem() throws {
        // 8-bit RGB and gray come back unchanged.
        let rgb = Fixtures.gradient(width: 13, height: 7, channels: 3)
        #expect(try ImageDecoder.decode(try ImageEncoder.png(rgb), name: "rgb") == rgb)
        let gray = Fixtures.gradient(width: 5, height: 9, channels: 1)
        #expect(try ImageDecoder.decode(try ImageEncoder.png(gray), name: "gray") == gray)
        // Interlaced (Adam7) gives the same pixels.
        #expect(try ImageDecoder.decode(try ImageEncoder.png(rgb, interlaced: true), name: "adam7") == rgb)

        // 2-bit gray 0,1,2,3 scales to 0,85,170,255; 1-bit to 0/255.
        let two = try ImageEncoder.png(rows: [0b0001_1011], width: 4, height: 1, bitDepth: 2, colorType: 0)
        #expect(try ImageDecoder.decode(two, name: "2bit").pixels == [0, 85, 170, 255])
        let one = try ImageEncoder.png(rows: [0b1010_0000], width: 3, height: 1, bitDepth: 1, colorType: 0)
        #expect(try ImageDecoder.decode(one, name: "1bit").pixels == [255, 0, 255])
        let four = try ImageEncoder.png(rows: [0x0F, 0x70], width: 3, height: 1, bitDepth: 4, colorType: 0)
        #expect(try ImageDecoder.decode(four, name: "4bit").pixels == [0, 255, 119])

        // 16-bit samples keep their high byte (PIL's "RGB;16B"), alpha is dropped.
        let rgba16 = try ImageEncoder.png(rows: [0x12, 0xFF, 0x34, 0x00, 0xAB, 0x80, 0x00, 0x01], width: 1, height: 1, bitDepth: 16, colorType: 6)
        let decoded = try ImageDecoder.decode(rgba16, name: "rgba16")
        #expect(decoded.channels == 3 && decoded.pixels == [0x12, 0x34, 0xAB])
        let la = try ImageEncoder.png(rows: [200, 7, 100, 255], width: 2, height: 1, bitDepth: 8, colorType: 4)
        #expect(try ImageDecoder.decode(la, name: "la") == PixelImage(width: 2, height: 1, channels: 1, pixels: [200, 100]))
        let gray16 = try ImageEncoder.png(rows: [0xFE, 0xFF, 0x01, 0x00], width: 2, height: 1, bitDepth: 16, colorType: 0)
        #expect(try ImageDecoder.decode(gray16, name: "gray16").pixels == [0xFE, 0x01])

        // Palette, with and without transparency: colours looked up, alpha dropped.
        let palette: [UInt8] = [10, 20, 30, 200, 100, 0, 1, 2, 3]
        let p = try ImageEncoder.png(rows: [2, 0, 1], width: 3, height: 1, bitDepth: 8, colorType: 3, palette: palette)
        #expect(try ImageDecoder.decode(p, name: "p").pixels == [1, 2, 3, 10, 20, 30, 200, 100, 0])
        let pt = try ImageEncoder.png(rows: [2, 0, 1], width: 3, height: 1, bitDepth: 8, colorType: 3, palette: palette, transparency: [0, 128])
        #expect(try ImageDecoder.decode(pt, name: "pt").pixels == [1, 2, 3, 10, 20, 30, 200, 100, 0])
        let header = try ImageDecoder.header(pt, name: "pt")
        #expect(header == ImageHeader(format: .png, width: 3, height: 1, channels: 3))
    }

    @Test func jpegDecodesBaselineProgressiveAndGray() throws {
        // A smooth image (JPEG's 4:2:0 chroma subsampling blurs sharp colour edges).
        var smooth: [UInt8] = []
        for y in 0..<23 { for x in 0..<37 { for c in 0..<3 { smooth.append(UInt8(x * 3 + y * 4 + c * 20)) } } }
        let image = PixelImage(width: 37, height: 23, channels: 3, pixels: smooth)
        for progressive in [false, true] {
            let bytes = try ImageEncoder.jpeg(image, quality: 100, progressive: progressive)
            let decoded = try ImageDecoder.decode(bytes, name: "j")
            #expect(decoded.width == 37 && decoded.height == 23 && decoded.channels == 3)
            // Lossy, but at quality 100 within a few levels on average.
            let mean = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.reduce(0, +) / image.pixels.count
            #expect(mean <= 2)
            #expect(try ImageDecoder.header(bytes, name: "j") == ImageHeader(format: .jpeg, width: 37, height: 23, channels: 3))
        }
        let gray = try ImageDecoder.decode(try ImageEncoder.jpeg(Fixtures.gradient(width: 8, height: 8, channels: 1)), name: "g")
        #expect(gray.channels == 1)
        // PIL's CMYK conversion: inverted (Adobe) CMYK, r = (255 - k) - c (255 - k) / 255.
        #expect(JPEGDecoder.cmykToRGB([255 - 100, 255 - 50, 255 - 20, 255 - 30, 55, 55, 55, 55], pixels: 2) == [137, 181, 207, 12, 12, 12])
    }

    @Test func pnmTextAndBinaryWithMaxvals() throws {
        let p2 = Array("P2\n# comment\n3 1\n# another\n100\n0 50 100\n".utf8)
        // round(v / 100 * 255) half to even: 50 -> 127.5 -> 128.
        #expect(try ImageDecoder.decode(p2, name: "p2").pixels == [0, 128, 255])
        let p3 = Array("P3 1 1 255 1 2 3".utf8)
        #expect(try ImageDecoder.decode(p3, name: "p3") == PixelImage(width: 1, height: 1, channels: 3, pixels: [1, 2, 3]))
        let p5 = Array("P5\n2 2\n255\n".utf8) + [0, 10, 200, 255]
        #expect(try ImageDecoder.decode(p5, name: "p5").pixels == [0, 10, 200, 255])
        let p6 = Array("P6\n1 1\n65535\n".utf8) + [0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00]
        #expect(try ImageDecoder.decode(p6, name: "p6").pixels == [255, 128, 0])
        for (bad, why) in [(Array("P5\n2 2\n255\n".utf8) + [1, 2], "truncated"), (Array("P2 2 1 10 3 11".utf8), "above the maxval"),
                           (Array("P5 1 1 0\n".utf8) + [0], "maxval"), (Array("P2 2 1".utf8), "truncated")] {
            do {
                _ = try ImageDecoder.decode(bad, name: "bad.pgm")
                Issue.record("\(why): decoded")
            } catch {
                #expect(error.message.contains("bad.pgm") && error.message.contains(why), "\(error.message)")
            }
        }
    }

    @Test func badFilesAreErrorsNamingTheFile() throws {
        let png = try ImageEncoder.png(Fixtures.gradient(width: 40, height: 30, channels: 3))
        let jpeg = try ImageEncoder.jpeg(Fixtures.gradient(width: 40, height: 30, channels: 3))
        var crc = png
        crc[40] ^= 0xFF  // inside IDAT: its CRC no longer matches
        let cases: [([UInt8], DataError.Kind, String)] = [
            (Array(png.prefix(png.count - 30)), .undecodable, "PNG"),
            (crc, .undecodable, "PNG"),
            (Array(jpeg.prefix(jpeg.count / 2)), .undecodable, "truncated"),
            (Array(jpeg.prefix(200)), .undecodable, "JPEG"),
            ([], .undecodable, "empty"),
            (Array("BM not really".utf8), .unsupported, "BMP"),
            (Array("GIF89a".utf8), .unsupported, "GIF"),
            (Array("hello, world".utf8), .undecodable, "not an image"),
        ]
        for (bytes, kind, text) in cases {
            do {
                _ = try ImageDecoder.decode(bytes, name: "photo-17.x")
                Issue.record("decoded \(text)")
            } catch {
                #expect(error.kind == kind, "\(error)")
                #expect(error.message.contains("photo-17.x") && error.message.contains(text), "\(error.message)")
            }
        }
    }

    @Test func declaredSizesAreCheckedBeforeAllocating() throws {
        // A PNG whose IHDR declares 50000 x 50000 RGB (7.5 GB decoded) in a file of a few bytes.
        let ihdr: [UInt8] = [0, 0, 0xC3, 0x50, 0, 0, 0xC3, 0x50, 8, 2, 0, 0, 0]
        let bomb = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Fixtures.chunk("IHDR", ihdr)
            + Fixtures.chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + Fixtures.chunk("IEND", [])
        #expect(throws: DataError(.limitExceeded, "bomb.png: the image declares 50000x50000 pixels, more than the limit of 89478485; it may be a decompression bomb (shrink the file, or raise the limit)")) {
            _ = try ImageDecoder.decode(bomb, name: "bomb.png")
        }
        let small = ImageLimits(maxPixels: 100, maxSide: 1000)
        let ok = try ImageEncoder.png(Fixtures.gradient(width: 11, height: 10, channels: 1))
        #expect(throws: DataError.self) { _ = try ImageDecoder.decode(ok, name: "x", limits: small) }
        let wide = ImageLimits(maxPixels: 1 << 30, maxSide: 10)
        #expect(throws: DataError.self) { _ = try ImageDecoder.decode(ok, name: "x", limits: wide) }
        // JPEG: patch the frame header's size to 60000 x 60000.
        var jpeg = try ImageEncoder.jpeg(Fixtures.gradient(width: 16, height: 16, channels: 3))
        let sof = try #require((0..<(jpeg.count - 9)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5] = 0xEA; jpeg[sof + 6] = 0x60; jpeg[sof + 7] = 0xEA; jpeg[sof + 8] = 0x60
        do {
            _ = try ImageDecoder.decode(jpeg, name: "bomb.jpg")
            Issue.record("decoded a 60000x60000 JPEG")
        } catch {
            #expect(error.kind == .limitExceeded, "\(error)")
        }
        let pnm = Array("P6 100000 100000 255\n".utf8)
        #expect(throws: DataError.self) { _ = try ImageDecoder.decode(pnm, name: "bomb.ppm") }
    }

    /// Random damage to valid files: each decode either succeeds or throws; the C error paths
    /// (setjmp in the shims) must never crash the process.
    @Test func damagedFilesNeverCrash() throws {
        let files = [try ImageEncoder.png(Fixtures.gradient(width: 33, height: 21, channels: 3), interlaced: true),
                     try ImageEncoder.jpeg(Fixtures.gradient(width: 33, height: 21, channels: 3)),
                     try ImageEncoder.jpeg(Fixtures.gradient(width: 33, height: 21, channels: 3), progressive: true),
                     Array("P6 3 2 255\n".utf8) + [UInt8](repeating: 9, count: 18)]
        var state: UInt64 = 42
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        var failures = 0
        for round in 0..<400 {
            var bytes = files[round % files.count]
            for _ in 0..<(1 + next() % 6) { bytes[next() % bytes.count] = UInt8(next() % 256) }
            if next() % 4 == 0 { bytes = Array(bytes.prefix(next() % bytes.count)) }
            do { _ = try ImageDecoder.decode(bytes, name: "f") } catch { failures += 1 }
        }
        #expect(failures > 50)
    }
}
