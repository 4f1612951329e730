import Foundation
import ZooModel

/// Model descriptions (JSON, schema 1 and 2 with blocks) and the layer-spec language.
enum ModelTargets {
    /// Input: a description's JSON. One that parses must print to JSON that parses to the same
    /// description and prints to the same bytes; shape inference, the runnability check, the
    /// layer table and every slice must each succeed or throw.
    static func description(_ input: [UInt8]) {
        guard let model = try? ModelDescription(json: Data(input)) else { return }
        guard let printed = try? model.jsonData() else { FuzzCheck.fail("a parsed description cannot be printed") }
        guard let again = try? ModelDescription(json: printed) else {
            FuzzCheck.fail("the printed description does not parse: \(String(decoding: printed, as: UTF8.self))")
        }
        FuzzCheck.require(again == model, "the printed description parses to another description")
        FuzzCheck.require((try? again.jsonData()) == printed, "printing is not stable")
        _ = model.runnability()
        _ = model.layerSummaries()
        if let shaped = try? model.withInferredShapes() { _ = shaped.runnability() }
        for keep in [1, model.layers.count / 2, -1] where keep != 0 && abs(keep) < model.layers.count {
            _ = try? ModelSurgery.slice(model, keep: keep, parent: nil)
        }
    }

    /// Input: `SHAPE|SPEC` or just `SPEC` as text. A spec that parses must print
    /// (`LayerSpec.text`) to a spec that parses to the same layers; with a shape, building the
    /// layers (every output and parameter shape) must succeed or throw.
    static func layerSpec(_ input: [UInt8]) {
        guard let text = String(validating: input, as: UTF8.self) else { return }
        var shapeText: Substring?
        var specText = Substring(text)
        if let bar = text.firstIndex(of: "|") {
            shapeText = text[..<bar]
            specText = text[text.index(after: bar)...]
        }
        guard let specs = try? LayerSpec.parse(String(specText)) else { return }
        let printed = LayerSpec.text(specs)
        guard let again = try? LayerSpec.parse(printed) else { FuzzCheck.fail("the printed spec '\(printed)' does not parse") }
        FuzzCheck.require(again == specs, "the printed spec '\(printed)' parses to other layers than '\(specText)'")
        if let shapeText, let shape = try? ModelBuilder.parseShape(String(shapeText)) {
            _ = try? ModelBuilder.layers(from: specs, input: shape)
        }
    }
}
