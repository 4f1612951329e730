/// Passes its input on (a shortcut without a downsample, a placeholder after surgery); its
/// gradient is the output's gradient. Costs nothing: no copy either way.
public final class IdentityLayer: NetworkLayer {
    /// An identity.
    public init() {}

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor { x }

    /// See `NetworkLayer.forward(updating:training:)`.
    public func forward(updating x: inout Tensor, training: Bool) {}

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        inputGradient ? gy : nil
    }

    /// See `NetworkLayer.backward(updating:inputGradient:parameterGradients:)`.
    public func backward(updating gradient: inout Tensor, inputGradient: Bool, parameterGradients: Bool) {}
}
