import ZooFormat
import ZooModel

extension EpochMetrics {
    /// This epoch as JSON, for lineage and `--json` output.
    public var jsonValue: JSONValue {
        var o: [String: JSONValue] = [
            "epoch": .number(Double(epoch)), "lr": .number(learningRate), "train_loss": .number(trainLoss),
            "train_accuracy": .number(trainAccuracy), "seconds": .number(seconds), "samples_per_second": .number(samplesPerSecond),
        ]
        o["val_loss"] = validationLoss.map { .number($0) } ?? .null
        o["val_accuracy"] = validationAccuracy.map { .number($0) } ?? .null
        return .object(o)
    }
}
