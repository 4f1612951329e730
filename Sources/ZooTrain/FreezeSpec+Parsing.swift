import ZooModel

extension FreezeSpec {
    /// `backbone`, `none`, `model` (the description's own spec) or a layer count `K`, as a TrainError
    /// when the text is none of these.
    public init(parsing text: String) throws(TrainError) {
        do {
            self = try FreezeSpec.parse(text)
        } catch {
            throw TrainError(.invalidConfiguration, error.message)
        }
    }
}
