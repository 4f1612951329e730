/// MobileNetV2's inverted residual blocks at width 1.0, as torchvision's `mobilenetv2.py` and
/// timm's `mobilenetv2_100` (`efficientnet.py`, `_gen_mobilenet_v2`) both build them: a 32-channel
/// stride-2 stem, 17 blocks in 7 stages, a 1x1 conv to 1,280 channels; ReLU6 throughout.
enum MobileNetV2Config {
    /// One inverted residual block.
    struct BlockConfig: Sendable {
        var input: Int
        var output: Int
        var stride: Int
        /// Expansion factor t: the hidden width is `input * expansion` (1: no expanding 1x1 conv).
        var expansion: Int
        /// The 0-based stage (timm's `blocks.S`) and the block's index in it (`blocks.S.B`).
        var stage: Int
        var indexInStage: Int
        /// Residual connection: stride 1 and as many channels out as in.
        var residual: Bool { stride == 1 && input == output }
        var hidden: Int { input * expansion }
    }

    static let stem = 32
    static let last = 1280

    /// torchvision's `inverted_residual_setting`: (t, c, n, s) per stage.
    static let stages: [(t: Int, c: Int, n: Int, s: Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    /// The 17 blocks in forward order.
    static let blocks: [BlockConfig] = {
        var result: [BlockConfig] = []
        var input = stem
        for (stage, s) in stages.enumerated() {
            for i in 0..<s.n {
                result.append(BlockConfig(input: input, output: s.c, stride: i == 0 ? s.s : 1, expansion: s.t,
                                          stage: stage, indexInStage: i))
                input = s.c
            }
        }
        return result
    }()
}
