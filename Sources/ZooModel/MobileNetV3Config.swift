/// MobileNetV3-Large and -Small at width 1.0: torchvision's `_mobilenet_v3_conf` tables (from
/// Tables 1 and 2 of the paper), which timm's `mobilenetv3_large_100`/`small_100` arch defs build
/// identically. Kernel sizes are readable from the tensors; strides, activations and which blocks
/// have squeeze-and-excitation are not, so they come from here once the variant is known.
struct MobileNetV3Config: Sendable {
    /// One inverted residual block (torchvision's `InvertedResidualConfig`).
    struct BlockConfig: Sendable {
        var input: Int
        var kernel: Int
        var expanded: Int
        var output: Int
        var squeezeExcite: Bool
        /// Hardswish ("HS") rather than ReLU ("RE").
        var hardswish: Bool
        var stride: Int
        /// timm's stage and index in it (`blocks.S.B`).
        var stage = 0
        var indexInStage = 0

        var residual: Bool { stride == 1 && input == output }
        /// The squeeze width: `_make_divisible(expanded / 4, 8)` (timm's `round_channels(expanded * 0.25)`).
        var squeeze: Int { MobileNetV3Config.makeDivisible(Double(expanded) / 4) }
        var activation: LayerOp { hardswish ? .hardswish : .relu }
    }

    /// `large` or `small`, as in torchvision's `mobilenet_v3_large` and timm's `mobilenetv3_large_100`.
    var variant: String
    var blocks: [BlockConfig]
    /// The last conv's width (6 x the last block's output).
    var lastConv: Int
    /// The classifier's hidden width (torchvision's `last_channel`, timm's `num_features`).
    var hidden: Int
    static let stem = 16

    static let large = MobileNetV3Config(variant: "large", blocks: numbered([
        (16, 3, 16, 16, false, false, 1),
        (16, 3, 64, 24, false, false, 2), (24, 3, 72, 24, false, false, 1),
        (24, 5, 72, 40, true, false, 2), (40, 5, 120, 40, true, false, 1), (40, 5, 120, 40, true, false, 1),
        (40, 3, 240, 80, false, true, 2), (80, 3, 200, 80, false, true, 1), (80, 3, 184, 80, false, true, 1),
        (80, 3, 184, 80, false, true, 1),
        (80, 3, 480, 112, true, true, 1), (112, 3, 672, 112, true, true, 1),
        (112, 5, 672, 160, true, true, 2), (160, 5, 960, 160, true, true, 1), (160, 5, 960, 160, true, true, 1),
    ], stages: [1, 2, 3, 4, 2, 3]), lastConv: 960, hidden: 1280)

    static let small = MobileNetV3Config(variant: "small", blocks: numbered([
        (16, 3, 16, 16, true, false, 2),
        (16, 3, 72, 24, false, false, 2), (24, 3, 88, 24, false, false, 1),
        (24, 5, 96, 40, true, true, 2), (40, 5, 240, 40, true, true, 1), (40, 5, 240, 40, true, true, 1),
        (40, 5, 120, 48, true, true, 1), (48, 5, 144, 48, true, true, 1),
        (48, 5, 288, 96, true, true, 2), (96, 5, 576, 96, true, true, 1), (96, 5, 576, 96, true, true, 1),
    ], stages: [1, 2, 3, 2, 3]), lastConv: 576, hidden: 1024)

    /// Rows (input, kernel, expanded, output, SE, hardswish, stride) with timm's stage sizes.
    private static func numbered(_ rows: [(Int, Int, Int, Int, Bool, Bool, Int)], stages: [Int]) -> [BlockConfig] {
        var result: [BlockConfig] = []
        var stage = 0, index = 0
        for r in rows {
            if index == stages[stage] { stage += 1; index = 0 }
            result.append(BlockConfig(input: r.0, kernel: r.1, expanded: r.2, output: r.3, squeezeExcite: r.4, hardswish: r.5,
                                      stride: r.6, stage: stage, indexInStage: index))
            index += 1
        }
        return result
    }

    /// torchvision's and timm's `_make_divisible(v, 8)`: the nearest multiple of 8, at least 8, and
    /// not more than 10% below `v`.
    static func makeDivisible(_ v: Double, _ divisor: Int = 8) -> Int {
        var result = max(divisor, Int(v + Double(divisor) / 2) / divisor * divisor)
        if Double(result) < 0.9 * v { result += divisor }
        return result
    }
}
