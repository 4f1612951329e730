import ZooModel

/// The one part of a config blob the summary cache keeps: its lineage record. Decoding only this
/// skips building the tensor records and layers of a large config.
struct ConfigLineage: Decodable {
    /// The part of the model description that holds the lineage.
    struct Model: Decodable {
        var lineage: LineageRecord?
    }

    var model: Model
}
