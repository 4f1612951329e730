import ZooFormat

extension FeatureCacheEvent {
    /// The event as JSON, for `--json` output (never for the lineage: a trained version's
    /// digest does not depend on whether the cache was used).
    public var jsonValue: JSONValue {
        .object([
            "role": .string(role), "status": .string(status.rawValue), "prefix_layers": .number(Double(prefixLayers)),
            "rows": .number(Double(rows)), "feature_shape": .array(featureShape.map { .number(Double($0)) }),
            "bytes": .number(Double(bytes)), "key": key.map { .string($0) } ?? .null, "stored": .bool(stored),
            "note": note.map { .string($0) } ?? .null,
        ])
    }
}
