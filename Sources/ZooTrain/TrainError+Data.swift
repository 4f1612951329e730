import ZooData

extension TrainError {
    /// A data error as the trainer reports it (kind `invalidData`, the same message).
    public init(_ error: DataError) {
        self.init(.invalidData, error.message)
    }
}
