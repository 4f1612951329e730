/// A checkpoint's tensors as recognition sees them: in file order, and by name.
struct CheckpointTensors: Sendable {
    let tensors: [TensorInfo]
    let shapes: [String: [Int]]

    init(_ tensors: [TensorInfo]) {
        self.tensors = tensors
        shapes = Dictionary(tensors.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
    }

    /// True when some tensor's name starts with `prefix`.
    func has(prefix: String) -> Bool { tensors.contains { $0.name.hasPrefix(prefix) } }

    /// The output count of the linear classifier whose weight is `weight` (`[classes, features]`),
    /// else ImageNet's 1,000 (the candidate then reports the weight as missing or misshapen).
    func classes(weight: String) -> Int {
        guard let s = shapes[weight], s.count == 2, s[0] > 0, s[0] <= 1 << 24 else { return ImageNetClasses.names.count }
        return s[0]
    }
}
