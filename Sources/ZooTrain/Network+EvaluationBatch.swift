extension Network {
    /// Samples per batch for evaluation-mode passes (validation, test, prediction, feature
    /// extraction): up to 256, fewer when the activations would not fit `memoryBudget`. An
    /// evaluation forward keeps few activations alive, but inside a block (an inverted residual
    /// expands its input six times, and its nodes' outputs live until the block ends), in a
    /// convolution's im2col buffer and in the allocator's free lists they add up: measured, a
    /// frozen MobileNetV2 at 224 x 224 costs about 52 MB of peak RSS per sample in the batch. So a
    /// sample is reckoned at 32 float32 copies of the widest top-level activation: MobileNetV2 at
    /// 224 x 224 (32 x 112 x 112 after its stem) gets 20 samples; at 96 x 96, 113; a small MLP, 256.
    /// The results do not depend on the batch size: evaluation treats samples independently.
    public func evaluationBatchSize(atLeast minimum: Int = 1, memoryBudget: Int = 1 << 30) -> Int {
        let widest = shapes.map { $0.reduce(1, *) }.max() ?? 1
        let perSample = max(1, widest) * MemoryLayout<Float>.size * 32
        return max(minimum, min(256, max(1, memoryBudget / perSample)))
    }
}
