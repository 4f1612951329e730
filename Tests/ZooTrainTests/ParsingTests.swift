import Testing
import ZooFormat
import ZooModel
@testable import ZooTrain

/// Command-line spellings of hyperparameters, and their lineage record.
struct ParsingTests {
    @Test func schedules() throws {
        #expect(try LearningRateSchedule(parsing: "constant") == .constant)
        #expect(try LearningRateSchedule(parsing: "step:10") == .step(stepSize: 10, gamma: 0.1))
        #expect(try LearningRateSchedule(parsing: "step:5:0.5") == .step(stepSize: 5, gamma: 0.5))
        #expect(try LearningRateSchedule(parsing: "cosine") == .cosine(minimum: 0))
        #expect(try LearningRateSchedule(parsing: "sgdr:10:2") == .cosineWarmRestarts(t0: 10, tMult: 2, minimum: 0))
        for bad in ["", "linear", "step", "step:x", "cosine:1:2", "sgdr:1.5"] {
            #expect(throws: TrainError.self) { _ = try LearningRateSchedule(parsing: bad) }
        }
    }

    @Test func optimizersFreezeAndNormalisation() throws {
        #expect(try OptimizerKind(name: "SGD", momentum: 0.9, nesterov: true) == .sgd(momentum: 0.9, nesterov: true))
        #expect(try OptimizerKind(name: "adamw") == .adamW())
        #expect(throws: TrainError.self) { _ = try OptimizerKind(name: "lion") }
        #expect(try FreezeSpec(parsing: "backbone") == .backbone)
        #expect(try FreezeSpec(parsing: "3") == .layers(3))
        #expect(throws: TrainError.self) { _ = try FreezeSpec(parsing: "-1") }
        #expect(try NormalizationMethod(parsing: "scale:16") == .scale(16))
        #expect(try NormalizationMethod(parsing: "standardize") == .standardize)
        #expect(throws: TrainError.self) { _ = try NormalizationMethod(parsing: "scale:0") }
    }

    @Test func lineageRecordsEveryHyperparameter() {
        var c = TrainingConfiguration()
        c.optimizer = .sgd(momentum: 0.9, nesterov: false)
        c.seed = 12
        let p = c.lineageParameters
        #expect(p["seed"] == .string("12"))
        #expect(p["optimizer"] == .object(["name": .string("sgd"), "momentum": .number(0.9), "nesterov": .bool(false)]))
        #expect(Set(p.keys) == ["epochs", "batch_size", "lr", "optimizer", "schedule", "warmup_epochs", "weight_decay",
                                "label_smoothing", "clip_norm", "seed", "freeze"])
    }
}
