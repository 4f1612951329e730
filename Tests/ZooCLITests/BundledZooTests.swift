import Foundation
import Testing

/// The repository's own `zoo/` store: what a fresh clone's `zoo list` shows must be there and intact.
@Suite struct BundledZooTests {
    static let bundled = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("zoo").path

    @Test func bundledStoreVerifiesAndListsThePretrainedModels() throws {
        let verify = try StoreCLI.run(["verify", "--zoo", Self.bundled])
        #expect(verify.status == 0, "\(verify.stderr)")
        let listed = try StoreCLI.run(["list", "--json", "--zoo", Self.bundled])
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = try #require(try StoreCLI.json(listed.stdout) as? [[String: Any]])
        let pretrained = rows.filter { ($0["tags"] as? [String] ?? []).contains("pretrained") }.compactMap { $0["name"] as? String }
        #expect(Set(pretrained) == ["digits-mlp", "digits-cnn"])
    }

    @Test func pretrainedModelsAreRunnableAndCarryTheirRecipe() throws {
        for name in ["digits-mlp:pretrained", "digits-cnn:pretrained"] {
            let r = try StoreCLI.run(["inspect", name, "--json", "--zoo", Self.bundled])
            #expect(r.status == 0, "\(r.stderr)")
            let report = try #require(try StoreCLI.json(r.stdout) as? [String: Any])
            #expect(report["runnable"] as? Bool == true)
            let model = try #require(report["model"] as? [String: Any])
            let lineage = try #require(model["lineage"] as? [String: Any])
            #expect(lineage["operation"] as? String == "train")
            let metadata = try #require(model["metadata"] as? [String: Any])
            #expect(metadata["labels"] as? [String] == ["0", "1", "2", "3", "4"])
            // The model card `zoo create` wrote (--task, --license, --source, --notes) survives training.
            #expect(metadata["license"] as? String == "CC-BY-4.0")
            #expect((metadata["task"] as? String ?? "").contains("digit"))
            #expect((metadata["notes"] as? String ?? "").contains("zoo/recipes/build.sh"))
        }
    }
}
