/// A global (a module attribute) that a checkpoint's pickle may name: the allow-list of
/// formats/pytorch-checkpoints.md, §3.2. Nothing here is imported or run: each case is a value
/// whose meaning `PickleReader` implements itself, in the spirit of `torch.load(weights_only=True)`.
public enum PickleGlobal: Sendable, Equatable {
    /// `collections.OrderedDict`: called with no arguments, it makes an empty dict.
    case orderedDict
    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])`.
    case rebuildTensorV2
    /// `torch._utils._rebuild_parameter(tensor, requires_grad, hooks)`.
    case rebuildParameter
    /// `torch._utils._rebuild_parameter_with_state(tensor, requires_grad, hooks, state)` (torch 2).
    case rebuildParameterWithState
    /// `torch._tensor._rebuild_from_type_v2(func, type, args, state)`: a tensor of a subclass;
    /// only `torch.Tensor` and `torch.nn.Parameter` are accepted as the type.
    case rebuildFromTypeV2
    /// `torch.nn.parameter.Parameter` (NEWOBJ, or the type of `_rebuild_from_type_v2`).
    case parameter
    /// `torch.Tensor` (the type of `_rebuild_from_type_v2`).
    case tensorClass
    /// `torch.Size(tuple)`: a shape, read as a tuple.
    case size
    /// `torch.device(type[, index])`: where a tensor lived; kept as text.
    case device
    /// A typed storage class (`torch.FloatStorage`) or `torch.UntypedStorage` (bytes); only valid
    /// inside a persistent id.
    case storage(PyTorchDType)
    /// A dtype object (`torch.float32`), as hyper-parameters hold them.
    case dtype(PyTorchDType)

    /// The dotted name a file uses for this global.
    public var qualifiedName: String {
        switch self {
        case .orderedDict: return "collections.OrderedDict"
        case .rebuildTensorV2: return "torch._utils._rebuild_tensor_v2"
        case .rebuildParameter: return "torch._utils._rebuild_parameter"
        case .rebuildParameterWithState: return "torch._utils._rebuild_parameter_with_state"
        case .rebuildFromTypeV2: return "torch._tensor._rebuild_from_type_v2"
        case .parameter: return "torch.nn.parameter.Parameter"
        case .tensorClass: return "torch.Tensor"
        case .size: return "torch.Size"
        case .device: return "torch.device"
        case .storage(let type): return "torch.\(type.storageClass)"
        case .dtype(let type): return "torch.\(type.rawValue)"
        }
    }

    /// Globals that are well known in checkpoints but name something zoo does not read, with why.
    static let knownUnsupported: [String: String] = [
        "torch._utils._rebuild_sparse_tensor": "sparse tensors are not supported; save them dense (tensor.to_dense())",
        "torch._utils._rebuild_sparse_csr_tensor": "sparse tensors are not supported; save them dense (tensor.to_dense())",
        "torch._utils._rebuild_qtensor": "quantized tensors are not supported; dequantize before saving (tensor.dequantize())",
        "torch._utils._rebuild_meta_tensor_no_storage": "meta tensors have no data to read",
        "torch._utils._rebuild_wrapper_subclass": "tensor wrapper subclasses are not supported",
        "torch._utils._rebuild_device_tensor_from_numpy": "tensors saved from numpy arrays are not supported",
        "torch._utils._rebuild_tensor": "the pre-1.0 tensor layout is not supported",
        "torch.serialization._get_layout": "sparse tensor layouts are not supported",
    ]

    /// The global `module.name`, or an error naming it when it is not on the allow-list.
    ///
    /// Resolving is a table lookup: no module is imported and no attribute is read.
    public static func resolve(module: String, name: String) throws(FormatError) -> PickleGlobal {
        let full = "\(module).\(name)"
        switch full {
        case "collections.OrderedDict": return .orderedDict
        case "torch._utils._rebuild_tensor_v2": return .rebuildTensorV2
        case "torch._utils._rebuild_parameter": return .rebuildParameter
        case "torch._utils._rebuild_parameter_with_state": return .rebuildParameterWithState
        case "torch._tensor._rebuild_from_type_v2": return .rebuildFromTypeV2
        case "torch.nn.parameter.Parameter": return .parameter
        case "torch.Tensor", "torch._tensor.Tensor": return .tensorClass
        case "torch.Size": return .size
        case "torch.device": return .device
        case "torch.UntypedStorage", "torch.storage.UntypedStorage", "torch.storage._UntypedStorage": return .storage(.uint8)
        default: break
        }
        if module == "torch" || module == "torch.storage" {
            if let type = PyTorchDType.forStorageClass(name) {
                guard type.dtype != nil else {
                    throw FormatError(.invalidArgument, "the checkpoint holds \(type.rawValue) tensors (global \(full)), which zoo cannot store; convert them to a real dtype before saving")
                }
                return .storage(type)
            }
            if module == "torch", let type = PyTorchDType(rawValue: name) { return .dtype(type) }
            // torch's aliases for the same dtypes (torch.float is torch.float32, ...).
            let aliases: [String: PyTorchDType] = ["float": .float32, "double": .float64, "half": .float16,
                                                   "long": .int64, "int": .int32, "short": .int16, "cfloat": .complex64, "cdouble": .complex128]
            if module == "torch", let type = aliases[name] { return .dtype(type) }
        }
        if let why = knownUnsupported[full] {
            throw FormatError(.invalidArgument, "the pickle names global \(full): \(why)")
        }
        throw FormatError(.refused, "the pickle names global \(full), which is not on zoo's allow-list of what a tensor checkpoint needs (formats/pytorch-checkpoints.md, §3.2); zoo never imports or runs code from a checkpoint. If you trust the file, load it with torch.load and save its state_dict() with torch.save or safetensors")
    }
}
