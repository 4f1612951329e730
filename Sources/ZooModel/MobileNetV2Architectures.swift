/// MobileNetV2 under torchvision's names (`features.0` ... `features.18`, `classifier.1`) and under
/// timm's (`conv_stem`, `bn1`, `blocks.S.B`, `conv_head`, `bn2`, `classifier`); the network is the same
/// (`MobileNetV2Config`), BatchNorm eps 1e-5 and momentum 0.1 in both.
enum MobileNetV2Architectures {
    static func candidates(_ checkpoint: CheckpointTensors) -> [ArchitectureCandidate] {
        var result: [ArchitectureCandidate] = []
        if checkpoint.has(prefix: "features.1.conv.") || checkpoint.shapes["features.18.0.weight"] != nil {
            let classes = checkpoint.classes(weight: "classifier.1.weight")
            if let d = torchvision(classes: classes) { result.append(ArchitectureCandidate(architecture: "torchvision.mobilenet_v2", description: d)) }
        }
        if checkpoint.shapes["conv_stem.weight"] != nil || checkpoint.has(prefix: "blocks.0.0.") {
            let classes = checkpoint.classes(weight: "classifier.weight")
            if let d = timm(classes: classes) { result.append(ArchitectureCandidate(architecture: "timm.mobilenetv2_100", description: d)) }
        }
        return result
    }

    /// torchvision's `mobilenet_v2()`: `features.0` (conv, bn, ReLU6), the 17 `InvertedResidual`s
    /// (`conv.0` expand, `conv.1` depthwise, `conv.2` project, `conv.3` bn; without the expand for
    /// t = 1), `features.18` (1x1 conv to 1,280, bn, ReLU6); then `forward`'s adaptive average
    /// pooling and flatten (`avgpool`), `classifier.0` dropout 0.2, `classifier.1` linear.
    static func torchvision(classes: Int) -> ModelDescription? {
        let bn = BatchNormSettings.pytorch
        var a = ArchitectureBuilder()
        a.block("features.0") { b in b.convNormActivation("", .centred(MobileNetV2Config.stem, kernel: 3, stride: 2), bn, .relu6) }
        for (i, c) in MobileNetV2Config.blocks.enumerated() {
            a.block("features.\(i + 1)") { b in
                var k = 0
                if c.expansion != 1 {
                    b.convNormActivation("conv.0", .centred(c.hidden, kernel: 1), bn, .relu6)
                    k = 1
                }
                b.convNormActivation("conv.\(k)", .centred(c.hidden, kernel: 3, stride: c.stride, groups: c.hidden), bn, .relu6)
                b.conv("conv.\(k + 1)", .centred(c.output, kernel: 1))
                let projected = b.batchnorm("conv.\(k + 2)", bn)
                if c.residual { b.node("add", .add, inputs: [Block.inputName, projected]) }
            }
        }
        a.block("features.\(MobileNetV2Config.blocks.count + 1)") { b in
            b.convNormActivation("", .centred(MobileNetV2Config.last, kernel: 1), bn, .relu6)
        }
        a.op("avgpool", .globalAvgPool)
        a.op("classifier.0", .dropout(p: 0.2))
        a.dense("classifier.1", outFeatures: classes)
        return a.description(architecture: "torchvision.mobilenet_v2", classes: classes)
    }

    /// timm's `mobilenetv2_100` (`EfficientNet`): `conv_stem`, `bn1` and its ReLU6 `bn1.act`; the
    /// blocks `blocks.S.B` (stage 0 a `DepthwiseSeparableConv`: `conv_dw`, `bn1`, `conv_pw`, `bn2`;
    /// the rest `InvertedResidual`s: `conv_pw`, `bn1`, `conv_dw`, `bn2`, `conv_pwl`, `bn3`); `conv_head`,
    /// `bn2`, `bn2.act`; `global_pool` (average and flatten) and `classifier` (timm's default drop
    /// rate is 0, so no dropout).
    static func timm(classes: Int) -> ModelDescription? {
        let bn = BatchNormSettings.pytorch
        var a = ArchitectureBuilder()
        a.conv("conv_stem", .centred(MobileNetV2Config.stem, kernel: 3, stride: 2))
        a.batchnorm("bn1", bn)
        a.op("bn1.act", .relu6)
        for c in MobileNetV2Config.blocks {
            a.block("blocks.\(c.stage).\(c.indexInStage)") { b in
                let out: String
                if c.expansion == 1 {
                    b.convBatchNormAct("conv_dw", "bn1", .centred(c.input, kernel: 3, stride: c.stride, groups: c.input), bn, .relu6)
                    out = b.convBatchNormAct("conv_pw", "bn2", .centred(c.output, kernel: 1), bn, nil)
                } else {
                    b.convBatchNormAct("conv_pw", "bn1", .centred(c.hidden, kernel: 1), bn, .relu6)
                    b.convBatchNormAct("conv_dw", "bn2", .centred(c.hidden, kernel: 3, stride: c.stride, groups: c.hidden), bn, .relu6)
                    out = b.convBatchNormAct("conv_pwl", "bn3", .centred(c.output, kernel: 1), bn, nil)
                }
                if c.residual { b.node("add", .add, inputs: [out, Block.inputName]) }
            }
        }
        a.conv("conv_head", .centred(MobileNetV2Config.last, kernel: 1))
        a.batchnorm("bn2", bn)
        a.op("bn2.act", .relu6)
        a.op("global_pool", .globalAvgPool)
        a.dense("classifier", outFeatures: classes)
        return a.description(architecture: "timm.mobilenetv2_100", classes: classes,
                             notes: timmPreprocessingNote)
    }

    /// timm's pretrained configurations differ from torchvision's evaluation transform in ways the
    /// tensors cannot tell (the tag chosen at download).
    static let timmPreprocessingNote = "preprocessing recorded as torchvision's ImageNet recipe; timm's pretrained tags for this model may resize with bicubic interpolation or use other mean/std (see the weights' pretrained_cfg)"
}
