extension Conv2dOptions {
    /// A square convolution padded as torchvision's and timm's defaults are, `(kernel - 1) / 2`
    /// on every side: the size is kept at stride 1 and halved (rounded up) at stride 2.
    static func centred(_ out: Int, kernel: Int, stride: Int = 1, groups: Int = 1) -> Conv2dOptions {
        Conv2dOptions(outChannels: out, kernel: kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups)
    }
}
