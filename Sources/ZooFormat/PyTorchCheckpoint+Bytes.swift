/// Reading tensor values: a contiguous tensor is a slice of its storage; any other view (a
/// transpose, a slice with strides, an expanded dimension) is gathered element by element into
/// row-major order, as `tensor.contiguous()` gives it.
extension PyTorchCheckpoint {
    /// Calls `body` with storage `index`'s bytes: a slice of `file` (the bytes `init` read) or the
    /// inflated copy.
    public func withStorageBytes<R>(_ index: Int, file: UnsafeRawBufferPointer,
                                    _ body: (UnsafeRawBufferPointer) throws(FormatError) -> R) throws(FormatError) -> R {
        let storage = storages[index]
        switch storage.data {
        case .file(let range, _):
            guard range.upperBound <= file.count else {
                throw FormatError(.invalidArgument, "storage '\(storage.key)' lies at bytes \(range) but the bytes given are \(file.count) long; pass the bytes the checkpoint was read from")
            }
            return try body(UnsafeRawBufferPointer(rebasing: file[range]))
        case .inflated(let bytes):
            return try bytes.withBytes(body)
        }
    }

    /// Checks storage `index` against its zip entry's CRC-32 (a no-op for legacy and inflated
    /// storages: the legacy container has no checksums, inflated entries were checked when inflated).
    public func verifyStorage(_ index: Int, file: UnsafeRawBufferPointer) throws(FormatError) {
        guard case .file(_, let entry?) = storages[index].data else { return }
        try withStorageBytes(index, file: file) { (raw) throws(FormatError) in try ZipArchive.verify(entry, raw) }
    }

    /// Tensor `index`'s elements in row-major order (always a copy).
    public func contiguousBytes(of index: Int, file: UnsafeRawBufferPointer) throws(FormatError) -> [UInt8] {
        let tensor = tensors[index]
        var out = [UInt8](repeating: 0, count: tensor.byteCount)
        try out.withMutableBytes { (destination) throws(FormatError) in
            try withStorageBytes(tensor.storage, file: file) { (source) throws(FormatError) in
                Self.gather(tensor, from: source, into: destination)
            }
        }
        return out
    }

    /// Calls `body` with tensor `index`'s elements in row-major order: a slice of the storage when
    /// the tensor is contiguous (no copy), else a gathered copy.
    public func withContiguousBytes<R>(of index: Int, file: UnsafeRawBufferPointer,
                                       _ body: (UnsafeRawBufferPointer) throws(FormatError) -> R) throws(FormatError) -> R {
        guard let range = contiguousRange(of: index) else {
            return try contiguousBytes(of: index, file: file).withBytes(body)
        }
        return try withStorageBytes(tensors[index].storage, file: file) { (source) throws(FormatError) in
            try body(UnsafeRawBufferPointer(rebasing: source[range]))
        }
    }

    /// The byte range of a contiguous tensor in its storage, nil for other views. An empty tensor's
    /// range is empty wherever its offset points (PyTorch lets an empty view's offset lie past the
    /// end of its storage, and `checkViews` does not bound it).
    func contiguousRange(of index: Int) -> Range<Int>? {
        let tensor = tensors[index]
        guard tensor.isContiguous else { return nil }
        guard tensor.elementCount > 0 else { return 0..<0 }
        let start = tensor.storageOffset * tensor.dtype.byteWidth
        return start..<(start + tensor.byteCount)
    }

    /// Copies `tensor`'s elements from its storage `source` into `destination` in row-major
    /// order. The view was checked against the storage when the checkpoint was read (`checkViews`),
    /// so every offset computed here lies inside `source`.
    static func gather(_ tensor: Tensor, from source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) {
        let width = tensor.dtype.byteWidth
        guard tensor.elementCount > 0, let src = source.baseAddress, let dst = destination.baseAddress else { return }
        // Drop size-1 dimensions and merge neighbours that are contiguous with each other.
        var dims: [(size: Int, stride: Int)] = []
        for (size, stride) in zip(tensor.shape, tensor.strides) where size != 1 {
            if let last = dims.last, last.stride == stride * size {
                dims[dims.count - 1] = (last.size * size, stride)
            } else {
                dims.append((size, stride))
            }
        }
        guard let inner = dims.popLast() else {
            dst.copyMemory(from: src + tensor.storageOffset * width, byteCount: width)
            return
        }
        let outerCount = dims.reduce(1) { $0 * $1.size }
        var index = [Int](repeating: 0, count: dims.count)
        var base = tensor.storageOffset
        var out = dst
        let runBytes = inner.size * width
        for _ in 0..<outerCount {
            let from = src + base * width
            if inner.stride == 1 {
                out.copyMemory(from: from, byteCount: runBytes)
            } else {
                let step = inner.stride * width
                switch width {
                case 1: copyStrided(UInt8.self, from, step, out, inner.size)
                case 2: copyStrided(UInt16.self, from, step, out, inner.size)
                case 4: copyStrided(UInt32.self, from, step, out, inner.size)
                default: copyStrided(UInt64.self, from, step, out, inner.size)
                }
            }
            out += runBytes
            var d = dims.count - 1
            while d >= 0 {
                index[d] += 1
                base += dims[d].stride
                if index[d] < dims[d].size { break }
                base -= dims[d].stride * dims[d].size
                index[d] = 0
                d -= 1
            }
        }
    }

    @inline(__always)
    private static func copyStrided<T: FixedWidthInteger>(_: T.Type, _ from: UnsafeRawPointer, _ step: Int,
                                                          _ to: UnsafeMutableRawPointer, _ count: Int) {
        var p = from
        for i in 0..<count {
            to.storeBytes(of: p.loadUnaligned(as: T.self), toByteOffset: i * MemoryLayout<T>.size, as: T.self)
            p += step
        }
    }
}
