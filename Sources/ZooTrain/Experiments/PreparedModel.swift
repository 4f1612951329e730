import ZooModel

/// A runnable model for a target task, made from a pretrained one by slice and graft: its
/// description, every tensor's values, and how many leading layers came from the pretrained network.
public struct PreparedModel: Sendable {
    /// Backbone layers followed by the new head.
    public var description: ModelDescription
    /// Tensor name -> values (backbone tensors as pretrained, head tensors freshly drawn).
    public var tensors: [String: [Float]]
    /// Leading layers taken from the pretrained network (the ones a frozen run does not train).
    public var backboneLayers: Int

    /// A prepared model.
    public init(description: ModelDescription, tensors: [String: [Float]], backboneLayers: Int) {
        self.description = description
        self.tensors = tensors
        self.backboneLayers = backboneLayers
    }

    /// The pretrained network with its last dense layer (and anything after it, such as a softmax)
    /// replaced by a fresh `dense:classes`, drawn with `scheme` from `seed` (ModelSurgery.slice + graft).
    public static func replacingHead(of model: ModelDescription, tensors: [String: [Float]], classes: Int,
                                     scheme: InitScheme = .pytorch, seed: UInt64) throws(TrainError) -> PreparedModel {
        guard let last = model.layers.lastIndex(where: { if case .dense = $0.op { return true } else { return false } }) else {
            throw TrainError(.invalidConfiguration, "the model has no dense layer to replace with a head for \(classes) classes; give a model that ends in a dense classifier")
        }
        return try truncated(model, tensors: tensors, keep: last, classes: classes, scheme: scheme, seed: seed)
    }

    /// The first `keep` layers of the pretrained network (0 keeps none: a linear classifier on the
    /// raw input) with a fresh head: `flatten` when the kept layers end in a feature map, then
    /// `dense:classes`. The description's normalisation metadata is kept.
    public static func truncated(_ model: ModelDescription, tensors: [String: [Float]], keep: Int, classes: Int,
                                 scheme: InitScheme = .pytorch, seed: UInt64) throws(TrainError) -> PreparedModel {
        guard classes >= 1 else { throw TrainError(.invalidConfiguration, "the head needs at least one class, not \(classes)") }
        guard keep >= 0 && keep <= model.layers.count else {
            throw TrainError(.invalidConfiguration, "cannot keep \(keep) layers of a model with \(model.layers.count); use 0...\(model.layers.count)")
        }
        let shapes = try Network.shapes(for: model)
        var head: [LayerSpec] = []
        if shapes[keep].count > 1 { head.append(LayerSpec(.flatten)) }
        head.append(LayerSpec(.dense(outFeatures: classes)))
        do {
            let backbone: ModelDescription
            if keep == 0 {
                backbone = ModelDescription(input: model.input, layers: [], metadata: model.metadata)
                let built = try ModelBuilder.layers(from: head, input: shapes[0], prefix: "head")
                let values = try ModelBuilder.initialize(built.tensors, scheme: scheme, seed: seed)
                var description = backbone
                description.layers = built.layers
                return PreparedModel(description: description, tensors: Dictionary(uniqueKeysWithValues: values.map { ($0.name, $0.values) }),
                                     backboneLayers: 0)
            }
            backbone = try ModelSurgery.slice(model, keep: keep, parent: nil).description
            let graft = try ModelSurgery.graft(backbone, head: head, scheme: scheme, seed: seed, parent: nil)
            var all: [String: [Float]] = [:]
            for name in graft.keptTensors {
                guard let values = tensors[name] else {
                    throw TrainError(.missingTensor, "backbone tensor '\(name)' is not among the pretrained tensors; the description does not match the weights")
                }
                all[name] = values
            }
            for t in graft.newTensors { all[t.name] = t.values }
            return PreparedModel(description: graft.description, tensors: all, backboneLayers: keep)
        } catch let error as ModelError {
            throw TrainError(.invalidConfiguration, "cannot cut the model at layer \(keep): \(error.message)")
        } catch let error as TrainError {
            throw error
        } catch {
            throw TrainError(.invalidConfiguration, "cannot cut the model at layer \(keep): \(error)")
        }
    }

    /// The same architecture with fresh tensors seeded with `seed`: the "from scratch" control.
    /// With `scheme`, drawn as that named scheme draws them (`torchvision` for a recognised
    /// torchvision network); without, PyTorch's default module initialisation from one stream
    /// (`Network.initialTensors(for:seed:)`).
    public func reinitialized(seed: UInt64, scheme: InitScheme? = nil) throws(TrainError) -> PreparedModel {
        let tensors: [String: [Float]]
        if let scheme {
            tensors = try Network.initialTensors(for: description, scheme: scheme, seed: seed)
        } else {
            tensors = try Network.initialTensors(for: description, seed: seed)
        }
        return PreparedModel(description: description, tensors: tensors, backboneLayers: backboneLayers)
    }
}
