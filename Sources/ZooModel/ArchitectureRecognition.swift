/// Recognises a checkpoint's architecture from its tensor names and shapes alone (no config file),
/// so an imported torchvision or timm CNN gets a runnable description (formats/model-description.md,
/// "Recognised architectures").
///
/// Each family proposes candidates when the names suggest it; a candidate matches when the
/// checkpoint holds exactly the tensors its description names, each with the shape its layer needs
/// (PyTorch's batch-norm `num_batches_tracked` counters may be present too). Strides, paddings and
/// activations cannot be read from shapes: they come from the source's configuration tables once the
/// variant is known by its shapes. A near miss (a missing tensor, a wrong shape) is not recognised,
/// and the closest candidate and its first difference say why.
public enum ArchitectureRecognition {
    /// The candidates of every family the tensor names suggest.
    static func candidates(_ checkpoint: CheckpointTensors) -> [ArchitectureCandidate] {
        ResNetArchitectures.candidates(checkpoint) + MobileNetV2Architectures.candidates(checkpoint)
            + MobileNetV3Architectures.candidates(checkpoint)
    }

    /// The architecture of `tensors` (in checkpoint order), or why it is not recognised.
    public static func recognise(_ tensors: [TensorInfo]) -> ArchitectureMatch {
        let checkpoint = CheckpointTensors(tensors)
        var best: (candidate: ArchitectureCandidate, differences: [String])?
        for candidate in candidates(checkpoint) {
            let differences = candidate.differences(from: checkpoint)
            if differences.isEmpty {
                return .recognised(architecture: candidate.architecture, description: candidate.description)
            }
            if best.map({ differences.count < $0.differences.count }) ?? true { best = (candidate, differences) }
        }
        guard let best, let first = best.differences.first else { return .unknown }
        return .notRecognised(closest: best.candidate.architecture, differences: best.differences.count, first: first)
    }

    /// The description an import without one gets: the recognised architecture's, else the layers
    /// inferred from tensor names (`LayerInference`), which can be sliced and grafted but not run.
    public static func describe(_ tensors: [TensorInfo], metadata: ModelMetadata = ModelMetadata()) -> ModelDescription {
        guard var recognised = recognise(tensors).description else { return LayerInference.infer(tensors, metadata: metadata) }
        recognised.metadata.merge(metadata)
        return recognised
    }
}
