/// What REDUCE, NEWOBJ and BUILD do with the allowed globals: each is implemented here in Swift,
/// the way `torch.load(weights_only=True)` would run it, checking every argument's kind and range.
extension PickleReader {
    private func refuse(_ offset: Int, _ problem: String) -> FormatError {
        fail(offset, problem, kind: .refused, advice: "zoo reads only what a tensor checkpoint needs (formats/pytorch-checkpoints.md, §3.2)")
    }

    /// The items of a tuple value, or nil when it is not a tuple.
    func tupleItems(_ value: PickleValue) -> [PickleValue]? {
        if case .tuple(let t) = value { return objects.tuples[t] }
        return nil
    }

    /// Calls the allowed global `callable` with `args` (REDUCE; NEWOBJ of `Parameter`).
    mutating func call(_ callable: PickleValue, _ args: PickleValue, at offset: Int, depth: Int = 0) throws(FormatError) -> PickleValue {
        guard case .global(let function) = callable else {
            throw refuse(offset, "REDUCE calls \(callable.withArticle), which is not a global on the allow-list")
        }
        guard let a = tupleItems(args) else {
            throw fail(offset, "\(function.qualifiedName) is called with \(args.withArticle), not a tuple of arguments")
        }
        func arguments(_ counts: ClosedRange<Int>) throws(FormatError) {
            guard counts.contains(a.count) else {
                let expected = counts.count == 1 ? "\(counts.lowerBound)" : "\(counts.lowerBound) to \(counts.upperBound)"
                throw fail(offset, "\(function.qualifiedName) is called with \(a.count) arguments; it takes \(expected)")
            }
        }
        switch function {
        case .orderedDict:
            try arguments(0...1)
            let dict = newDict(ordered: true)
            if let first = a.first {
                // OrderedDict(iterable of pairs): a list or tuple of 2-tuples.
                let pairs: [PickleValue]
                switch first {
                case .list(let l): pairs = objects.lists[l]
                case .tuple(let t): pairs = objects.tuples[t]
                default: throw fail(offset, "collections.OrderedDict is called with \(first.withArticle), not a list of pairs")
                }
                var flat: [PickleValue] = []
                for pair in pairs {
                    guard let kv = tupleItems(pair), kv.count == 2 else {
                        throw fail(offset, "collections.OrderedDict is called with an item that is not a (key, value) pair")
                    }
                    flat.append(contentsOf: kv)
                }
                try setItems(flat[...], into: dict, op: .reduce, at: offset)
            }
            return dict
        case .rebuildTensorV2:
            try arguments(6...7)
            return try rebuildTensor(a, at: offset)
        case .rebuildParameter, .rebuildParameterWithState, .parameter:
            try arguments(function == .rebuildParameter ? 3...3 : function == .rebuildParameterWithState ? 4...4 : 1...2)
            guard case .tensor(let t) = a[0] else {
                throw fail(offset, "\(function.qualifiedName) wraps \(a[0].withArticle), not a tensor")
            }
            var tensor = objects.tensors[t]
            tensor.isParameter = true
            tensor.requiresGrad = true
            if a.count > 1 {
                guard case .bool(let requiresGrad) = a[1] else {
                    throw fail(offset, "\(function.qualifiedName)'s requires_grad is \(a[1].withArticle), not a bool")
                }
                tensor.requiresGrad = requiresGrad
            }
            objects.tensors.append(tensor)
            return .tensor(objects.tensors.count - 1)
        case .rebuildFromTypeV2:
            try arguments(4...4)
            guard case .global(let inner) = a[0], [.rebuildTensorV2, .rebuildParameter, .rebuildParameterWithState].contains(inner) else {
                throw refuse(offset, "torch._tensor._rebuild_from_type_v2 rebuilds with \(a[0].kindName); only the tensor rebuild functions are allowed")
            }
            guard case .global(let type) = a[1], type == .tensorClass || type == .parameter else {
                throw refuse(offset, "torch._tensor._rebuild_from_type_v2 makes \(a[1].withArticle); only torch.Tensor and torch.nn.parameter.Parameter are allowed")
            }
            guard depth == 0 else { throw fail(offset, "torch._tensor._rebuild_from_type_v2 is nested in itself") }
            let built = try call(a[0], a[2], at: offset, depth: depth + 1)
            guard case .tensor(let t) = built else { throw fail(offset, "torch._tensor._rebuild_from_type_v2 did not rebuild a tensor") }
            // The state holds Python attributes of the tensor object; they were read under the same
            // rules as everything else and mean nothing for its values.
            if type == .parameter { objects.tensors[t].isParameter = true }
            return built
        case .size:
            try arguments(0...1)
            guard let first = a.first else { return newTuple([]) }
            let dims: [PickleValue]
            switch first {
            case .tuple(let t): dims = objects.tuples[t]
            case .list(let l): dims = objects.lists[l]
            default: throw fail(offset, "torch.Size is called with \(first.withArticle), not a sequence of ints")
            }
            guard dims.allSatisfy({ $0.intValue != nil }) else { throw fail(offset, "torch.Size is called with something other than ints") }
            return newTuple(dims)
        case .device:
            try arguments(1...2)
            guard let type = a[0].stringValue else { throw fail(offset, "torch.device is called with \(a[0].withArticle), not a string") }
            if a.count == 2 {
                if case .none = a[1] { return .device(type) }
                guard let index = a[1].intValue else { throw fail(offset, "torch.device's index is \(a[1].withArticle), not an int") }
                return .device("\(type):\(index)")
            }
            return .device(type)
        case .tensorClass, .storage, .dtype:
            throw refuse(offset, "the pickle calls \(function.qualifiedName), which is never called when a checkpoint is loaded")
        }
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`.
    private mutating func rebuildTensor(_ a: [PickleValue], at offset: Int) throws(FormatError) -> PickleValue {
        let what = "torch._utils._rebuild_tensor_v2"
        guard case .storage(let storage) = a[0] else {
            throw fail(offset, "\(what)'s storage is \(a[0].withArticle), not a storage (persistent id)")
        }
        guard let storageOffset = a[1].intValue, storageOffset >= 0 else {
            throw fail(offset, "\(what)'s storage offset is \(a[1].kindName == "int" ? "negative or too large" : "\(a[1].withArticle)"), not a non-negative int")
        }
        func dims(_ value: PickleValue, _ role: String) throws(FormatError) -> [Int] {
            guard let items = tupleItems(value) else { throw fail(offset, "\(what)'s \(role) is \(value.withArticle), not a tuple") }
            guard items.count <= PyTorchLimits.maxDimensions else {
                throw fail(offset, "\(what)'s \(role) has \(items.count) dimensions, over the limit of \(PyTorchLimits.maxDimensions)", kind: .limitExceeded)
            }
            var out: [Int] = []
            out.reserveCapacity(items.count)
            for item in items {
                guard let n = item.intValue, n >= 0 else {
                    throw fail(offset, "\(what)'s \(role) holds \(item.kindName == "int" ? "a negative or too large int" : "\(item.withArticle)"), not a non-negative int")
                }
                out.append(n)
            }
            return out
        }
        let shape = try dims(a[2], "size")
        let strides = try dims(a[3], "stride")
        guard shape.count == strides.count else {
            throw fail(offset, "\(what) has a size of \(shape.count) dimensions but a stride of \(strides.count)")
        }
        var elements: UInt64 = 1
        for n in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: UInt64(n))
            guard !overflow, product <= PyTorchLimits.maxElements else {
                throw fail(offset, "\(what)'s size \(shape) has more than \(PyTorchLimits.maxElements) elements", kind: .limitExceeded)
            }
            elements = product
        }
        guard case .bool(let requiresGrad) = a[4] else {
            throw fail(offset, "\(what)'s requires_grad is \(a[4].withArticle), not a bool")
        }
        if a.count == 7 {
            switch a[6] {
            case .none: break
            case .dict(let d) where objects.dicts[d].entries.isEmpty: break
            case .dict(let d):
                let keys = objects.dicts[d].entries.map { $0.key.stringValue ?? $0.key.kindName }
                throw FormatError(.invalidArgument, "\(name), byte \(offset): a tensor carries metadata \(keys) (conjugate or negative bits, or Python attributes), which zoo does not apply; save it with tensor.resolve_conj().resolve_neg() first")
            default:
                throw fail(offset, "\(what)'s metadata is \(a[6].withArticle), not a dict")
            }
        }
        objects.tensors.append(PickleTensor(storage: storage, storageOffset: storageOffset, shape: shape, strides: strides,
                                            requiresGrad: requiresGrad, isParameter: false))
        return .tensor(objects.tensors.count - 1)
    }

    /// BUILD: sets an object's state. Only dicts (a state dict's `_metadata`) and tensors whose state
    /// is empty are accepted; anything else would need a class's `__setstate__`.
    mutating func build(on target: PickleValue, state: PickleValue, at offset: Int) throws(FormatError) {
        switch target {
        case .dict(let d):
            switch state {
            case .none: break
            case .dict, .tuple: objects.dicts[d].attributes = state
            default: throw fail(offset, "BUILD sets a dict's state to \(state.withArticle)")
            }
        case .tensor:
            switch state {
            case .none: break
            case .dict(let d) where objects.dicts[d].entries.isEmpty: break
            case .tuple(let t) where objects.tuples[t].isEmpty: break
            default: throw refuse(offset, "BUILD sets state (\(state.kindName)) on a tensor, which only the pre-1.0 tensor layout did")
            }
        default:
            throw refuse(offset, "BUILD sets the state of \(target.withArticle); only dicts and tensors may be built")
        }
    }
}
