/// A runnable layer: forward in training or evaluation mode, and backward.
///
/// `Network` builds these from a model description. Forward keeps what backward needs (the
/// input, masks, normalisation statistics); backward must follow the forward it differentiates.
///
/// The `updating` forms let a layer work in its argument's storage: `Tensor` is a copy-on-write
/// `[Float]`, so when the caller holds the only reference, an elementwise layer writes its result
/// over its input without allocating or copying; when something else still holds the input (a
/// layer that saved it, a residual branch), the first write copies it, so the saved value stays
/// intact. `Network` and `BlockLayer` call the `updating` forms and hand over their reference.
public protocol NetworkLayer: AnyObject {
    /// The tensors the optimizer updates; empty for parameter-free ops.
    var parameters: [Parameter] { get }
    /// Every tensor the layer owns, by checkpoint name, including buffers such as running statistics.
    var stateTensors: [(name: String, tensor: Tensor)] { get }
    /// The output for a batch (first dimension is the batch).
    func forward(_ input: Tensor, training: Bool) -> Tensor
    /// Given dL/d(output) of the last forward, stores the parameters' gradients (when
    /// `parameterGradients`) and returns dL/d(input) (when `inputGradient`, else nil).
    func backward(_ gradOutput: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor?
    /// Replaces `x` (a batch) by the layer's output, in place where the layer can.
    func forward(updating x: inout Tensor, training: Bool)
    /// Replaces `gradient` (dL/d(output) of the last forward) by dL/d(input), storing the
    /// parameters' gradients when `parameterGradients`. With `inputGradient` false the input
    /// gradient is not computed and `gradient` is left unspecified.
    func backward(updating gradient: inout Tensor, inputGradient: Bool, parameterGradients: Bool)
    /// Drops what the last forward kept for backward (its input or output, masks), so a layer that
    /// backward will not reach (below a frozen cut) does not hold an activation until the next
    /// batch. A backward after this is not defined.
    func releaseSaved()
    /// `forward(updating:training:)` for a pass backward will not follow (inference, layers below
    /// a frozen cut): keeps nothing for backward once it returns, so an eval-mode network holds
    /// only its weights and the activations in flight. A block drops each node's saved values
    /// as soon as that node has run.
    func forwardWithoutSaving(updating x: inout Tensor, training: Bool)
}

extension NetworkLayer {
    /// Parameter-free layers have no trainable tensors.
    public var parameters: [Parameter] { [] }
    /// Parameter-free layers own no tensors.
    public var stateTensors: [(name: String, tensor: Tensor)] { parameters.map { ($0.name, $0.value) } }

    /// Layers without an in-place form compute a new output.
    public func forward(updating x: inout Tensor, training: Bool) {
        x = forward(x, training: training)
    }

    /// Layers that keep nothing large for backward have nothing to drop.
    public func releaseSaved() {}

    /// A layer's forward, then drops what it kept (before the next layer runs, so an in-place
    /// next layer holds the only reference and writes without a copy).
    public func forwardWithoutSaving(updating x: inout Tensor, training: Bool) {
        forward(updating: &x, training: training)
        releaseSaved()
    }

    /// Layers without an in-place form compute a new gradient.
    public func backward(updating gradient: inout Tensor, inputGradient: Bool, parameterGradients: Bool) {
        if let g = backward(gradient, inputGradient: inputGradient, parameterGradients: parameterGradients) { gradient = g }
    }
}
