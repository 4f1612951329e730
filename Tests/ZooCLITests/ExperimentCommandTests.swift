import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import ZooFormat
import ZooRegistry

/// A scratch store with a small MLP pretrained for two epochs on 200 rows of the bundled
/// digits-source data, and small target sets cut from the bundled target data.
final class ExperimentFixture {
    let f: SurgeryFixture
    /// Target training rows: `perClass` of each of the 5 classes.
    let train: String
    /// Target test rows: 10 of each class.
    let test: String
    var zoo: String { f.zoo }
    var scratch: Scratch { f.scratch }

    init(perClass: Int = 6) throws {
        f = try SurgeryFixture()
        let source = f.scratch.write("source.csv", Array(try Self.rows("digits-source.csv.gz", first: 200).utf8))
        train = f.scratch.write("train.csv", Array(try Self.rows("digits-target-train.csv.gz", perClass: perClass).utf8))
        test = f.scratch.write("test.csv", Array(try Self.rows("digits-target-test.csv.gz", perClass: 10).utf8))
        var r = try ZooRunner.run("create", "mlp", "--input", "64", "--layers", "dense:16,relu,dense:5", "--seed", "1", "--zoo", f.zoo)
        guard r.status == 0 else { throw StoreError(.invalidArgument, "create failed: \(r.stderr)") }
        r = try ZooRunner.run("train", "mlp", "--data", source, "--epochs", "2", "--lr", "0.01", "--normalize", "scale:16",
                              "--val-fraction", "0", "--zoo", f.zoo)
        guard r.status == 0 else { throw StoreError(.invalidArgument, "train failed: \(r.stderr)") }
    }

    /// Lines of a bundled dataset: the first `first`, or the first `perClass` of every label.
    static func rows(_ file: String, first: Int? = nil, perClass: Int? = nil) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let gz = try Data(contentsOf: root.appendingPathComponent("zoo/datasets/" + file))
        let lines = String(decoding: try Gzip.decompress([UInt8](gz)), as: UTF8.self).split(separator: "\n")
        if let first { return lines.prefix(first).joined(separator: "\n") + "\n" }
        var taken: [Substring: Int] = [:]
        let kept = lines.filter { line in
            let label = line.split(separator: ",").last ?? ""
            taken[label, default: 0] += 1
            return (taken[label] ?? 0) <= (perClass ?? Int.max)
        }
        return kept.joined(separator: "\n") + "\n"
    }

    /// Runs `zoo ARGS --zoo STORE`.
    func run(_ arguments: [String]) throws -> ZooRunner.Result {
        try TrainCommandTests.run(arguments + ["--zoo", zoo])
    }

    /// The JSON object a command printed with `--json`.
    static func json(_ r: ZooRunner.Result) throws -> [String: Any] { try SurgeryFixture.json(r.stdout) }

    /// Checks an SVG file: well-formed XML with an `svg` root, the axis labels and every legend label.
    static func expectChart(_ path: String, texts expected: [String]) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let probe = try #require(SVGProbe.parse(text), "\(path) is not well-formed XML")
        #expect(probe.root == "svg")
        #expect(probe.elements.contains("polyline"))
        for t in expected { #expect(probe.texts.contains { $0.contains(t) }, "\(path) lacks the text '\(t)'") }
    }

    /// The files in a folder (empty when it does not exist).
    static func files(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }
}

@Suite struct ExperimentCommandTests {
    @Test func helpListsTheExperimentsAndTeachesTheFlags() throws {
        let r = try ZooRunner.run("experiment", "--help")
        #expect(r.status == 0)
        for sub in ["transfer", "depth", "warmstart"] { #expect(r.stdout.contains(sub)) }
        let t = try ZooRunner.run("experiment", "transfer", "--help")
        #expect(t.stdout.contains("--sizes") && t.stdout.contains("smallest class"))
        #expect(t.stdout.contains("Exit status"))
        let l = try ZooRunner.run("lr-find", "--help")
        #expect(l.stdout.contains("--new-head") && l.stdout.contains("range test"))
    }
}
