import Testing
import ZooFormat
@testable import ZooModel

/// The MiniLM fixture as tensor infos, in checkpoint order.
func miniLMTensors() -> [TensorInfo] {
    miniLMTensorList.split(separator: "\n").compactMap { line in
        let f = line.split(separator: "\t").map(String.init)
        guard f.count == 3, let dtype = DType(rawValue: f[1]) else { return nil }
        return TensorInfo(name: f[0], dtype: dtype, shape: f[2].split(separator: "x").compactMap { Int($0) })
    }
}

/// Tensor infos with F32 and shape [1] for a list of names.
private func infos(_ names: [String]) -> [TensorInfo] {
    names.map { TensorInfo(name: $0, dtype: .f32, shape: [1]) }
}

@Suite struct LayerInferenceTests {
    @Test func miniLMHasStemSixBlocksAndPooler() {
        let tensors = miniLMTensors()
        #expect(tensors.count == 104)
        let d = LayerInference.infer(tensors)
        #expect(d.layers.map(\.name) == ["embeddings"] + (0..<6).map { "encoder.layer.\($0)" } + ["pooler"])
        #expect(d.layers.allSatisfy { $0.op == .inferredBlock })
        #expect(d.layers[0].tensors.count == 6)
        #expect(d.layers[0].tensors["LayerNorm.weight"] == "embeddings.LayerNorm.weight")
        #expect(d.layers[3].tensors.count == 16)
        #expect(d.layers[3].tensors["attention.self.query.weight"] == "encoder.layer.2.attention.self.query.weight")
        #expect(d.layers[7].tensors == ["dense.weight": "pooler.dense.weight", "dense.bias": "pooler.dense.bias"])
        // Every tensor is in exactly one layer.
        #expect(Set(d.tensorNames) == Set(tensors.map(\.name)))
        #expect(d.tensorNames.count == tensors.count)
        #expect(d.input == nil)
        #expect(!d.runnability().isRunnable)
    }

    @Test func blocksAreOrderedNumericallyNotLexically() {
        var names = ["embeddings.word_embeddings.weight"]
        for i in 0..<12 { names += ["encoder.layer.\(i).output.dense.weight", "encoder.layer.\(i).output.LayerNorm.weight"] }
        names.sort()  // lexical, as a safetensors header lists them: layer.10 before layer.2
        names.append("pooler.dense.weight")
        let layers = LayerInference.inferLayers(names)
        #expect(layers.map(\.name) == ["embeddings"] + (0..<12).map { "encoder.layer.\($0)" } + ["pooler"])
    }

    @Test func resNetBlocksAreLayerNDotM() {
        // Alphabetical, as a header lists them: bn1 and fc sort before layer1.
        let names = ["bn1.bias", "bn1.weight", "conv1.weight", "fc.bias", "fc.weight",
                     "layer1.0.bn1.weight", "layer1.0.conv1.weight", "layer1.1.conv1.weight",
                     "layer10.0.conv1.weight", "layer2.0.conv1.weight", "layer2.0.downsample.0.weight", "layer2.1.conv1.weight"]
        let layers = LayerInference.inferLayers(names)
        #expect(layers.map(\.name) == ["stem", "layer1.0", "layer1.1", "layer2.0", "layer2.1", "layer10.0", "fc"])
        #expect(layers[0].tensors["conv1.weight"] == "conv1.weight")
        #expect(layers[3].tensors["downsample.0.weight"] == "layer2.0.downsample.0.weight")
        #expect(layers[6].tensors == ["weight": "fc.weight", "bias": "fc.bias"])
    }

    @Test func gpt2AndLlamaStyles() {
        let gpt2 = LayerInference.inferLayers(["h.0.attn.c_attn.weight", "h.1.attn.c_attn.weight", "h.0.ln_1.weight", "ln_f.weight", "wpe.weight", "wte.weight"])
        #expect(gpt2.map(\.name) == ["stem", "h.0", "h.1", "ln_f"])
        #expect(gpt2[0].tensors.values.sorted() == ["wpe.weight", "wte.weight"])
        let llama = LayerInference.inferLayers(["lm_head.weight", "model.embed_tokens.weight", "model.layers.0.mlp.up_proj.weight",
                                                "model.layers.1.mlp.up_proj.weight", "model.norm.weight"])
        #expect(llama.map(\.name) == ["model.embed_tokens", "model.layers.0", "model.layers.1", "head"])
        #expect(llama[3].tensors["lm_head.weight"] == "lm_head.weight")
        #expect(llama[3].tensors["model.norm.weight"] == "model.norm.weight")
        let transformer = LayerInference.inferLayers(["transformer.wte.weight", "transformer.h.0.mlp.c_fc.weight", "transformer.h.1.mlp.c_fc.weight", "transformer.ln_f.weight"])
        #expect(transformer.map(\.name) == ["transformer.wte", "transformer.h.0", "transformer.h.1", "transformer.ln_f"])
    }

    @Test func vggClassifierJoinsTheHead() {
        let layers = LayerInference.inferLayers(["features.0.weight", "features.0.bias", "features.2.weight", "features.10.weight",
                                                 "classifier.0.weight", "classifier.3.weight", "classifier.6.weight"])
        #expect(layers.map(\.name) == ["features.0", "features.2", "features.10", "classifier"])
        #expect(layers[3].tensors["6.weight"] == "classifier.6.weight")
    }

    @Test func timmVitAndPlainSequential() {
        let vit = LayerInference.inferLayers(["blocks.0.attn.qkv.weight", "blocks.1.attn.qkv.weight", "cls_token", "head.weight",
                                              "norm.weight", "patch_embed.proj.weight", "pos_embed"])
        #expect(vit.map(\.name) == ["stem", "blocks.0", "blocks.1", "head"])
        #expect(Set(vit[0].tensors.values) == ["cls_token", "patch_embed.proj.weight", "pos_embed"])
        let seq = LayerInference.inferLayers(["0.weight", "0.bias", "2.weight", "2.bias", "10.weight"])
        #expect(seq.map(\.name) == ["0", "2", "10"])
        #expect(seq[0].tensors == ["weight": "0.weight", "bias": "0.bias"])
    }

    @Test func unknownNamesGoByPosition() {
        let layers = LayerInference.inferLayers(["aaa.weight", "blk.0.w", "blk.1.w", "zzz.weight"])
        #expect(layers.map(\.name) == ["aaa", "blk.0", "blk.1", "zzz"])
    }

    @Test func noNumberedBlocksGivesOneLayerPerTopLevelName() {
        let layers = LayerInference.inferLayers(["fc1.weight", "fc1.bias", "fc2.weight", "scale"])
        #expect(layers.map(\.name) == ["fc1", "fc2", "scale"])
        #expect(layers[2].tensors == ["scale": "scale"])
    }

    @Test func outputFeaturesComeFromTheLastNormWeight() {
        let tensors = miniLMTensors()
        let shapes = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.shape) })
        let d = LayerInference.infer(tensors)
        let f = LayerInference.outputFeatures(of: d.layers[6], shapes: shapes)
        #expect(f?.features == 384)
        #expect(f?.evidence == "encoder.layer.5.output.LayerNorm.weight [384]")
        #expect(LayerInference.outputFeatures(of: d.layers[6], shapes: [:]) == nil)
    }

    @Test func naturalOrder() {
        #expect(naturalLess("layer2", "layer10"))
        #expect(!naturalLess("layer10", "layer2"))
        #expect(naturalLess("a", "b"))
        #expect(naturalLess("a", "a1"))
        #expect(!naturalLess("a", "a"))
    }
}
