import Foundation

/// Loss functions with their gradients, averaged over the batch as PyTorch's `reduction="mean"`.
public enum Loss {
    /// Softmax cross-entropy of logits `[N, K]` against integer labels, with PyTorch's label
    /// smoothing: the target is `(1 - ε)·onehot + ε/K`, so the loss is
    /// `(1 - ε)·(-log p_y) + ε·mean_k(-log p_k)`.
    ///
    /// Returns the mean loss, dL/d(logits) and the number of rows whose arg-max is the label.
    public static func softmaxCrossEntropy(logits: Tensor, labels: [Int], labelSmoothing: Double = 0)
        -> (loss: Double, gradient: Tensor, correct: Int) {
        let k = logits.shape.last ?? 1
        let n = labels.count
        var grad = logits
        var total = 0.0
        var correct = 0
        let eps = labelSmoothing
        grad.data.withUnsafeMutableBufferPointer { p in
            for r in 0..<n {
                let row = p.baseAddress! + r * k
                var best = 0
                var m = -Float.infinity
                for j in 0..<k where row[j] > m { m = row[j]; best = j }
                if best == labels[r] { correct += 1 }
                var s = 0.0
                for j in 0..<k { s += exp(Double(row[j] - m)) }
                let logZ = Double(m) + log(s)
                var sumNegLog = 0.0
                for j in 0..<k { sumNegLog += logZ - Double(row[j]) }
                total += (1 - eps) * (logZ - Double(row[labels[r]])) + eps * sumNegLog / Double(k)
                for j in 0..<k {
                    let prob = exp(Double(row[j]) - logZ)
                    let target = (j == labels[r] ? 1 - eps : 0) + eps / Double(k)
                    row[j] = Float((prob - target) / Double(n))
                }
            }
        }
        return (total / Double(max(1, n)), grad, correct)
    }

    /// Mean squared error over all elements, as PyTorch's `MSELoss()`.
    public static func meanSquaredError(prediction: Tensor, target: Tensor) -> (loss: Double, gradient: Tensor) {
        precondition(prediction.count == target.count, "MSE needs prediction and target of the same size")
        var grad = prediction
        var total = 0.0
        let scale = 2 / Float(max(1, prediction.count))
        for i in 0..<prediction.count {
            let d = prediction.data[i] - target.data[i]
            total += Double(d) * Double(d)
            grad.data[i] = scale * d
        }
        return (total / Double(max(1, prediction.count)), grad)
    }
}
