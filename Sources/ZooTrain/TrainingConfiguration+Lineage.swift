import ZooFormat
import ZooModel

extension TrainingConfiguration {
    /// Every hyperparameter as JSON, for the trained version's lineage record.
    public var lineageParameters: [String: JSONValue] {
        var optimizerJSON: [String: JSONValue] = ["name": .string(optimizer.name)]
        switch optimizer {
        case .sgd(let m, let n):
            optimizerJSON["momentum"] = .number(m)
            optimizerJSON["nesterov"] = .bool(n)
        case .adam(let b1, let b2, let e), .adamW(let b1, let b2, let e):
            optimizerJSON["betas"] = .array([.number(b1), .number(b2)])
            optimizerJSON["eps"] = .number(e)
        }
        let scheduleJSON: JSONValue
        switch schedule {
        case .constant: scheduleJSON = .object(["name": .string("constant")])
        case .step(let s, let g): scheduleJSON = .object(["name": .string("step"), "step_size": .number(Double(s)), "gamma": .number(g)])
        case .cosine(let m): scheduleJSON = .object(["name": .string("cosine"), "min_lr": .number(m)])
        case .cosineWarmRestarts(let t0, let tm, let m):
            scheduleJSON = .object(["name": .string("sgdr"), "t_0": .number(Double(t0)), "t_mult": .number(Double(tm)), "min_lr": .number(m)])
        }
        let freezeJSON: JSONValue
        switch freeze {
        case .model: freezeJSON = .string("model")
        case .none: freezeJSON = .string("none")
        case .backbone: freezeJSON = .string("backbone")
        case .layers(let n): freezeJSON = .number(Double(n))
        }
        return [
            "epochs": .number(Double(epochs)), "batch_size": .number(Double(batchSize)), "lr": .number(learningRate),
            "optimizer": .object(optimizerJSON), "schedule": scheduleJSON, "warmup_epochs": .number(warmupEpochs),
            "weight_decay": .number(weightDecay), "label_smoothing": .number(labelSmoothing),
            "clip_norm": clipNorm.map { .number($0) } ?? .null,
            // As a string: a 64-bit seed does not fit a JSON number exactly.
            "seed": .string(String(seed)), "freeze": freezeJSON,
        ]
    }
}
