import ZooModel

/// A model card's `ImagePreprocessing` made executable: torchvision's
/// `Resize(resize)` + `CenterCrop(crop)` + `ToTensor()` + `Normalize(mean, std)` on a PIL image
/// after `convert("RGB")` (or `"L"` for a one-channel model), computed so the result equals
/// torchvision's (formats/data.md, "Preprocessing").
///
/// - Resize: the shorter side becomes `resize`, the longer `int(resize * long / short)` (Python's
///   truncation), resampled as PIL does (`ImageResampler`); no resize when the size already fits.
///   Without `resize` the image is resized straight to the crop size.
/// - Centre crop: top `round((h - crop_h) / 2)`, left likewise, Python's round half to even; a
///   crop larger than the image pads with 0 first, as torchvision does.
/// - Tensor: channels first, `(v / 255 - mean[c]) / std[c]` in Float32, in torch's order.
///
/// With `augmentation`, training samples get torchvision's `RandomResizedCrop(crop)` and
/// `RandomHorizontalFlip()` instead of the resize and centre crop.
public struct ImageTransform: Sendable, Equatable, Hashable {
    /// Target of the shorter side; nil resizes straight to `crop`.
    public var resize: Int?
    /// Output height and width.
    public var cropHeight: Int, cropWidth: Int
    /// Resampling filter.
    public var filter: ResampleFilter
    /// Output channels: 3 (RGB) or 1 (grayscale).
    public var channels: Int
    /// Per-channel mean (after scaling to [0, 1]), `channels` values.
    public var mean: [Float]
    /// Per-channel std, `channels` values.
    public var std: [Float]
    /// Training-time augmentation; nil for none.
    public var augmentation: Augmentation?

    /// The transform a model card's recipe describes. Its sizes, colour and statistics are checked
    /// (they may come from a stored model).
    public init(_ recipe: ImagePreprocessing) throws(DataError) {
        guard recipe.crop.count == 2 || recipe.crop.count == 1, recipe.crop.allSatisfy({ $0 >= 1 && $0 <= 1 << 15 }) else {
            throw DataError(.invalidArgument, "the preprocessing crop \(recipe.crop) must be [height, width] of 1 to 32768 pixels; fix the model card")
        }
        if let r = recipe.resize, !(r >= 1 && r <= 1 << 15) {
            throw DataError(.invalidArgument, "the preprocessing resize \(r) must be from 1 to 32768 pixels; fix the model card")
        }
        let channels: Int
        switch recipe.color.lowercased() {
        case "rgb": channels = 3
        case "grayscale", "gray", "l": channels = 1
        default: throw DataError(.invalidArgument, "the preprocessing color '\(recipe.color)' is neither rgb nor grayscale; fix the model card")
        }
        func perChannel(_ values: [Double], _ name: String) throws(DataError) -> [Float] {
            guard values.count == 1 || values.count == channels else {
                throw DataError(.invalidArgument, "the preprocessing \(name) has \(values.count) values for \(channels) channel(s); give 1 or \(channels)")
            }
            guard values.allSatisfy(\.isFinite) else {
                throw DataError(.invalidArgument, "the preprocessing \(name) has a value that is not finite; fix the model card")
            }
            return values.count == 1 ? [Float](repeating: Float(values[0]), count: channels) : values.map { Float($0) }
        }
        let mean = try perChannel(recipe.mean, "mean")
        let std = try perChannel(recipe.std, "std")
        guard std.allSatisfy({ $0 != 0 }) else {
            throw DataError(.invalidArgument, "the preprocessing std has a 0; fix the model card")
        }
        self.resize = recipe.resize
        self.cropHeight = recipe.crop[0]
        self.cropWidth = recipe.crop.count == 2 ? recipe.crop[1] : recipe.crop[0]
        self.filter = try ResampleFilter(name: recipe.interpolation)
        self.channels = channels
        self.mean = mean
        self.std = std
    }

    /// The transform for a model with an image input (`[C, H, W]`, C 1 or 3) but no recipe:
    /// resize straight to H × W, scale to [0, 1], no mean or std. Nil for other shapes.
    public static func plain(for input: [Int]) -> ImageTransform? {
        guard input.count == 3, input[0] == 1 || input[0] == 3, input[1] >= 1, input[2] >= 1 else { return nil }
        return try? ImageTransform(ImagePreprocessing(resize: nil, crop: [input[1], input[2]],
                                                      color: input[0] == 1 ? "grayscale" : "rgb", mean: [0], std: [1]))
    }

    /// Per-sample shape of the tensors: `[channels, crop height, crop width]`.
    public var sampleShape: [Int] { [channels, cropHeight, cropWidth] }

    /// Values per sample.
    public var sampleCount: Int { channels * cropHeight * cropWidth }

    /// The size `Resize` gives a `width` × `height` image (torchvision's `_compute_resized_output_size`).
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        guard let r = resize else { return (cropWidth, cropHeight) }
        let short = min(width, height), long = max(width, height)
        let newLong = Int(Double(r * long) / Double(short))
        return width <= height ? (r, newLong) : (newLong, r)
    }

    /// The 8-bit image after colour conversion, resize and centre crop (evaluation), or after
    /// the augmentation's random resized crop and flip (with `draw`).
    public func prepare(_ image: PixelImage, draw: Augmentation.Draw? = nil) -> PixelImage {
        let converted = image.converted(toChannels: channels)
        if let d = draw {
            let box = converted.cropped(top: d.top, left: d.left, width: d.width, height: d.height)
            let resized = ImageResampler.resize(box, width: cropWidth, height: cropHeight, filter: filter)
            return d.flip ? resized.flippedHorizontally() : resized
        }
        let size = resizedSize(width: converted.width, height: converted.height)
        let resized = ImageResampler.resize(converted, width: size.width, height: size.height, filter: filter)
        return resized.cropped(top: Self.centreOffset(resized.height, cropHeight), left: Self.centreOffset(resized.width, cropWidth),
                               width: cropWidth, height: cropHeight)
    }

    /// torchvision's centre-crop offset: the padding before a crop larger than the image (as a
    /// negative offset), else `round((size - crop) / 2)` with Python's round half to even.
    static func centreOffset(_ size: Int, _ crop: Int) -> Int {
        if crop > size { return -((crop - size) / 2) }
        return Int((Double(size - crop) / 2).rounded(.toNearestOrEven))
    }

    /// Writes the prepared image as a normalised float tensor, channels first, into `out`
    /// (`sampleCount` values): `(Float(v) / 255 - mean[c]) / std[c]`, as `ToTensor` and `Normalize` compute it.
    public func tensor(_ prepared: PixelImage, into out: UnsafeMutableBufferPointer<Float>) {
        precondition(prepared.width == cropWidth && prepared.height == cropHeight && prepared.channels == channels)
        precondition(out.count >= sampleCount)
        let plane = cropWidth * cropHeight
        prepared.pixels.withUnsafeBufferPointer { src in
            for c in 0..<channels {
                let m = mean[c], s = std[c]
                for p in 0..<plane {
                    out[c * plane + p] = (Float(src[p * channels + c]) / 255 - m) / s
                }
            }
        }
    }

    /// The whole transform of one image into `out`. `random` seeds the augmentation (training);
    /// nil, or no augmentation configured, gives the evaluation transform.
    public func apply(_ image: PixelImage, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) {
        var draw: Augmentation.Draw?
        if let augmentation, var r = random {
            draw = augmentation.draw(width: image.width, height: image.height, random: &r)
            random = r
        }
        tensor(prepare(image, draw: draw), into: out)
    }
}

extension ImageTransform {
    /// A canonical text of every setting that changes a sample (part of a data source's digest).
    public var key: String {
        let stats = (mean + std).map { String($0.bitPattern, radix: 16) }.joined(separator: ",")
        let aug = augmentation.map { "aug=\($0.scale.lowerBound):\($0.scale.upperBound):\($0.ratio.lowerBound):\($0.ratio.upperBound):\($0.horizontalFlip)" } ?? "aug=none"
        return "resize=\(resize.map(String.init) ?? "none") crop=\(cropHeight)x\(cropWidth) filter=\(filter.rawValue) channels=\(channels) stats=\(stats) \(aug)"
    }
}
