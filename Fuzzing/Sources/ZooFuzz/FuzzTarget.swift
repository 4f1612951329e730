/// One fuzz target: a name (`ZOO_FUZZ_TARGET`, the corpus folder under `Corpus/`) and what it
/// does with an input. Each target throws inputs at one reader and checks the properties that
/// must hold whatever the input: no crash (the sanitizers watch), refusals as errors, and where
/// there is a second implementation or a printer, agreement with it.
struct FuzzTarget {
    var name: String
    var run: ([UInt8]) -> Void

    /// Every target, in the order `scripts/fuzz.sh` runs them.
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "safetensors_header", run: SafetensorsTargets.header),
        FuzzTarget(name: "safetensors_file", run: SafetensorsTargets.file),
        FuzzTarget(name: "zckpt_index", run: CheckpointTargets.index),
        FuzzTarget(name: "zckpt_file", run: CheckpointTargets.file),
        FuzzTarget(name: "zckpt_chunk", run: ChunkTargets.chunk),
        FuzzTarget(name: "huffman_zlib", run: ChunkTargets.huffmanAgainstZlib),
        FuzzTarget(name: "model_description", run: ModelTargets.description),
        FuzzTarget(name: "layer_spec", run: ModelTargets.layerSpec),
        FuzzTarget(name: "oci_index", run: StoreTargets.index),
        FuzzTarget(name: "oci_manifest", run: StoreTargets.manifest),
        FuzzTarget(name: "csv", run: DataTargets.csv),
        FuzzTarget(name: "pytorch", run: PyTorchTargets.checkpoint),
        FuzzTarget(name: "npy", run: NumpyTargets.npy),
        FuzzTarget(name: "npz", run: NumpyTargets.npz),
        FuzzTarget(name: "image", run: ImageTargets.image),
        FuzzTarget(name: "idx", run: ImageTargets.idx),
    ]
}
