import Foundation
import Testing
import ZooData
@testable import ZooModel
@testable import ZooTrain

/// The trainer's feature cache (in memory here; the store's is tested in ZooCLITests): training
/// on a frozen prefix's cached outputs gives the same weights, bit for bit, as running the prefix
/// on every batch, and runs the prefix once per data set (not at all the second time).
@Suite struct FeatureCachingTests {
    /// A small CNN: conv, batchnorm (non-trivial running statistics), relu, pool, conv, relu,
    /// global average pool, then a head with dropout. `frozen` leading layers do not train.
    static func network(frozen: Int = 6, seed: UInt64 = 5) throws -> Network {
        let description = Network.sequentialDescription(input: [1, 8, 8], ops: [
            .conv2d(outChannels: 8, kernel: 3, stride: 1, padding: 1), .batchnorm(eps: 1e-5, momentum: 0.1), .relu,
            .maxpool2d(kernel: 2, stride: 2), .conv2d(outChannels: 12, kernel: 3, stride: 1, padding: 1), .relu,
            .globalAvgPool, .dropout(p: 0.25), .dense(outFeatures: 5),
        ])
        var tensors = try Network.initialTensors(for: description, seed: seed)
        tensors["1.running_mean"] = (0..<8).map { Float($0) * 0.05 - 0.2 }
        tensors["1.running_var"] = (0..<8).map { 0.5 + Float($0) * 0.1 }
        return try Network(description: description, tensors: tensors, frozenLayers: frozen, seed: seed)
    }

    /// The digits target task as 1x8x8 images scaled to [0, 1]: (train, validation).
    static func digits() throws -> (Dataset, Dataset) {
        let rows = try ExperimentFixtures.target().train
        let images = Dataset(features: rows.features.map { $0 / 16 }, shape: [1, 8, 8], labels: rows.labels)
        let (t, v) = images.split(validationFraction: 0.25, seed: 9)
        return (t, v)
    }

    static func configuration(epochs: Int = 3) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.epochs = epochs
        c.batchSize = 16
        c.learningRate = 5e-3
        c.schedule = .cosine()
        c.seed = 3
        c.freeze = .model
        return c
    }

    static func bits(_ tensors: [String: [Float]]) -> [String: [UInt32]] { tensors.mapValues { $0.map(\.bitPattern) } }

    static func curve(_ r: TrainingResult) -> [[Double?]] {
        r.history.map { [$0.trainLoss, $0.trainAccuracy, $0.validationLoss, $0.validationAccuracy, $0.learningRate] }
    }

    @Test func cachedTrainingEqualsUncachedBitForBit() throws {
        let (train, val) = try Self.digits()
        let uncached = try Trainer(configuration: Self.configuration()).train(network: try Self.network(), training: train, validation: val)
        let caching = FeatureCaching()
        var trainer = Trainer(configuration: Self.configuration())
        trainer.featureCache = caching
        let made = try trainer.train(network: try Self.network(), training: train, validation: val)
        #expect(Self.bits(made.tensors) == Self.bits(uncached.tensors))
        #expect(Self.curve(made) == Self.curve(uncached))
        // Three epochs of training and validation through the prefix, against one pass each.
        #expect(uncached.backboneForwardSamples == 3 * (train.count + val.count))
        #expect(made.backboneForwardSamples == train.count + val.count)
        #expect(made.featureCache.map(\.status) == [.made, .made])
        #expect(made.featureCache.map(\.role) == ["training", "validation"])
        // The prefix is the 6 frozen layers and the global average pool: 12 values a sample.
        #expect(made.featureCache.allSatisfy { $0.prefixLayers == 7 && $0.featureShape == [12] })

        // Again, another seed for the head's dropout and shuffling: no prefix forward at all.
        var other = Self.configuration()
        other.seed = 11
        var again = Trainer(configuration: other)
        again.featureCache = caching
        let reused = try again.train(network: try Self.network(), training: train, validation: val)
        let reference = try Trainer(configuration: other).train(network: try Self.network(), training: train, validation: val)
        #expect(reused.backboneForwardSamples == 0)
        #expect(reused.featureCache.map(\.status) == [.used, .used])
        #expect(Self.bits(reused.tensors) == Self.bits(reference.tensors))
        #expect(caching.backboneForwardSamples == train.count + val.count)
        // Different weights from the first run: the seeds matter, the cache does not.
        #expect(Self.bits(reused.tensors) != Self.bits(made.tensors))
    }

    /// What the cache rests on: each sample's output of every layer type a prefix may hold
    /// does not depend on the rest of its batch.
    @Test func aRowDoesNotDependOnItsBatch() throws {
        let runnable: [LayerOp] = [
            .conv2d(outChannels: 16, kernel: 3, stride: 2, padding: 1), .batchnorm(eps: 1e-5, momentum: 0.1), .relu,
            .avgpool2d(kernel: 2, stride: 1), .maxpool2d(kernel: 2, stride: 1), .conv2d(outChannels: 24, kernel: 1), .tanh,
            .globalAvgPool, .dense(outFeatures: 40), .layernorm(eps: 1e-5), .gelu, .sigmoid, .dense(outFeatures: 7),
        ]
        // MobileNet's ops, where this build runs them (block networks arrive with the graph work).
        let mobile: [LayerOp] = [
            .conv2d(outChannels: 16, kernel: 3, stride: 2, padding: 1), .batchnorm(eps: 1e-5, momentum: 0.1), .relu6,
            .conv2d(Conv2dOptions(outChannels: 16, kernel: 3, stride: 1, padding: 1, groups: 16)), .hardswish,
            .conv2d(outChannels: 24, kernel: 1), .silu, .adaptiveAvgPool2d(Size2d(2)), .flatten, .dense(outFeatures: 7),
        ]
        var checked = 0
        for ops in [runnable, mobile] {
            let description = Network.sequentialDescription(input: [3, 9, 9], ops: ops)
            let built = Result { () throws(TrainError) -> Network in
                try Network(description: description, tensors: try Network.initialTensors(for: description, seed: 2),
                            frozenLayers: description.layers.count)
            }
            if case .failure(let error) = built, error.kind == .unsupportedLayer, ops == mobile { continue }
            let network = try built.get()
            let n = 37
            let x = separatedInput([n, 3, 9, 9], seed: 4, gap: 0.01)
            let whole = network.forward(x, training: false).data
            #expect(whole.count == n * 7)
            for size in [1, 5, 16] {
                var rows: [Float] = []
                for start in stride(from: 0, to: n, by: size) {
                    let end = min(n, start + size)
                    let part = Tensor(shape: [end - start, 3, 9, 9], data: Array(x.data[(start * 243)..<(end * 243)]))
                    rows += network.forward(part, training: false).data
                }
                #expect(rows.map(\.bitPattern) == whole.map(\.bitPattern), "batches of \(size)")
            }
            checked += 1
        }
        #expect(checked >= 1)
    }

    @Test func thePrefixIsTheFrozenLayersAndFixedFunctionsAfterThem() throws {
        #expect(try Self.network(frozen: 6).featurePrefixLength == 7)   // + global_avgpool, stops at dropout
        #expect(try Self.network(frozen: 3).featurePrefixLength == 4)   // + maxpool, stops at conv
        #expect(try Self.network(frozen: 0).featurePrefixLength == 0)   // nothing frozen: nothing to cache
        #expect(try Self.network(frozen: 8).featurePrefixLength == 8)   // a frozen dropout runs in evaluation mode
        #expect(try Self.network(frozen: 9).featurePrefixLength == 9)
    }

    @Test func thePrefixDigestCoversExactlyThePrefix() throws {
        let a = try Self.network(seed: 5)
        var description = a.modelDescription
        var tensors = a.tensors()
        // A different head (weights and size) keeps the digest.
        description.layers[8] = Layer(name: "head", op: .dense(outFeatures: 3), tensors: ["weight": "h.weight", "bias": "h.bias"])
        tensors["h.weight"] = [Float](repeating: 0.5, count: 36)
        tensors["h.bias"] = [0, 0, 0]
        let b = try Network(description: description, tensors: tensors, frozenLayers: 6)
        #expect(a.featurePrefixDigest(7) == b.featurePrefixDigest(7))
        // Any frozen value, running statistics included, changes it.
        var changed = a.tensors()
        changed["1.running_var"]?[3] += 1e-6
        let c = try Network(description: a.modelDescription, tensors: changed, frozenLayers: 6)
        #expect(a.featurePrefixDigest(7) != c.featurePrefixDigest(7))
        // So does where the prefix ends.
        #expect(a.featurePrefixDigest(7) != a.featurePrefixDigest(6))
    }

    /// A source whose samples change with the augmentation generator, as images under --augment do.
    struct Augmented: DataSource {
        let rows: Dataset
        var count: Int { rows.count }
        var labels: [Int] { rows.labels }
        var hasLabels: Bool { true }
        var classNames: [String]? { nil }
        var sampleShape: [Int] { rows.shape }
        var isInMemory: Bool { true }
        var augments: Bool { true }
        func name(of index: Int) -> String { "row \(index)" }
        func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
            try rows.loadSample(index, random: &random, into: out)
            if var r = random {
                for i in 0..<out.count { out[i] += Float(r.unit()) * 0.1 }
                random = r
            }
        }
        func contentDigest() throws(DataError) -> String { try rows.contentDigest() + "+noise" }
    }

    @Test func augmentedSamplesAreNotCached() throws {
        let (train, val) = try Self.digits()
        var trainer = Trainer(configuration: Self.configuration(epochs: 2))
        trainer.featureCache = FeatureCaching()
        let result = try trainer.train(network: try Self.network(), training: Augmented(rows: train), validation: val)
        let reference = try Trainer(configuration: Self.configuration(epochs: 2)).train(network: try Self.network(),
                                                                                          training: Augmented(rows: train), validation: val)
        #expect(result.featureCache.map(\.status) == [.skipped, .made])
        #expect(result.featureCache.first?.note?.contains("augmented") == true)
        #expect(result.backboneForwardSamples == 2 * train.count + val.count)
        #expect(Self.bits(result.tensors) == Self.bits(reference.tensors))
    }

    /// A source where some samples fail to load, as undecodable files do.
    struct Flaky: DataSource {
        let rows: Dataset
        let bad: Set<Int>
        var count: Int { rows.count }
        var labels: [Int] { rows.labels }
        var hasLabels: Bool { true }
        var classNames: [String]? { nil }
        var sampleShape: [Int] { rows.shape }
        var isInMemory: Bool { false }
        var augments: Bool { false }
        func name(of index: Int) -> String { "img\(index).png" }
        func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
            if bad.contains(index) { throw DataError(.undecodable, "img\(index).png: not a PNG file") }
            try rows.loadSample(index, random: &random, into: out)
        }
        func contentDigest() throws(DataError) -> String { try rows.contentDigest() + "\(bad.sorted())" }
    }

    @Test func badSamplesAreSkippedAsWithoutTheCache() throws {
        let (train, val) = try Self.digits()
        let flaky = Flaky(rows: train, bad: [3, 10, 40])
        func run(_ caching: FeatureCaching?) throws -> (TrainingResult, [String]) {
            var trainer = Trainer(configuration: Self.configuration(epochs: 2))
            let log = SkipLog()
            trainer.skip = log
            trainer.featureCache = caching
            return (try trainer.train(network: try Self.network(), training: flaky, validation: val), log.entries.map { "\($0.name): \($0.reason)" }.sorted())
        }
        let (reference, referenceLog) = try run(nil)
        let caching = FeatureCaching()
        let (made, madeLog) = try run(caching)
        let (used, usedLog) = try run(caching)
        #expect(referenceLog.count == 3 && madeLog == referenceLog && usedLog == referenceLog)
        #expect(Self.bits(made.tensors) == Self.bits(reference.tensors))
        #expect(Self.bits(used.tensors) == Self.bits(reference.tensors))
        #expect(used.featureCache.first?.status == .used && used.backboneForwardSamples == 0)

        // Without --skip-bad a bad sample stops training, with the cache as without it.
        var strict = Trainer(configuration: Self.configuration(epochs: 1))
        strict.featureCache = caching
        #expect(throws: TrainError.self) { _ = try strict.train(network: try Self.network(), training: flaky) }
        #expect(throws: TrainError.self) { _ = try Trainer(configuration: Self.configuration(epochs: 1)).train(network: try Self.network(), training: flaky) }
    }

    @Test func experimentsGiveTheSameResultsWithTheCache() throws {
        let (train, test) = try ExperimentFixtures.target()
        let (model, tensors) = try ExperimentFixtures.mlp(hidden: [16, 12])
        var depth = DepthExperiment(model: model, tensors: tensors, training: train, test: test, cutPoints: [2, 4],
                                    sizePerClass: 10, seeds: [1, 2], configuration: ExperimentFixtures.budget())
        let plain = try depth.run()
        let caching = FeatureCaching()
        depth.featureCache = caching
        let cached = try depth.run()
        #expect(cached.points.map(\.accuracies) == plain.points.map(\.accuracies))
        // Each cut point's test set is computed once and shared by its seeds.
        #expect(caching.events.filter { $0.role == "test" }.map(\.status) == [.made, .used, .made, .used])

        var search = WarmStartSearch(model: model, tensors: tensors, training: train.subset(Array(0..<120)), validation: test,
                                     learningRates: [1e-2, 3e-3], weightDecays: [0], target: 0.99, configuration: ExperimentFixtures.budget())
        search.regime = .frozen
        let searchPlain = try search.run()
        search.featureCache = FeatureCaching()
        let searchCached = try search.run()
        #expect(searchCached.trials.map(\.curve) == searchPlain.trials.map(\.curve))
        #expect(searchCached.trials.map(\.initialAccuracy) == searchPlain.trials.map(\.initialAccuracy))
        // Four trials on one training and one validation set: each computed once.
        #expect(search.featureCache?.events.filter { $0.status == .made }.count == 2)
    }
}
