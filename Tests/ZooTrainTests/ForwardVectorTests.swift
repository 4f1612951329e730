import Foundation
import Testing
import ZooModel
@testable import ZooTrain

/// Forward passes against numpy references (scripts/make_train_vectors.py): networks in PyTorch's
/// layouts, described in the description JSON, must give the same outputs within 1e-4.
struct ForwardVectorTests {
    struct Vector: Decodable {
        struct Array: Decodable { var shape: [Int]; var data: [Double] }
        var description: ModelDescription
        var tensors: [String: [Double]]
        var input: Array
        var output_eval: Array
        var output_train: Array
        var tensors_after_train: [String: [Double]]
        /// r of L = Σ y_train·r, and every parameter's dL/dθ (block vectors only).
        var loss_weights: Array?
        var gradients: [String: [Double]]?
    }

    func load(_ name: String) throws -> Vector {
        let data = try Data(contentsOf: TestPaths.vectors.appendingPathComponent(name + ".json"))
        return try JSONDecoder().decode(Vector.self, from: data)
    }

    func maxDifference(_ a: [Float], _ b: [Double]) -> Double {
        zip(a, b).map { abs(Double($0) - $1) }.max() ?? .infinity
    }

    @Test(arguments: ["mlp", "cnn", "cnn_global", "layernorm_gelu"])
    func matchesNumpy(name: String) throws {
        let v = try load(name)
        let tensors = v.tensors.mapValues { $0.map(Float.init) }
        let network = try Network(description: v.description, tensors: tensors)
        let x = Tensor(shape: v.input.shape, data: v.input.data.map(Float.init))
        let eval = network.forward(x, training: false)
        #expect(eval.shape == v.output_eval.shape)
        #expect(maxDifference(eval.data, v.output_eval.data) < 1e-4)
        // Training mode: batch statistics, and running statistics updated as PyTorch does.
        let train = network.forward(x, training: true)
        #expect(maxDifference(train.data, v.output_train.data) < 1e-4)
        let after = network.tensors()
        for (key, expected) in v.tensors_after_train {
            let got = try #require(after[key], "tensor \(key) missing after training forward")
            #expect(maxDifference(got, expected) < 1e-5, "\(key)")
        }
    }
}
