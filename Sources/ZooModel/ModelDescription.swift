import ZooFormat

/// A model's description: layers in order, metadata, lineage and freeze spec. Stored in a
/// `.zckpt` index (`model`) and as a store manifest's config blob.
public struct ModelDescription: Sendable, Equatable {
    /// The schema this description needs (formats/model-description.md): 1 when every layer is
    /// one schema 1 can express, else 2. Written into the JSON, so a schema 1 model keeps its bytes
    /// and digest, and an older zoo refuses a description it could not run correctly.
    public var schema: Int { layers.allSatisfy(\.op.isSchema1) ? 1 : 2 }
    /// Input shape without the batch dimension (`[64]`, `[1, 8, 8]`); nil when unknown.
    public var input: [Int]?
    public var layers: [Layer]
    public var metadata: ModelMetadata
    /// How this version came to be; nil for a model with no recorded history.
    public var lineage: LineageRecord?
    /// The number of leading layers that do not train (0: everything trains).
    public var frozenLayers: Int

    public init(input: [Int]? = nil, layers: [Layer], metadata: ModelMetadata = ModelMetadata(),
                lineage: LineageRecord? = nil, frozenLayers: Int = 0) {
        self.input = input
        self.layers = layers
        self.metadata = metadata
        self.lineage = lineage
        self.frozenLayers = frozenLayers
    }
}

/// What a person needs to use a model correctly.
public struct ModelMetadata: Codable, Sendable, Equatable, Hashable {
    /// For example `classification`.
    public var task: String?
    /// Class names, in logit order.
    public var labels: [String]?
    /// How raw input features are normalised before the first layer.
    public var normalization: Normalization?
    /// How an image becomes the input tensor (image models); nil for tabular input.
    public var preprocessing: ImagePreprocessing?
    /// The recognised architecture, e.g. `torchvision.resnet50` or `torchvision.mobilenet_v2`; nil when not recognised.
    public var architecture: String?
    public var license: String?
    /// Where the weights came from (a URL, a recipe, a file name).
    public var source: String?
    public var notes: String?
    /// Anything else, such as a carried Hugging Face `config.json` under `hf_config`.
    public var extra: [String: JSONValue]?

    public init(task: String? = nil, labels: [String]? = nil, normalization: Normalization? = nil,
                preprocessing: ImagePreprocessing? = nil, architecture: String? = nil,
                license: String? = nil, source: String? = nil, notes: String? = nil,
                extra: [String: JSONValue]? = nil) {
        self.task = task
        self.labels = labels
        self.normalization = normalization
        self.preprocessing = preprocessing
        self.architecture = architecture
        self.license = license
        self.source = source
        self.notes = notes
        self.extra = extra
    }
}

/// Input normalisation: `x' = (x - mean) / std`, per feature or one value for all.
public struct Normalization: Codable, Sendable, Equatable, Hashable {
    public var mean: [Double]
    public var std: [Double]
    public init(mean: [Double], std: [Double]) { self.mean = mean; self.std = std }
}

/// One step of lineage: the parent version, the operation that made this one, and its parameters.
public struct LineageRecord: Codable, Sendable, Equatable, Hashable {
    /// Digest (`sha256:<hex>`) of the parent's manifest; nil for imports and fresh models.
    public var parent: String?
    /// `import`, `create`, `slice`, `graft`, `train`, ...
    public var operation: String
    public var parameters: [String: JSONValue]
    /// ISO 8601 time of the operation.
    public var created: String?

    public init(parent: String?, operation: String, parameters: [String: JSONValue] = [:], created: String? = nil) {
        self.parent = parent
        self.operation = operation
        self.parameters = parameters
        self.created = created
    }
}
