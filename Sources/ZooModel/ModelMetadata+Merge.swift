extension ModelMetadata {
    /// Fills what `other` sets over this metadata (values in `other` win; `extra` merged by key).
    public mutating func merge(_ other: ModelMetadata) {
        task = other.task ?? task
        labels = other.labels ?? labels
        normalization = other.normalization ?? normalization
        preprocessing = other.preprocessing ?? preprocessing
        architecture = other.architecture ?? architecture
        license = other.license ?? license
        source = other.source ?? source
        notes = other.notes ?? notes
        if let e = other.extra { extra = (extra ?? [:]).merging(e) { _, new in new } }
    }
}
