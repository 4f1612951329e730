import ZooFormat
import ZooModel

/// 8-bit images held in memory (an IDX file of the MNIST family, a `uint8` array in an `.npz`),
/// preprocessed when a batch needs them. With a transform each image is resized and cropped as
/// the model card says; without one, a sample is the image itself, channels first, scaled to [0, 1].
public struct ImageArraySource: DataSource {
    /// Images, each `height × width × channels`, one after another.
    public var pixels: [UInt8]
    /// Image size.
    public var height: Int, width: Int, channels: Int
    /// Class index per image.
    public var labels: [Int]
    /// Whether `labels` are real.
    public var hasLabels: Bool
    /// Class names, when known.
    public var classNames: [String]?
    /// Preprocessing; nil keeps the images as they are (scaled to [0, 1]).
    public var transform: ImageTransform?
    /// What the samples are called in messages (the file).
    public var origin: String

    /// Images from an array of shape `[N, H, W]` (gray), `[N, H, W, C]` or `[N, C, H, W]` (C 1 or 3).
    public init(array: NumpyArray, labels: [Int]?, transform: ImageTransform?, origin: String) throws(DataError) {
        guard array.dtype == .u1 else { throw DataError(.invalidData, "\(origin): images must be uint8, not \(array.dtype.descr)") }
        let s = array.shape
        let n: Int
        switch s.count {
        case 3:
            (n, height, width, channels) = (s[0], s[1], s[2], 1)
            pixels = array.data
        case 4 where s[3] == 1 || s[3] == 3:
            (n, height, width, channels) = (s[0], s[1], s[2], s[3])
            pixels = array.data
        case 4 where s[1] == 1 || s[1] == 3:
            (n, height, width, channels) = (s[0], s[2], s[3], s[1])
            // Channels first to channels last, the layout of decoded images.
            var hwc = [UInt8](repeating: 0, count: array.data.count)
            let plane = height * width
            for i in 0..<n {
                for c in 0..<channels {
                    for p in 0..<plane { hwc[(i * plane + p) * channels + c] = array.data[(i * channels + c) * plane + p] }
                }
            }
            pixels = hwc
        default:
            throw DataError(.invalidData, "\(origin): an array of images must be [N, H, W], [N, H, W, C] or [N, C, H, W] with C 1 or 3, not \(s)")
        }
        guard height >= 1, width >= 1 else { throw DataError(.invalidData, "\(origin): the images are empty (\(s))") }
        if let labels, labels.count != n {
            throw DataError(.invalidData, "\(origin): \(n) images but \(labels.count) labels; give one label per image")
        }
        self.labels = labels ?? [Int](repeating: 0, count: n)
        self.hasLabels = labels != nil
        self.transform = transform
        self.origin = origin
    }

    public var count: Int { labels.count }
    public var sampleShape: [Int] { transform?.sampleShape ?? [channels, height, width] }
    public var isInMemory: Bool { transform == nil }
    public var augments: Bool { transform?.augmentation != nil }
    public func name(of index: Int) -> String { "\(origin) image \(index + 1)" }

    /// Image `index` as decoded pixels.
    public func image(_ index: Int) -> PixelImage {
        let size = height * width * channels
        return PixelImage(width: width, height: height, channels: channels, pixels: Array(pixels[(index * size)..<((index + 1) * size)]))
    }

    public func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        if let transform {
            transform.apply(image(index), random: &random, into: out)
            return
        }
        let plane = height * width, base = index * plane * channels
        pixels.withUnsafeBufferPointer { src in
            for c in 0..<channels {
                for p in 0..<plane { out[c * plane + p] = Float(src[base + p * channels + c]) / 255 }
            }
        }
    }

    /// SHA-256 of the pixels, labels and transform.
    public func contentDigest() throws(DataError) -> String {
        var h = SHA256Hasher()
        h.update(Array("image-array v1 \(height)x\(width)x\(channels) labelled=\(hasLabels) classes=\(classNames ?? []) \(transform?.key ?? "raw")\n".utf8))
        pixels.withUnsafeBytes { h.update($0) }
        labels.withUnsafeBytes { h.update($0) }
        return "sha256:" + h.finalizeHex()
    }
}
