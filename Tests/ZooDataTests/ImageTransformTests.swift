import Testing
import ZooModel
@testable import ZooData

/// The parts of torchvision's recipe that the parity script (scripts/preprocess_parity.py)
/// checks end to end, here one rule at a time.
struct ImageTransformTests {
    @Test func resamplingFollowsPILsFixedPointRecipe() {
        // 4 -> 2 pixels, bilinear: support 2 at scale 2; the first output's window is source
        // 0...2 with weights 0.75, 0.75, 0.25 (normalised by 1.75): 100*3/7 + 200/7 = 71.43 -> 71.
        let row = PixelImage(width: 4, height: 1, channels: 1, pixels: [0, 100, 200, 250])
        let half = ImageResampler.resize(row, width: 2, height: 1)
        #expect(half.pixels[0] == 71)
        // A flat image stays flat, shrunk or enlarged: the weights sum to one in fixed point.
        let flat = PixelImage(width: 37, height: 11, channels: 3, value: 201)
        for (w, h) in [(5, 3), (100, 40), (37, 60), (1, 1)] {
            #expect(ImageResampler.resize(flat, width: w, height: h).pixels.allSatisfy { $0 == 201 })
        }
        // The same size is no resampling at all.
        let image = Fixtures.gradient(width: 9, height: 4, channels: 3)
        #expect(ImageResampler.resize(image, width: 9, height: 4) == image)
        // Separable: only the axis that changes is resampled.
        let tall = ImageResampler.resize(image, width: 9, height: 8)
        #expect(tall.width == 9 && tall.height == 8)
        #expect(ImageResampler.Coefficients(inSize: 10, outSize: 3, filter: .bicubic).ksize == Int((2 * 10.0 / 3).rounded(.up)) * 2 + 1)
    }

    @Test func resizeAndCropSizesAreTorchvisions() throws {
        let t = try ImageTransform(.imageNet)
        // Shorter side 256, longer int(256 * long / short).
        #expect(t.resizedSize(width: 500, height: 375) == (341, 256))
        #expect(t.resizedSize(width: 375, height: 500) == (256, 341))
        #expect(t.resizedSize(width: 256, height: 256) == (256, 256))
        #expect(t.resizedSize(width: 1, height: 1000) == (256, 256000))
        // Centre-crop offsets: round((size - crop) / 2) with Python's half-to-even.
        #expect(ImageTransform.centreOffset(256, 224) == 16)
        #expect(ImageTransform.centreOffset(255, 224) == 16)  // 15.5 -> 16
        #expect(ImageTransform.centreOffset(257, 224) == 16)  // 16.5 -> 16
        #expect(ImageTransform.centreOffset(259, 224) == 18)  // 17.5 -> 18
        #expect(ImageTransform.centreOffset(200, 224) == -12)  // padded with zeros first
        #expect(t.sampleShape == [3, 224, 224])
        #expect(ImagePreprocessing.imageNet.resized(to: 96).resize == 110)
        #expect(ImagePreprocessing.imageNet.resized(to: 96).crop == [96, 96])
    }

    @Test func cropPadsWithZerosAndFlipMirrors() {
        let image = PixelImage(width: 2, height: 1, channels: 1, pixels: [5, 6])
        #expect(image.cropped(top: -1, left: -1, width: 4, height: 3).pixels == [0, 0, 0, 0, 0, 5, 6, 0, 0, 0, 0, 0])
        #expect(image.flippedHorizontally().pixels == [6, 5])
        // Colour: gray to RGB copies, RGB to gray is PIL's luma.
        #expect(image.converted(toChannels: 3).pixels == [5, 5, 5, 6, 6, 6])
        let rgb = PixelImage(width: 3, height: 1, channels: 3, pixels: [255, 0, 0, 0, 255, 0, 10, 200, 77])
        #expect(rgb.converted(toChannels: 1).pixels == [76, 150, 129])
    }

    @Test func tensorsAreChannelsFirstAndNormalisedInFloat32() throws {
        let t = try ImageTransform(ImagePreprocessing(resize: nil, crop: [1, 2], mean: [0.5, 0.25, 0], std: [0.5, 0.25, 2]))
        let image = PixelImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 51, 0, 255, 102])
        var out = [Float](repeating: 0, count: 6)
        out.withUnsafeMutableBufferPointer { t.tensor(image, into: $0) }
        let expected: [Float] = [(1 - 0.5) / 0.5, (0 - 0.5) / 0.5, (0 - 0.25) / 0.25, (1 - 0.25) / 0.25, (0.2 - 0) / 2, (0.4 - 0) / 2]
        #expect(zip(out, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(throws: DataError.self) { _ = try ImageTransform(ImagePreprocessing(resize: 0, crop: [4], mean: [0], std: [1])) }
        #expect(throws: DataError.self) { _ = try ImageTransform(ImagePreprocessing(resize: nil, crop: [4], mean: [0, 0], std: [1])) }
        #expect(throws: DataError.self) { _ = try ImageTransform(ImagePreprocessing(resize: nil, crop: [4], color: "cmyk", mean: [0], std: [1])) }
        #expect(throws: DataError.self) { _ = try ImageTransform(ImagePreprocessing(resize: nil, crop: [4], mean: [0], std: [0])) }
        #expect(throws: DataError.self) { _ = try ImageTransform(ImagePreprocessing(resize: nil, crop: [4], interpolation: "nearest", mean: [0], std: [1])) }
    }

    @Test func recipesParseFromText() throws {
        #expect(try ImagePreprocessing(parsing: "imagenet") == .imageNet)
        let g = try ImagePreprocessing(parsing: "imagenet,color=grayscale,mean=0.5,std=0.25")
        #expect(g.color == "grayscale" && g.mean == [0.5] && g.resize == 256)
        let m = try ImagePreprocessing(parsing: "resize=none,crop=28x32,mean=0.1:0.2:0.3,std=1:2:3,interpolation=bicubic")
        #expect(m.resize == nil && m.crop == [28, 32] && m.std == [1, 2, 3] && m.interpolation == "bicubic")
        for bad in ["", "resize=256", "crop=0", "imagenet,mean=a", "imagenet,shape=3", "imagenet,color=cmyk", "crop=2x3x4"] {
            #expect(throws: DataError.self, "\(bad)") { _ = try ImagePreprocessing(parsing: bad) }
        }
    }

    @Test func randomResizedCropDrawsAsTorchvisionDoes() {
        let a = Augmentation()
        var areas: [Double] = []
        var flips = 0
        for index in 0..<2000 {
            var r = Augmentation.random(seed: 7, epoch: 3, index: index)
            let d = a.draw(width: 320, height: 240, random: &r)
            #expect(d.left >= 0 && d.top >= 0 && d.left + d.width <= 320 && d.top + d.height <= 240)
            let ratio = Double(d.width) / Double(d.height)
            areas.append(Double(d.width * d.height) / (320 * 240))
            #expect(ratio > 0.7 && ratio < 1.4)
            if d.flip { flips += 1 }
        }
        #expect(areas.min() ?? 0 >= 0.07 && areas.max() ?? 2 <= 1.0)
        #expect(abs(Double(flips) / 2000 - 0.5) < 0.05)
        // The same seed, epoch and sample give the same draw; another epoch another.
        var r1 = Augmentation.random(seed: 7, epoch: 3, index: 5), r2 = Augmentation.random(seed: 7, epoch: 3, index: 5)
        var r3 = Augmentation.random(seed: 7, epoch: 4, index: 5)
        let d1 = a.draw(width: 320, height: 240, random: &r1)
        #expect(d1 == a.draw(width: 320, height: 240, random: &r2))
        #expect(d1 != a.draw(width: 320, height: 240, random: &r3))
        // Nothing fits a 1000 x 10 strip at ratio 3/4...4/3 and area >= 8%: the fallback is the
        // centre crop at the largest allowed ratio, round(10 * 4/3) = 13 wide.
        var r4 = Augmentation.random(seed: 1, epoch: 0, index: 0)
        let strip = a.draw(width: 1000, height: 10, random: &r4)
        #expect(strip.width == 13 && strip.height == 10 && strip.left == (1000 - 13) / 2 && strip.top == 0)
    }

    @Test func augmentedSamplesAreSeededAndFlipMirrors() throws {
        var t = try ImageTransform(ImagePreprocessing(resize: nil, crop: [8, 8], mean: [0], std: [1]))
        t.augmentation = Augmentation()
        let image = Fixtures.gradient(width: 40, height: 30, channels: 3)
        func sample(_ epoch: Int) -> [Float] {
            var out = [Float](repeating: 0, count: t.sampleCount)
            var r: SeededRandom? = Augmentation.random(seed: 9, epoch: epoch, index: 0)
            out.withUnsafeMutableBufferPointer { t.apply(image, random: &r, into: $0) }
            return out
        }
        #expect(sample(0) == sample(0))
        #expect(sample(0) != sample(1))
        // No generator (evaluation): the plain transform, whatever augmentation is configured.
        var none: SeededRandom?
        var evaluation = [Float](repeating: 0, count: t.sampleCount)
        evaluation.withUnsafeMutableBufferPointer { t.apply(image, random: &none, into: $0) }
        var plain = t
        plain.augmentation = nil
        var expected = [Float](repeating: 0, count: t.sampleCount)
        expected.withUnsafeMutableBufferPointer { plain.apply(image, random: &none, into: $0) }
        #expect(evaluation == expected)
    }
}
