/// PyTorch's `BatchNorm2d(eps=, momentum=)` as an architecture uses it.
struct BatchNormSettings: Sendable, Equatable {
    var eps: Double
    var momentum: Double
    /// PyTorch's defaults, eps 1e-5 and momentum 0.1 (ResNet, MobileNetV2, timm).
    static let pytorch = BatchNormSettings(eps: 1e-5, momentum: 0.1)
    /// torchvision's MobileNetV3: eps 0.001, momentum 0.01.
    static let mobileNetV3 = BatchNormSettings(eps: 0.001, momentum: 0.01)
}
