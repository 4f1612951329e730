/// torchvision's ResNet family (`torchvision/models/resnet.py`), whose tensor names timm's ResNets
/// share: ResNet-18/34 (BasicBlock), ResNet-50/101/152 (Bottleneck, stride in the 3x3 conv: v1.5),
/// Wide ResNet-50-2/101-2 and ResNeXt-50 32x4d, ResNeXt-101 32x8d and 64x4d (wider or grouped 3x3).
///
/// Layers: the stem `conv1`, `bn1`, `relu`, `maxpool`; one block per residual block, `layer1.0` ...
/// `layer4.2`; `avgpool` (adaptive average pooling to 1x1 and flatten: `global_avgpool`); `fc`.
enum ResNetArchitectures {
    /// One standard configuration (torchvision's builder arguments).
    struct Config: Sendable {
        var name: String
        var bottleneck: Bool
        var depths: [Int]
        var groups = 1
        var widthPerGroup = 64
    }

    static let configs: [Config] = [
        Config(name: "resnet18", bottleneck: false, depths: [2, 2, 2, 2]),
        Config(name: "resnet34", bottleneck: false, depths: [3, 4, 6, 3]),
        Config(name: "resnet50", bottleneck: true, depths: [3, 4, 6, 3]),
        Config(name: "resnet101", bottleneck: true, depths: [3, 4, 23, 3]),
        Config(name: "resnet152", bottleneck: true, depths: [3, 8, 36, 3]),
        Config(name: "resnext50_32x4d", bottleneck: true, depths: [3, 4, 6, 3], groups: 32, widthPerGroup: 4),
        Config(name: "resnext101_32x8d", bottleneck: true, depths: [3, 4, 23, 3], groups: 32, widthPerGroup: 8),
        Config(name: "resnext101_64x4d", bottleneck: true, depths: [3, 4, 23, 3], groups: 64, widthPerGroup: 4),
        Config(name: "wide_resnet50_2", bottleneck: true, depths: [3, 4, 6, 3], widthPerGroup: 128),
        Config(name: "wide_resnet101_2", bottleneck: true, depths: [3, 4, 23, 3], widthPerGroup: 128),
    ]

    /// Every configuration, when the checkpoint has a ResNet's stem and first block.
    static func candidates(_ checkpoint: CheckpointTensors) -> [ArchitectureCandidate] {
        guard checkpoint.shapes["conv1.weight"] != nil || checkpoint.has(prefix: "layer1.0.") else { return [] }
        let classes = checkpoint.classes(weight: "fc.weight")
        return configs.compactMap { config in
            description(config, classes: classes).map { ArchitectureCandidate(architecture: "torchvision.\(config.name)", description: $0) }
        }
    }

    /// The description of `config` with a `classes`-way `fc`.
    static func description(_ config: Config, classes: Int) -> ModelDescription? {
        let bn = BatchNormSettings.pytorch
        var a = ArchitectureBuilder()
        a.conv("conv1", Conv2dOptions(outChannels: 64, kernel: 7, stride: 2, padding: 3))
        a.batchnorm("bn1", bn)
        a.op("relu", .relu)
        a.op("maxpool", .maxpool2d(Pool2dOptions(kernel: 3, stride: 2, padding: 1)))
        let expansion = config.bottleneck ? 4 : 1
        var inplanes = 64
        for (stage, depth) in config.depths.enumerated() {
            let planes = 64 << stage
            for index in 0..<depth {
                let stride = index == 0 && stage > 0 ? 2 : 1
                let out = planes * expansion
                let downsample = index == 0 && (stride != 1 || inplanes != out)
                a.block("layer\(stage + 1).\(index)") { b in
                    let last: String
                    if config.bottleneck {
                        // int(planes * (base_width / 64)) * groups, exact for every standard width.
                        let width = planes * config.widthPerGroup / 64 * config.groups
                        b.conv("conv1", .centred(width, kernel: 1))
                        b.batchnorm("bn1", bn)
                        b.node("relu1", .relu)
                        b.conv("conv2", .centred(width, kernel: 3, stride: stride, groups: config.groups))
                        b.batchnorm("bn2", bn)
                        b.node("relu2", .relu)
                        b.conv("conv3", .centred(out, kernel: 1))
                        last = b.batchnorm("bn3", bn)
                    } else {
                        b.conv("conv1", .centred(planes, kernel: 3, stride: stride))
                        b.batchnorm("bn1", bn)
                        b.node("relu1", .relu)
                        b.conv("conv2", .centred(planes, kernel: 3))
                        last = b.batchnorm("bn2", bn)
                    }
                    var shortcut = Block.inputName
                    if downsample {
                        b.conv("downsample.0", .centred(out, kernel: 1, stride: stride), input: Block.inputName)
                        shortcut = b.batchnorm("downsample.1", bn)
                    }
                    b.node("add", .add, inputs: [last, shortcut])
                    b.node(config.bottleneck ? "relu3" : "relu2", .relu)
                }
                inplanes = out
            }
        }
        a.op("avgpool", .globalAvgPool)
        a.dense("fc", outFeatures: classes)
        return a.description(architecture: "torchvision.\(config.name)", classes: classes)
    }
}
