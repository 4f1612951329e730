import Foundation
import Testing
import ZooFormat
@testable import ZooModel
import ZooTestSupport

/// Architecture recognition against what torchvision and timm build (ArchitectureFixture): every
/// recognised family gets a runnable description whose layers are the source's top-level modules
/// with the source's output shapes at 224x224.
@Suite struct ArchitectureRecognitionTests {
    /// Fixture name -> the architecture zoo should recognise (timm's ResNets use torchvision's names).
    static let expected: [(fixture: String, architecture: String)] = [
        "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnext50_32x4d", "resnext101_32x8d",
        "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
    ].map { ("torchvision.\($0)", "torchvision.\($0)") } + [
        ("timm.mobilenetv2_100", "timm.mobilenetv2_100"), ("timm.mobilenetv3_large_100", "timm.mobilenetv3_large_100"),
        ("timm.mobilenetv3_small_100", "timm.mobilenetv3_small_100"),
        ("timm.resnet18", "torchvision.resnet18"), ("timm.resnet50", "torchvision.resnet50"),
    ]

    /// The fixture's entry, its tensors as `TensorInfo` (the counters I64, the rest F32).
    func entry(_ name: String) throws -> (tensors: [TensorInfo], outputs: [(name: String, shape: [Int])], featureInfo: [String]?) {
        let e = try #require(ArchitectureFixture.entries[name], "fixture \(name) missing: run scripts/make_architecture_fixture.py")
        let tensors = e.tensors.map { TensorInfo(name: $0.name, dtype: $0.name.hasSuffix("num_batches_tracked") ? .i64 : .f32, shape: $0.shape) }
        return (tensors, e.outputs, e.featureInfo)
    }

    @Test(arguments: expected)
    func recognisesWithTheSourcesShapes(fixture: String, architecture: String) throws {
        let e = try entry(fixture)
        let match = ArchitectureRecognition.recognise(e.tensors)
        #expect(match.architecture == architecture, "\(fixture): \(match.summary)")
        let d = try #require(match.description)
        #expect(d.input == [3, 224, 224])
        #expect(d.metadata.architecture == architecture)
        #expect(d.metadata.preprocessing == .imageNet)
        #expect(d.metadata.task == "classification")
        #expect(d.metadata.labels == ImageNetClasses.names)
        // The layers are the source's top-level modules, in forward order, with its output shapes.
        #expect(d.layers.map(\.outputShape) == e.outputs.map(\.shape), "\(fixture)")
        if fixture.hasPrefix("timm.resnet") {
            // timm names the stem's ReLU `act1` and its pooling `global_pool`; the tensors are torchvision's.
            #expect(d.layers.map(\.name) == e.outputs.map { $0.name == "act1" ? "relu" : $0.name == "global_pool" ? "avgpool" : $0.name })
        } else {
            #expect(d.layers.map(\.name) == e.outputs.map(\.name))
        }
        // Runnable against the checkpoint's own shapes; every tensor but the batch-norm counters is used.
        let shapes = Dictionary(uniqueKeysWithValues: e.tensors.map { ($0.name, $0.shape) })
        #expect(d.runnability(tensors: shapes).reasons == [])
        let used = Set(d.tensorNames)
        #expect(e.tensors.filter { !used.contains($0.name) }.allSatisfy { $0.name.hasSuffix(".num_batches_tracked") })
        #expect(used.count == e.tensors.filter { !$0.name.hasSuffix(".num_batches_tracked") }.count)
        // The description survives its JSON.
        #expect(try ModelDescription(json: try d.jsonData()) == d)
    }

    @Test func batchNormSettingsAreTheSources() throws {
        func norms(_ fixture: String) throws -> Set<LayerOp> {
            let d = try #require(ArchitectureRecognition.recognise(try entry(fixture).tensors).description)
            return Set(d.layers.flatMap { layer -> [LayerOp] in
                if case .block(let b) = layer.op { return b.nodes.map(\.op) }
                return [layer.op]
            }.filter { if case .batchnorm = $0 { return true } else { return false } })
        }
        #expect(try norms("torchvision.mobilenet_v3_small") == [.batchnorm(eps: 0.001, momentum: 0.01)])
        #expect(try norms("torchvision.mobilenet_v2") == [.batchnorm(eps: 1e-5, momentum: 0.1)])
        #expect(try norms("torchvision.resnet50") == [.batchnorm(eps: 1e-5, momentum: 0.1)])
        #expect(try norms("timm.mobilenetv3_large_100") == [.batchnorm(eps: 1e-5, momentum: 0.1)])
    }

    @Test func mobileNetV3BlocksFollowTorchvisionsTable() throws {
        let d = try #require(ArchitectureRecognition.recognise(try entry("torchvision.mobilenet_v3_large").tensors).description)
        // features.4: k5, expand 72, SE, ReLU, stride 2 (C2); features.7: k3, 240, no SE, hardswish, stride 2 (C3).
        guard case .block(let f4) = d.layers[4].op, case .block(let f7) = d.layers[7].op else { Issue.record("not blocks"); return }
        #expect(f4.nodes.first { $0.name == "block.1.0" }?.op == .conv2d(Conv2dOptions(outChannels: 72, kernel: 5, stride: 2, padding: 2, groups: 72)))
        #expect(f4.nodes.first { $0.name == "block.1.2" }?.op == .relu)
        #expect(f4.nodes.first { $0.name == "block.2.scale" }?.op == .hardsigmoid)
        #expect(f4.nodes.first { $0.name == "block.2.fc1" }?.op == .conv2d(.centred(24, kernel: 1)))
        #expect(f4.output == "block.3.1")  // stride 2: no residual
        #expect(f7.nodes.map(\.name) == ["block.0.0", "block.0.1", "block.0.2", "block.1.0", "block.1.1", "block.1.2", "block.2.0", "block.2.1"])
        #expect(f7.nodes[2].op == .hardswish)
        guard case .block(let f5) = d.layers[5].op else { return }
        #expect(f5.output == "add")
        #expect(f5.nodes.last?.inputs == ["block.3.1", "input"])
    }

    @Test func resNetBlocksHaveTheirDownsampleBranches() throws {
        let d = try #require(ArchitectureRecognition.recognise(try entry("torchvision.resnext50_32x4d").tensors).description)
        let layer21 = try #require(d.layers.first { $0.name == "layer2.0" })
        guard case .block(let b) = layer21.op else { Issue.record("layer2.0 is not a block"); return }
        #expect(b.nodes.first { $0.name == "conv2" }?.op == .conv2d(Conv2dOptions(outChannels: 256, kernel: 3, stride: 2, padding: 1, groups: 32)))
        #expect(b.nodes.first { $0.name == "downsample.0" }?.op == .conv2d(Conv2dOptions(outChannels: 512, kernel: 1, stride: 2)))
        #expect(b.nodes.first { $0.name == "add" }?.inputs == ["bn3", "downsample.1"])
        let layer22 = try #require(d.layers.first { $0.name == "layer2.1" })
        guard case .block(let b2) = layer22.op else { return }
        #expect(b2.nodes.first { $0.name == "add" }?.inputs == ["bn3", "input"])
        #expect(!b2.nodes.contains { $0.name.hasPrefix("downsample") })
    }

    @Test func otherClassCountsAreRecognisedWithoutImageNetLabels() throws {
        var tensors = try entry("torchvision.resnet18").tensors
        for i in tensors.indices where tensors[i].name.hasPrefix("fc.") {
            tensors[i].shape[0] = 10
        }
        let d = try #require(ArchitectureRecognition.recognise(tensors).description)
        #expect(d.layers.last?.outputShape == [10])
        #expect(d.metadata.labels == nil)
    }

    @Test func aMissingTensorFallsBackAndSaysWhy() throws {
        var tensors = try entry("torchvision.mobilenet_v2").tensors
        tensors.removeAll { $0.name == "features.5.conv.1.1.running_var" }
        let match = ArchitectureRecognition.recognise(tensors)
        #expect(match == .notRecognised(closest: "torchvision.mobilenet_v2", differences: 1,
                                        first: "features.5.conv.1.1.running_var [192] is missing"))
        #expect(match.summary.contains("closest is torchvision.mobilenet_v2"))
        let d = ArchitectureRecognition.describe(tensors)
        #expect(d.layers.allSatisfy { $0.op == .inferredBlock })
        #expect(d.metadata.architecture == nil)
    }

    @Test func aWrongShapeFallsBackNamingIt() throws {
        var tensors = try entry("torchvision.resnet50").tensors
        let i = try #require(tensors.firstIndex { $0.name == "layer3.2.conv2.weight" })
        tensors[i].shape = [256, 256, 1, 1]
        let match = ArchitectureRecognition.recognise(tensors)
        guard case .notRecognised(let closest, let n, let first) = match else { Issue.record("\(match.summary)"); return }
        #expect(closest == "torchvision.resnet50")
        #expect(n == 1)
        #expect(first == "layer3.2.conv2.weight is [256, 256, 1, 1] but torchvision.resnet50 has [256, 256, 3, 3]")
    }

    @Test func anExtraTensorIsADifference() throws {
        var tensors = try entry("torchvision.mobilenet_v3_small").tensors
        tensors.append(TensorInfo(name: "features.3.block.9.weight", dtype: .f32, shape: [4]))
        guard case .notRecognised(_, _, let first) = ArchitectureRecognition.recognise(tensors) else { Issue.record("recognised"); return }
        #expect(first == "features.3.block.9.weight [4] is not part of torchvision.mobilenet_v3_small")
    }

    @Test func aShallowerResNetIsClosestToItsOwnDepth() throws {
        // ResNet-34 without its last layer3 block: still closest to ResNet-34 (its 10 tensors are missing).
        let tensors = try entry("torchvision.resnet34").tensors.filter { !$0.name.hasPrefix("layer3.5.") }
        guard case .notRecognised(let closest, let n, let first) = ArchitectureRecognition.recognise(tensors) else { Issue.record("recognised"); return }
        #expect(closest == "torchvision.resnet34")
        #expect(n == 10)
        #expect(first.hasPrefix("layer3.5.conv1.weight"))
    }

    @Test func unrelatedCheckpointsAreUnknown() {
        #expect(ArchitectureRecognition.recognise(miniLMTensors()) == .unknown)
        #expect(ArchitectureRecognition.recognise([]) == .unknown)
        #expect(ArchitectureRecognition.describe(miniLMTensors()) == LayerInference.infer(miniLMTensors()))
    }

    @Test func sliceCutsWhereTimmsFeatureInfoDoes() throws {
        // timm's feature_info names stage modules (`blocks.4`); zoo's layer is that stage's last block.
        for name in ["timm.mobilenetv2_100", "timm.mobilenetv3_large_100", "timm.mobilenetv3_small_100"] {
            let e = try entry(name)
            let d = try #require(ArchitectureRecognition.recognise(e.tensors).description)
            for module in try #require(e.featureInfo) {
                let last = module == "bn1" ? "bn1.act" : try #require(d.layers.last { $0.name.hasPrefix(module + ".") }?.name)
                let cut = try ModelSurgery.slice(d, until: last, parent: nil).description
                let want = try #require(e.outputs.first { $0.name == last }?.shape)
                #expect(try cut.withInferredShapes().layers.last?.outputShape == want, "\(name) \(module)")
            }
        }
        // torchvision MobileNetV2 cut at features.13 is timm's blocks.4: 96 x 14 x 14 (stride 16).
        let tv = try #require(ArchitectureRecognition.recognise(try entry("torchvision.mobilenet_v2").tensors).description)
        #expect(try ModelSurgery.slice(tv, until: "features.13", parent: nil).description.layers.last?.outputShape == [96, 14, 14])
        let r18 = try #require(ArchitectureRecognition.recognise(try entry("torchvision.resnet18").tensors).description)
        #expect(try ModelSurgery.slice(r18, until: "layer3.1", parent: nil).description.layers.last?.outputShape == [256, 14, 14])
    }

    @Test func graftAfterTheLastFeatureMapInfersTheHead() throws {
        let e = try entry("torchvision.mobilenet_v2")
        let d = try #require(ArchitectureRecognition.recognise(e.tensors).description)
        let backbone = try ModelSurgery.slice(d, until: "features.18", parent: nil).description
        #expect(backbone.layers.last?.outputShape == [1280, 7, 7])
        let shapes = Dictionary(uniqueKeysWithValues: e.tensors.map { ($0.name, $0.shape) })
        let r = try ModelSurgery.graft(backbone, head: try LayerSpec.parse("global_avgpool,dense:10"), backboneShapes: shapes,
                                       scheme: .he, seed: 1, parent: nil)
        #expect(r.headInput == [1280, 7, 7])
        #expect(r.newTensors.first?.shape == [10, 1280])
        #expect(r.description.frozenLayers == 19)
        var all = shapes
        for t in r.newTensors { all[t.name] = t.shape }
        #expect(r.description.runnability(tensors: all).isRunnable)
    }

    @Test func imageNetClassesMatchTheCommittedList() throws {
        let url = ArchitectureFixture.url.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("formats/imagenet-classes.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) == ImageNetClasses.names)
        #expect(ImageNetClasses.names.count == 1000)
        #expect(ImageNetClasses.names[285] == "Egyptian cat")
    }
}
