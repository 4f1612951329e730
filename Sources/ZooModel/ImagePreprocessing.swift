/// How an image becomes the model's input tensor (the model card's `preprocessing`): what
/// torchvision's `Resize`, `CenterCrop`, `ToTensor` and `Normalize` do, in that order.
///
/// `ZooData` applies it for `train`, `evaluate` and `predict`; `slice` and `graft` carry it forward.
/// Mean and std are per channel and apply after scaling to [0, 1], unlike `ModelMetadata.normalization`
/// (per feature, for tabular input).
public struct ImagePreprocessing: Codable, Sendable, Equatable, Hashable {
    /// Resize so the shorter side has this many pixels, keeping the aspect ratio (torchvision
    /// `Resize(int)`); nil resizes straight to `crop`.
    public var resize: Int?
    /// Centre crop to `[height, width]` after the resize (torchvision `CenterCrop`).
    public var crop: [Int]
    /// Resampling filter: `bilinear` (antialiased when shrinking, as PIL and torchvision on PIL images do).
    public var interpolation: String
    /// `rgb` or `grayscale`: the channels the first layer expects; other images are converted.
    public var color: String
    /// Per-channel mean subtracted after scaling pixel values to [0, 1].
    public var mean: [Double]
    /// Per-channel divisor applied after the mean.
    public var std: [Double]

    /// A preprocessing recipe.
    public init(resize: Int?, crop: [Int], interpolation: String = "bilinear", color: String = "rgb",
                mean: [Double], std: [Double]) {
        self.resize = resize
        self.crop = crop
        self.interpolation = interpolation
        self.color = color
        self.mean = mean
        self.std = std
    }

    /// torchvision's ImageNet evaluation recipe: shorter side to 256, centre crop 224, RGB,
    /// mean `[0.485, 0.456, 0.406]`, std `[0.229, 0.224, 0.225]`.
    public static let imageNet = ImagePreprocessing(
        resize: 256, crop: [224, 224], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
}
