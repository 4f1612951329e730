/// A runnable layer: forward in training or evaluation mode, and backward.
///
/// `Network` builds these from a model description. Forward keeps what backward needs (the
/// input, masks, normalisation statistics); backward must follow the forward it differentiates.
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
}

extension NetworkLayer {
    /// Parameter-free layers have no trainable tensors.
    public var parameters: [Parameter] { [] }
    /// Parameter-free layers own no tensors.
    public var stateTensors: [(name: String, tensor: Tensor)] { parameters.map { ($0.name, $0.value) } }
}
