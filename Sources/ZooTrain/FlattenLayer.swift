/// `[N, ...] -> [N, product of the rest]`; a reshape, so backward reshapes back.
public final class FlattenLayer: NetworkLayer {
    private var inputShape: [Int] = []

    /// A flatten.
    public init() {}

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        inputShape = x.shape
        return x.reshaped([x.shape[0], x.count / max(1, x.shape[0])])
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        inputGradient ? gy.reshaped(inputShape) : nil
    }
}
