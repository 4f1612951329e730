/// A PyTorch checkpoint (`torch.save`: `.pt`, `.pth`, `.bin`, `.ckpt`) read without running its
/// pickle: formats/pytorch-checkpoints.md is the specification.
///
/// `init(bytes:key:)` is a pure function of the file's bytes (the entry point for fuzzing): it
/// tells the container by content (zip since PyTorch 1.6, or the legacy stream), runs the pickle
/// through `PickleReader`'s allow-list, resolves every storage, checks every tensor's view against
/// its storage, then finds the tensors to import (at the top level, under a well-known key, or
/// under `key`) and lists everything else as `entries`. Tensor bytes are not touched until
/// `withContiguousBytes` or `contiguousBytes` is called.
public struct PyTorchCheckpoint: Sendable {
    /// The two containers `torch.save` writes.
    public enum Container: String, Sendable {
        /// A zip archive: `<prefix>/data.pkl`, `<prefix>/data/<key>`, `version`, `byteorder` (PyTorch 1.6+).
        case zip = "pytorch-zip"
        /// The legacy stream: magic, protocol and system-info pickles, the object pickle, the storage
        /// keys, then each storage's element count and bytes (`_use_new_zipfile_serialization=False`).
        case legacy = "pytorch-legacy"
    }

    /// Where a storage's bytes are.
    public enum StorageData: Sendable {
        /// A range of the file; `entry` is its zip entry (for the CRC-32), nil in the legacy container.
        case file(Range<Int>, entry: ZipEntry?)
        /// Inflated from a deflated zip entry.
        case inflated([UInt8])
    }

    /// One storage: a flat buffer of elements that tensors view.
    public struct Storage: Sendable {
        /// The key the pickle gives it (the zip entry `data/<key>`; a number in the legacy container).
        public var key: String
        /// The element type.
        public var dtype: DType
        /// Number of elements.
        public var elementCount: Int
        /// Where it lived when saved (`cpu`, `cuda:0`); informational.
        public var location: String
        /// Where its bytes are.
        public var data: StorageData
        /// Bytes: `elementCount` × the dtype's width.
        public var byteCount: Int { elementCount * dtype.byteWidth }
    }

    /// One named tensor to import.
    public struct Tensor: Sendable, Equatable {
        /// Its name: the keys leading to it from the tensors' dict, joined with `.`.
        public var name: String
        /// Element type (its storage's).
        public var dtype: DType
        /// Dimensions, outermost first.
        public var shape: [Int]
        /// Steps in elements per dimension, as saved.
        public var strides: [Int]
        /// Offset of its first element in the storage, in elements.
        public var storageOffset: Int
        /// Index into `storages`.
        public var storage: Int
        /// Whether the saved layout is already row-major contiguous (no copy is needed to read it).
        public var isContiguous: Bool
        /// Elements (product of `shape`).
        public var elementCount: Int
        /// Bytes of its contiguous form: `elementCount` × width.
        public var byteCount: Int { elementCount * dtype.byteWidth }
    }

    /// Something in the checkpoint that is not imported: a non-tensor value, or a part of the
    /// checkpoint outside the tensors' dict (epoch, optimizer state).
    public struct Entry: Sendable, Equatable, Encodable {
        /// Keys from the top level, joined with `.`.
        public var path: String
        /// What kind of value (`int`, `str`, `dict`, `list`, `tensor`, ...).
        public var kind: String
        /// A short description for people (`42`, `'1.9.0'`, `3 items, 12 tensors`).
        public var summary: String
    }

    /// Which container the file uses.
    public let container: Container
    /// The zip archive's `version` record (trimmed), or the legacy protocol version (`1001`).
    public let version: String?
    /// Every storage the pickle refers to.
    public let storages: [Storage]
    /// The tensors to import, in the pickle's order.
    public let tensors: [Tensor]
    /// What is not imported (listed by `zoo inspect`).
    public let entries: [Entry]
    /// The key the tensors were found under (`state_dict`, `model`); nil when at the top level.
    public let tensorKey: String?
    /// A prefix removed from every tensor name (`module.` of DataParallel, `model.` of Lightning).
    public let strippedPrefix: String?

    /// Reads a checkpoint from its bytes. `key` picks the dict of tensors (keys joined with `.`);
    /// without it the tensors are found as formats/pytorch-checkpoints.md §5 says.
    public init(bytes: UnsafeRawBufferPointer, key: String? = nil) throws(FormatError) {
        let parsed: Parsed
        if ZipArchive.looksLikeZip(bytes) {
            parsed = try Self.parseZip(bytes)
        } else if bytes.first == PickleOpcode.proto.rawValue {
            parsed = try Self.parseLegacy(bytes)
        } else if bytes.count >= 262, Array(bytes[257..<262]) == Array("ustar".utf8) {
            throw FormatError(.unsupportedVersion, "this is a tar archive: the container of PyTorch before 0.4, which zoo does not read; load it with an old torch and save it again with torch.save")
        } else {
            throw FormatError(.notAFile, "this is not a PyTorch checkpoint: it is neither a zip archive nor a pickle (it starts with \(Self.hexPrefix(bytes)))")
        }
        let views = try Self.checkViews(parsed)
        let layout = try PyTorchCheckpointLayout(parsed: parsed, views: views, key: key)
        container = parsed.container
        version = parsed.version
        storages = parsed.storages
        tensors = layout.tensors
        entries = layout.entries
        tensorKey = layout.key
        strippedPrefix = layout.strippedPrefix
    }

    /// What a container parser hands on: the pickle's root and objects, the storages, and the
    /// storage references the pickle's `.storage(i)` values point at.
    struct Parsed {
        var container: Container
        var version: String?
        var root: PickleValue
        var objects: PickleObjects
        var storages: [Storage]
        var references: [StorageReference]
    }

    /// A persistent id resolved: a storage, or (legacy) a view of part of one.
    struct StorageReference {
        var storage: Int
        var elementOffset: Int
        var elementCount: Int
    }

    /// The first bytes of `bytes` in hex, for "not a checkpoint" messages.
    static func hexPrefix(_ bytes: UnsafeRawBufferPointer) -> String {
        bytes.prefix(8).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(separator: " ")
    }

    /// Checks every tensor in the pickle (imported or not) against its storage: the element at the
    /// largest offset its size and strides reach must lie inside the storage, computed without
    /// overflow; and expanded views together stay under `PyTorchLimits.maxExpandedBytes`. Returns
    /// each tensor's (storage, absolute element offset).
    static func checkViews(_ parsed: Parsed) throws(FormatError) -> [(storage: Int, offset: Int)] {
        var out: [(storage: Int, offset: Int)] = []
        out.reserveCapacity(parsed.objects.tensors.count)
        var expanded: UInt64 = 0
        for tensor in parsed.objects.tensors {
            let reference = parsed.references[tensor.storage]
            let storage = parsed.storages[reference.storage]
            let elements = tensor.shape.reduce(1, *)  // checked against maxElements when built
            let (start, startOverflow) = reference.elementOffset.addingReportingOverflow(tensor.storageOffset)
            guard !startOverflow else { throw viewError(tensor, storage, "its offset overflows") }
            if elements > 0 {
                var last = start
                for (size, stride) in zip(tensor.shape, tensor.strides) {
                    let (step, o1) = (size - 1).multipliedReportingOverflow(by: stride)
                    let (sum, o2) = last.addingReportingOverflow(step)
                    guard !o1, !o2 else { throw viewError(tensor, storage, "its last element's offset overflows") }
                    last = sum
                }
                let (end, o3) = (last - reference.elementOffset).addingReportingOverflow(1)
                guard !o3, end <= reference.elementCount else {
                    throw viewError(tensor, storage, "it reaches element \(last - reference.elementOffset) of a storage of \(reference.elementCount)")
                }
                if elements > reference.elementCount {
                    expanded += UInt64(elements) * UInt64(storage.dtype.byteWidth)
                    guard expanded <= PyTorchLimits.maxExpandedBytes else {
                        throw FormatError(.limitExceeded, "expanded views (more elements than their storage, as x.expand() makes) would take more than \(PyTorchLimits.maxExpandedBytes) bytes once made contiguous; the file is hostile, or save those tensors with .contiguous() first")
                    }
                }
            }
            out.append((reference.storage, start))
        }
        return out
    }

    private static func viewError(_ tensor: PickleTensor, _ storage: Storage, _ problem: String) -> FormatError {
        FormatError(.malformed, "a tensor of size \(tensor.shape), stride \(tensor.strides) and offset \(tensor.storageOffset) does not fit storage '\(storage.key)': \(problem); the file is corrupt")
    }
}
