/// The resampling filters of PIL's `ImagingResample` (Pillow `src/libImaging/Resample.c`), by the
/// names torchvision's `InterpolationMode` uses. When shrinking, the filter's support is widened
/// by the scale factor, which is the antialiasing torchvision's `Resize` gets on PIL images.
public enum ResampleFilter: String, Sendable, Equatable, CaseIterable {
    /// Box (support 0.5).
    case box
    /// Triangle (support 1): PIL's `BILINEAR`, torchvision's default.
    case bilinear
    /// Hamming-windowed sinc (support 1).
    case hamming
    /// Keys cubic with a = -0.5 (support 2): PIL's `BICUBIC`.
    case bicubic
    /// Lanczos-3 (support 3).
    case lanczos

    /// A filter by its model-card name (`bilinear`, `bicubic`, ...; `antialias` suffixes are not
    /// needed: PIL always antialiases).
    public init(name: String) throws(DataError) {
        guard let f = ResampleFilter(rawValue: name.lowercased()) else {
            throw DataError(.unsupported, "interpolation '\(name)' is not supported; use one of \(ResampleFilter.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = f
    }

    /// Half-width of the filter at scale 1.
    var support: Double {
        switch self {
        case .box: return 0.5
        case .bilinear, .hamming: return 1
        case .bicubic: return 2
        case .lanczos: return 3
        }
    }

    /// The filter's weight at distance `x` (in source pixels at scale 1), as PIL computes it.
    func weight(_ x: Double) -> Double {
        switch self {
        case .box:
            return x > -0.5 && x <= 0.5 ? 1 : 0
        case .bilinear:
            let a = abs(x)
            return a < 1 ? 1 - a : 0
        case .hamming:
            let a = abs(x)
            if a == 0 { return 1 }
            if a >= 1 { return 0 }
            let p = a * Double.pi
            // PIL writes the window's constants as float literals (0.54f, 0.46f).
            return sin(p) / p * (Double(Float(0.54)) + Double(Float(0.46)) * cos(p))
        case .bicubic:
            let a = abs(x), k = -0.5
            if a < 1 { return ((k + 2) * a - (k + 3)) * a * a + 1 }
            if a < 2 { return (((a - 5) * a + 8) * a - 4) * k }
            return 0
        case .lanczos:
            guard -3 <= x && x < 3 else { return 0 }
            return Self.sinc(x) * Self.sinc(x / 3)
        }
    }

    private static func sinc(_ x: Double) -> Double {
        if x == 0 { return 1 }
        let p = x * Double.pi
        return sin(p) / p
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
