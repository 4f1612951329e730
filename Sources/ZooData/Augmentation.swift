import ZooModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Training-time augmentation: torchvision's `RandomResizedCrop(size, scale, ratio)` followed by
/// `RandomHorizontalFlip(0.5)`, replacing the resize and centre crop of evaluation.
///
/// The draws for one sample come from a `SeededRandom` seeded by (run seed, epoch, sample index),
/// so a sample's augmentation is the same whichever thread decodes it and in whatever order.
public struct Augmentation: Sendable, Equatable, Hashable {
    /// Range of the crop's area as a fraction of the image's (torchvision's default (0.08, 1)).
    public var scale: ClosedRange<Double> = 0.08...1
    /// Range of the crop's aspect ratio w/h, drawn log-uniformly (default (3/4, 4/3)).
    public var ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3)
    /// Whether to mirror half of the samples left to right.
    public var horizontalFlip = true

    /// torchvision's defaults.
    public init() {}

    /// One sample's crop box and flip.
    public struct Draw: Sendable, Equatable {
        /// Top row of the crop in the source image.
        public var top: Int
        /// Left column of the crop.
        public var left: Int
        /// Crop height in source pixels.
        public var height: Int
        /// Crop width in source pixels.
        public var width: Int
        /// Mirror after resizing.
        public var flip: Bool
    }

    /// The generator for one sample of one epoch of a run.
    public static func random(seed: UInt64, epoch: Int, index: Int) -> SeededRandom {
        var z = seed ^ 0xA06_0E47_A710_0000
        z = z &+ UInt64(truncatingIfNeeded: epoch) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 31)) &* 0xBF58_476D_1CE4_E5B9
        z = z &+ UInt64(truncatingIfNeeded: index) &* 0xD6E8_FEB8_6659_FD93
        return SeededRandom(seed: z ^ (z >> 29))
    }

    /// torchvision's `RandomResizedCrop.get_params`: ten tries at a box of random area and aspect
    /// ratio that fits, else the centre crop at the nearest allowed ratio; then the flip.
    public func draw(width: Int, height: Int, random: inout SeededRandom) -> Draw {
        let area = Double(width * height)
        let logLow = log(ratio.lowerBound), logHigh = log(ratio.upperBound)
        for _ in 0..<10 {
            let target = area * random.uniform(scale.lowerBound, scale.upperBound)
            let aspect = exp(random.uniform(logLow, logHigh))
            let w = Int((target * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((target / aspect).squareRoot().rounded(.toNearestOrEven))
            if w > 0 && w <= width && h > 0 && h <= height {
                let top = Self.index(below: height - h + 1, &random)
                let left = Self.index(below: width - w + 1, &random)
                return Draw(top: top, left: left, height: h, width: w, flip: flip(&random))
            }
        }
        let inRatio = Double(width) / Double(height)
        var w = width, h = height
        if inRatio < ratio.lowerBound {
            h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > ratio.upperBound {
            w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        w = max(1, w)
        h = max(1, h)
        return Draw(top: (height - h) / 2, left: (width - w) / 2, height: h, width: w, flip: flip(&random))
    }

    /// A uniform integer in `0..<bound` (the high half of a 64 × 64-bit product, no modulo bias to speak of).
    private static func index(below bound: Int, _ random: inout SeededRandom) -> Int {
        Int(random.next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    private func flip(_ random: inout SeededRandom) -> Bool {
        horizontalFlip && random.unit() < 0.5
    }
}
