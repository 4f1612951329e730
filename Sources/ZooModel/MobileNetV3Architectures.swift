/// MobileNetV3-Large and -Small under torchvision's names (`features.N`, `classifier.0..3`) and
/// timm's (`conv_stem`, `bn1`, `blocks.S.B`, `conv_head`, `classifier`), from `MobileNetV3Config`.
/// The networks differ in their heads: torchvision's last conv has a batch norm and its classifier a
/// hidden linear layer; timm pools first, then a 1x1 `conv_head` with bias, hardswish and the classifier.
enum MobileNetV3Architectures {
    static func candidates(_ checkpoint: CheckpointTensors) -> [ArchitectureCandidate] {
        var result: [ArchitectureCandidate] = []
        if checkpoint.has(prefix: "features.1.block.") || checkpoint.shapes["classifier.3.weight"] != nil {
            let classes = checkpoint.classes(weight: "classifier.3.weight")
            for config in [MobileNetV3Config.large, .small] {
                let name = "torchvision.mobilenet_v3_\(config.variant)"
                if let d = torchvision(config, classes: classes) { result.append(ArchitectureCandidate(architecture: name, description: d)) }
            }
        }
        if checkpoint.shapes["conv_head.bias"] != nil || checkpoint.has(prefix: "blocks.0.0.") {
            let classes = checkpoint.classes(weight: "classifier.weight")
            for config in [MobileNetV3Config.large, .small] {
                let name = "timm.mobilenetv3_\(config.variant)_100"
                if let d = timm(config, classes: classes) { result.append(ArchitectureCandidate(architecture: name, description: d)) }
            }
        }
        return result
    }

    /// torchvision's `mobilenet_v3_large()` / `_small()` (BatchNorm eps 0.001, momentum 0.01):
    /// `features.0` (conv, bn, hardswish), one `InvertedResidual` per table row with `block.K`
    /// numbered as torchvision numbers them (expand only when the width changes, `SqueezeExcitation`
    /// with ReLU and hardsigmoid), the last `features.N` (1x1 conv, bn, hardswish); `avgpool`;
    /// `classifier.0` linear, `.1` hardswish, `.2` dropout 0.2, `.3` linear.
    static func torchvision(_ config: MobileNetV3Config, classes: Int) -> ModelDescription? {
        let bn = BatchNormSettings.mobileNetV3
        var a = ArchitectureBuilder()
        a.block("features.0") { b in b.convNormActivation("", .centred(MobileNetV3Config.stem, kernel: 3, stride: 2), bn, .hardswish) }
        for (i, c) in config.blocks.enumerated() {
            a.block("features.\(i + 1)") { b in
                var k = 0
                if c.expanded != c.input {
                    b.convNormActivation("block.0", .centred(c.expanded, kernel: 1), bn, c.activation)
                    k = 1
                }
                let depthwise = b.convNormActivation("block.\(k)", .centred(c.expanded, kernel: c.kernel, stride: c.stride, groups: c.expanded),
                                                     bn, c.activation)
                k += 1
                if c.squeezeExcite {
                    let se = "block.\(k)"
                    b.node("\(se).avgpool", .adaptiveAvgPool2d(Size2d(1)))
                    b.conv("\(se).fc1", .centred(c.squeeze, kernel: 1), bias: true)
                    b.node("\(se).relu", .relu)
                    b.conv("\(se).fc2", .centred(c.expanded, kernel: 1), bias: true)
                    let scale = b.node("\(se).scale", .hardsigmoid)
                    b.node("\(se).mul", .mul, inputs: [depthwise, scale])
                    k += 1
                }
                let projected = b.convNormActivation("block.\(k)", .centred(c.output, kernel: 1), bn, nil)
                if c.residual { b.node("add", .add, inputs: [projected, Block.inputName]) }
            }
        }
        a.block("features.\(config.blocks.count + 1)") { b in b.convNormActivation("", .centred(config.lastConv, kernel: 1), bn, .hardswish) }
        a.op("avgpool", .globalAvgPool)
        a.dense("classifier.0", outFeatures: config.hidden)
        a.op("classifier.1", .hardswish)
        a.op("classifier.2", .dropout(p: 0.2))
        a.dense("classifier.3", outFeatures: classes)
        return a.description(architecture: "torchvision.mobilenet_v3_\(config.variant)", classes: classes)
    }

    /// timm's `mobilenetv3_large_100` / `small_100` (`MobileNetV3`, BatchNorm eps 1e-5, momentum
    /// 0.1): `conv_stem`, `bn1`, `bn1.act` (hardswish); `blocks.0.0` a `DepthwiseSeparableConv`
    /// (`conv_dw`, `bn1`, `se`, `conv_pw`, `bn2`), the rest `InvertedResidual`s (`conv_pw`, `bn1`,
    /// `conv_dw`, `bn2`, `se`, `conv_pwl`, `bn3`), SE as `se.conv_reduce`, ReLU, `se.conv_expand`,
    /// hardsigmoid gate; the last stage a `ConvBnAct` (`conv`, `bn1`); then `global_pool` (to 1x1),
    /// `conv_head` (1x1 with bias), `act2` (hardswish), `flatten`, `classifier` (drop rate 0).
    static func timm(_ config: MobileNetV3Config, classes: Int) -> ModelDescription? {
        let bn = BatchNormSettings.pytorch
        var a = ArchitectureBuilder()
        a.conv("conv_stem", .centred(MobileNetV3Config.stem, kernel: 3, stride: 2))
        a.batchnorm("bn1", bn)
        a.op("bn1.act", .hardswish)
        for c in config.blocks {
            a.block("blocks.\(c.stage).\(c.indexInStage)") { b in
                func squeezeExcite(_ b: inout BlockBuilder) {
                    let x = b.last
                    b.node("se.mean", .adaptiveAvgPool2d(Size2d(1)))
                    b.conv("se.conv_reduce", .centred(c.squeeze, kernel: 1), bias: true)
                    b.node("se.act1", .relu)
                    b.conv("se.conv_expand", .centred(c.expanded, kernel: 1), bias: true)
                    let gate = b.node("se.gate", .hardsigmoid)
                    b.node("se.mul", .mul, inputs: [x, gate])
                }
                let out: String
                if c.stage == 0 {
                    b.convBatchNormAct("conv_dw", "bn1", .centred(c.input, kernel: c.kernel, stride: c.stride, groups: c.input), bn, c.activation)
                    if c.squeezeExcite { squeezeExcite(&b) }
                    out = b.convBatchNormAct("conv_pw", "bn2", .centred(c.output, kernel: 1), bn, nil)
                } else {
                    b.convBatchNormAct("conv_pw", "bn1", .centred(c.expanded, kernel: 1), bn, c.activation)
                    b.convBatchNormAct("conv_dw", "bn2", .centred(c.expanded, kernel: c.kernel, stride: c.stride, groups: c.expanded),
                                       bn, c.activation)
                    if c.squeezeExcite { squeezeExcite(&b) }
                    out = b.convBatchNormAct("conv_pwl", "bn3", .centred(c.output, kernel: 1), bn, nil)
                }
                if c.residual { b.node("add", .add, inputs: [out, Block.inputName]) }
            }
        }
        let lastStage = (config.blocks.last?.stage ?? 0) + 1
        a.block("blocks.\(lastStage).0") { b in b.convBatchNormAct("conv", "bn1", .centred(config.lastConv, kernel: 1), bn, .hardswish) }
        a.op("global_pool", .adaptiveAvgPool2d(Size2d(1)))
        a.conv("conv_head", .centred(config.hidden, kernel: 1), bias: true)
        a.op("act2", .hardswish)
        a.op("flatten", .flatten)
        a.dense("classifier", outFeatures: classes)
        return a.description(architecture: "timm.mobilenetv3_\(config.variant)_100", classes: classes,
                             notes: MobileNetV2Architectures.timmPreprocessingNote)
    }
}
