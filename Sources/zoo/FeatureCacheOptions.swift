import ArgumentParser
import Foundation
import ZooFormat
import ZooRegistry
import ZooTrain

/// `--no-feature-cache` of train, lr-find and the experiments, and how they report what the
/// feature cache did (formats/store.md, "The feature cache").
struct FeatureCacheOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Run the frozen backbone on every batch instead of caching its outputs in the store.",
        discussion: "By default, when the leading layers are frozen and the samples are not augmented, their outputs on the data are computed once and kept in the store's feature cache (bounded by $ZOO_FEATURE_CACHE_LIMIT, default 4G; `zoo du` shows it, `zoo gc --features` drops it). The trained weights are the same either way."))
    var noFeatureCache = false

    /// The cache for a command's runs in `zoo`, with a progress bar while features are computed
    /// when `progress`; nil under --no-feature-cache.
    func caching(_ zoo: Store, progress showProgress: Bool) throws -> FeatureCaching? {
        guard !noFeatureCache else { return nil }
        let limit = try FeatureCache.limit(fromEnvironment: ProcessInfo.processInfo.environment).get()
        let caching = FeatureCaching(store: FeatureCache(store: zoo, limit: limit))
        if showProgress {
            var progress: Progress?
            var current = ""
            caching.onProgress = { role, done, total in
                if progress == nil || current != role {
                    progress?.finish()
                    progress = Progress("backbone features (\(role))", total: UInt64(total))
                    current = role
                }
                progress?.advance(to: UInt64(done))
                if done >= total {
                    progress?.finish()
                    progress = nil
                }
            }
        }
        return caching
    }

    /// One line for people: what was made or used, for which data, and the prefix forwards run;
    /// nil when nothing is frozen (there is nothing to cache).
    static func summary(_ events: [FeatureCacheEvent], forwards: Int, enabled: Bool) -> String? {
        let forwardText = forwards == 0 ? "no backbone forward" : "\(forwards) backbone forward samples"
        guard let first = events.first else {
            return enabled ? nil : (forwards > 0 ? "feature cache: off (--no-feature-cache); \(forwardText)" : nil)
        }
        if events.count > 4 {
            var counts: [FeatureCacheEvent.Status: Int] = [:]
            for e in events { counts[e.status, default: 0] += 1 }
            let parts = [FeatureCacheEvent.Status.made, .used, .skipped, .failed].compactMap { s in counts[s].map { "\(s.rawValue) \($0)" } }
            return "feature cache: \(parts.joined(separator: ", ")) feature sets; \(forwardText)"
        }
        let items = events.map { e -> String in
            var text = "\(e.status == .skipped ? "not used for" : e.status == .failed ? "failed for" : e.status.rawValue) \(e.role)"
            if e.status == .made || e.status == .used {
                text += " (\(e.rows) × \(e.featureShape.map(String.init).joined(separator: "x")), \(Output.bytes(e.bytes))"
                    + (e.key.map { ", " + $0.prefix(12) } ?? "") + ")"
            }
            if let note = e.note { text += ": " + note }
            return text
        }
        return "feature cache: \(items.joined(separator: "; ")) [first \(first.prefixLayers) layers]; \(forwardText)"
    }

    /// The same as JSON: every event, and the prefix forwards.
    static func json(_ events: [FeatureCacheEvent], forwards: Int) -> JSONValue {
        .object(["events": .array(events.map(\.jsonValue)), "backbone_forward_samples": .number(Double(forwards))])
    }

    /// The same for `JSONSerialization` (the experiments' output).
    static func jsonObject(_ events: [FeatureCacheEvent], forwards: Int) -> Any {
        var counts: [String: Int] = [:]
        for e in events { counts[e.status.rawValue, default: 0] += 1 }
        return ["feature_sets": counts, "backbone_forward_samples": forwards] as [String: Any]
    }
}
