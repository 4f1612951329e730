import Foundation
import Testing
import ZooData
import ZooFormat
import ZooModel
import ZooRegistry
import ZooTrain

/// The feature cache end to end: `zoo train` on the bundled `digits-cnn:pretrained` with its
/// backbone frozen makes a cache entry, the next run (and a run with another head) uses it with
/// no backbone forward, every run stores the same version; damaged entries are recomputed; `du`
/// shows the cache and `gc --features` drops it. And the library with the store's cache, with
/// features read from their files batch by batch, gives the same weights as without it.
@Suite struct FeatureCacheCommandTests {
    static let bundled = BundledZooTests.bundled

    /// A copy of the bundled store and 200 rows of the digits source task (labels 0-4).
    final class Setup {
        let scratch = Scratch()
        var zoo: String { scratch.path + "/zoo" }
        let data: String
        init() throws {
            try FileManager.default.copyItem(atPath: FeatureCacheCommandTests.bundled, toPath: scratch.path + "/zoo")
            try? FileManager.default.removeItem(atPath: scratch.path + "/zoo/.zoo")
            data = scratch.write("source.csv", Array(try ExperimentFixture.rows("digits-source.csv.gz", first: 200).utf8))
        }

        func run(_ arguments: [String]) throws -> ZooRunner.Result {
            try TrainCommandTests.run(arguments + ["--zoo", zoo])
        }

        /// `zoo train REF --freeze backbone` for 2 epochs, as JSON.
        func train(_ ref: String = "digits-cnn:pretrained", _ extra: [String] = []) throws -> [String: Any] {
            let r = try run(["train", ref, "--data", data, "--freeze", "backbone", "--epochs", "2", "--batch", "16",
                             "--lr", "0.003", "--seed", "4", "--json"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return try SurgeryFixture.json(r.stdout)
        }

        var featureBlobs: [String] {
            let dir = zoo + "/.zoo/cache/features/blobs"
            return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
        }
    }

    static func cache(_ out: [String: Any]) -> (statuses: [String], forwards: Int?, notes: [String]) {
        let cache = out["feature_cache"] as? [String: Any] ?? [:]
        let events = cache["events"] as? [[String: Any]] ?? []
        return (events.compactMap { $0["status"] as? String }, cache["backbone_forward_samples"] as? Int,
                events.compactMap { $0["note"] as? String })
    }

    @Test func trainMakesThenUsesTheCacheWithTheSameWeights() throws {
        let s = try Setup()
        // 200 rows: 160 train, 40 validation; 2 epochs run the backbone 2 × 200 times without the cache.
        let off = try s.train("digits-cnn:pretrained", ["--no-feature-cache"])
        #expect(Self.cache(off).statuses.isEmpty && Self.cache(off).forwards == 400)
        let made = try s.train()
        #expect(Self.cache(made).statuses == ["made", "made"] && Self.cache(made).forwards == 200)
        let used = try s.train()
        #expect(Self.cache(used).statuses == ["used", "used"] && Self.cache(used).forwards == 0)
        let digest = try #require(off["digest"] as? String)
        #expect(made["digest"] as? String == digest && used["digest"] as? String == digest)
        #expect((made["history"] as? [[String: Any]])?.count == 2)

        // People get one line.
        let text = try s.run(["train", "digits-cnn:pretrained", "--data", s.data, "--freeze", "backbone", "--epochs", "1", "--seed", "4"])
        #expect(text.status == 0, "\(text.stderr)")
        let line = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("feature cache:") })
        #expect(line.contains("used training") && line.contains("used validation") && line.contains("no backbone forward"), "\(line)")

        // Another head on the same backbone (slice, graft) reuses the backbone's features.
        #expect(try s.run(["slice", "digits-cnn:pretrained", "--keep", "6", "--as", "cnn-backbone"]).status == 0)
        #expect(try s.run(["graft", "cnn-backbone", "--head", "dense:5", "--seed", "9", "--as", "cnn-new-head"]).status == 0)
        let grafted = try s.train("cnn-new-head")
        #expect(Self.cache(grafted).statuses == ["used", "used"] && Self.cache(grafted).forwards == 0)
        // Unfrozen, there is nothing to cache.
        let full = try s.train("digits-cnn:pretrained", ["--freeze", "none"])
        #expect(Self.cache(full).statuses.isEmpty && Self.cache(full).forwards == 0)

        // du shows it (a line and JSON fields); gc --features drops it; the next run makes it again.
        let du = try s.run(["du", "--json"])
        let usage = try SurgeryFixture.json(du.stdout)
        #expect(usage["feature_cache_entries"] as? Int == 2)
        let bytes = try #require(usage["feature_cache_bytes"] as? Int)
        #expect(bytes > 200 * 512 * 4)
        #expect(try s.run(["du"]).stdout.contains("feature cache"))
        let dry = try SurgeryFixture.json(try s.run(["gc", "--features", "--dry-run", "--json"]).stdout)
        #expect(dry["feature_cache_entries"] as? Int == 2 && dry["feature_cache_bytes"] as? Int == bytes && dry["dry_run"] as? Bool == true)
        #expect(s.featureBlobs.count == 2)
        let plainGc = try SurgeryFixture.json(try s.run(["gc", "--json"]).stdout)
        #expect(plainGc["feature_cache_entries"] as? Int == 0 && s.featureBlobs.count == 2)
        let gc = try SurgeryFixture.json(try s.run(["gc", "--features", "--json"]).stdout)
        #expect(gc["feature_cache_entries"] as? Int == 2)
        #expect(s.featureBlobs.isEmpty)
        #expect(try SurgeryFixture.json(try s.run(["du", "--json"]).stdout)["feature_cache_entries"] as? Int == 0)
        #expect(Self.cache(try s.train()).statuses == ["made", "made"])
        #expect(try s.run(["verify"]).status == 0)
    }

    @Test func damagedEntriesAreRecomputed() throws {
        let s = try Setup()
        let reference = try #require(try s.train()["digest"] as? String)
        // A byte of every feature file flipped: caught by the CRC32 and SHA-256 checks.
        for path in s.featureBlobs {
            var bytes = [UInt8](try #require(FileManager.default.contents(atPath: path)))
            bytes[bytes.count / 2] ^= 0x10
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
        }
        var out = try s.train()
        #expect(Self.cache(out).statuses == ["made", "made"] && Self.cache(out).forwards == 200)
        #expect(Self.cache(out).notes.allSatisfy { $0.contains("recomputed") } && Self.cache(out).notes.count == 2)
        #expect(out["digest"] as? String == reference)
        // Cut short: refused when opened.
        for path in s.featureBlobs {
            let bytes = try #require(FileManager.default.contents(atPath: path))
            FileManager.default.createFile(atPath: path, contents: bytes.prefix(bytes.count - 100))
        }
        out = try s.train()
        #expect(Self.cache(out).statuses == ["made", "made"] && Self.cache(out).notes.count == 2)
        #expect(out["digest"] as? String == reference)
        // Garbled entries.
        let entries = s.zoo + "/.zoo/cache/features/entries"
        for name in try FileManager.default.contentsOfDirectory(atPath: entries) {
            FileManager.default.createFile(atPath: entries + "/" + name, contents: Data("{\"key\":".utf8))
        }
        out = try s.train()
        #expect(Self.cache(out).statuses == ["made", "made"] && Self.cache(out).notes.count == 2)
        #expect(out["digest"] as? String == reference)
        #expect(Self.cache(try s.train()).statuses == ["used", "used"])
    }

    @Test func experimentsReportTheCacheAndTheSameResults() throws {
        let x = try ExperimentFixture()
        func depth(_ extra: [String]) throws -> [String: Any] {
            let r = try x.run(["experiment", "depth", "mlp", "--data", x.train, "--test", x.test, "--cuts", "1,2", "--seeds", "2",
                               "--epochs", "2", "--lr", "0.01", "--json", "--out", x.scratch.path + "/depth"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return try ExperimentFixture.json(r)
        }
        let off = try depth(["--no-feature-cache"])
        let on = try depth([])
        let again = try depth([])
        func accuracies(_ o: [String: Any]) -> [[Double]] {
            ((o["result"] as? [String: Any])?["points"] as? [[String: Any]] ?? []).compactMap { $0["accuracies"] as? [Double] }
        }
        #expect(!accuracies(off).isEmpty && accuracies(on) == accuracies(off) && accuracies(again) == accuracies(off))
        #expect(off["feature_cache"] == nil)
        let first = try #require(on["feature_cache"] as? [String: Any])
        let second = try #require(again["feature_cache"] as? [String: Any])
        #expect((first["backbone_forward_samples"] as? Int ?? 0) > 0)
        #expect(second["backbone_forward_samples"] as? Int == 0)
        #expect((second["feature_sets"] as? [String: Int])?["made"] == nil)
    }

    /// A CNN with a frozen conv/batchnorm prefix and a two-layer head, on the digits as images.
    static func network() throws -> Network {
        let description = Network.sequentialDescription(input: [1, 8, 8], ops: [
            .conv2d(outChannels: 8, kernel: 3, stride: 1, padding: 1), .batchnorm(eps: 1e-5, momentum: 0.1), .relu,
            .maxpool2d(kernel: 2, stride: 2), .flatten, .dense(outFeatures: 16), .relu, .dropout(p: 0.2), .dense(outFeatures: 5),
        ])
        var tensors = try Network.initialTensors(for: description, seed: 8)
        tensors["1.running_var"] = (0..<8).map { 0.6 + Float($0) / 10 }
        return try Network(description: description, tensors: tensors, frozenLayers: 3, seed: 8)
    }

    @Test func storeBackedFeaturesReadFromTheirFilesTrainTheSameWeights() throws {
        let rows = try Dataset.load(csvAt: Self.bundled + "/datasets/digits-source.csv.gz")
        let images = Dataset(features: rows.features.map { $0 / 16 }, shape: [1, 8, 8], labels: rows.labels).subset(Array(0..<300))
        let (train, val) = images.split(validationFraction: 0.2, seed: 1)
        var config = TrainingConfiguration()
        config.epochs = 3
        config.batchSize = 16
        config.seed = 2
        let reference = try Trainer(configuration: config).train(network: try Self.network(), training: train, validation: val)
        let scratch = Scratch()
        let store = try Store.create(at: scratch.path + "/zoo")
        func bits(_ t: [String: [Float]]) -> [String: [UInt32]] { t.mapValues { $0.map(\.bitPattern) } }
        for (limit, memory, expected) in [(FeatureCache.defaultLimit, 0, "made"), (FeatureCache.defaultLimit, 0, "used"),
                                          (FeatureCache.defaultLimit, 1 << 30, "used"), (UInt64(1000), 0, "made")] {
            // memoryLimit 0: every batch is read from the feature file; a limit of 1000 bytes keeps nothing.
            let caching = FeatureCaching(store: FeatureCache(store: limit == 1000 ? try Store.create(at: scratch.path + "/small") : store, limit: limit))
            caching.memoryLimit = memory
            var trainer = Trainer(configuration: config)
            trainer.featureCache = caching
            let result = try trainer.train(network: try Self.network(), training: train, validation: val)
            #expect(bits(result.tensors) == bits(reference.tensors), "limit \(limit), memory \(memory)")
            #expect(result.history.map(\.validationLoss) == reference.history.map(\.validationLoss))
            #expect(result.featureCache.map(\.status.rawValue) == [expected, expected])
            #expect(result.featureCache.allSatisfy { $0.stored == (limit != 1000) && $0.prefixLayers == 5 })
            #expect(result.backboneForwardSamples == (expected == "made" ? 300 : 0))
        }
        // Nothing is left in the temporary folders, and the small store kept nothing.
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/zoo/.zoo/tmp").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/small/.zoo/tmp").isEmpty)
        #expect(try Store.open(scratch.path + "/small").du().featureCacheEntries == 0)
        #expect(try store.du().featureCacheEntries == 2)
    }
}
