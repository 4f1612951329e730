/// The limits the PyTorch checkpoint reader enforces, as formats/pytorch-checkpoints.md §7
/// "Limits" writes them down. Every size read from a file is checked against these (and against
/// the bytes the file really has) before anything is allocated for it.
public enum PyTorchLimits {
    // MARK: Pickle (§3)

    /// Largest pickle read: `data.pkl` in a zip, or all of the legacy container's pickles together (64 MiB).
    public static let maxPickleBytes = 64 << 20
    /// Most values on the pickle stack at once.
    public static let maxStackDepth = 1 << 16
    /// Most MARKs open at once.
    public static let maxMarkDepth = 1 << 10
    /// Most memo entries.
    public static let maxMemoEntries = 1 << 20
    /// Most values one pickle may push (memo reads and DUP included); bounds memory to a small
    /// multiple of the pickle's size.
    public static let maxValues = 1 << 24
    /// Most bytes of one integer (LONG1/LONG4).
    public static let maxIntegerBytes = 1024
    /// Most bytes of a GLOBAL's module or name line.
    public static let maxGlobalNameBytes = 256
    /// Deepest nesting of containers that is walked (dicts, lists, tuples inside each other).
    public static let maxNesting = 100

    // MARK: Tensors (§4)

    /// Most dimensions of one tensor (as `.zckpt` allows).
    public static let maxDimensions = FormatLimits.maxDimensions
    /// Most elements of one tensor or storage (as `.zckpt` allows).
    public static let maxElements = FormatLimits.maxElements
    /// Most storages and tensors in one checkpoint (as `.zckpt` allows tensors).
    public static let maxTensors = FormatLimits.maxTensors
    /// Most bytes the contiguous forms of all *expanded* views may take together (1 GiB): views
    /// with more elements than their storage (a stride of 0, overlapping strides), which a few
    /// bytes of pickle can make terabytes large when gathered.
    public static let maxExpandedBytes: UInt64 = 1 << 30

    // MARK: Zip container (§2.1)

    /// Most entries in a zip archive.
    public static let maxArchiveEntries = 1 << 20
    /// Most bytes all deflate-compressed entries may inflate to, together (1 GiB).
    public static let maxInflatedBytes: UInt64 = 1 << 30
    /// Highest ratio of inflated to compressed size deflate can reach (1032:1, RFC 1951's best
    /// case); an entry that claims more is a decompression bomb.
    public static let maxDeflateRatio: UInt64 = 1032

    // MARK: Sharded index (§6)

    /// Largest `*.index.json` read (64 MiB).
    public static let maxIndexBytes = 64 << 20
    /// Most shard files one index may name.
    public static let maxShards = 1 << 14
}
