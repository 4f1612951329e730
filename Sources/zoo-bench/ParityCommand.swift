import Foundation
import ZooFormat
import ZooModel
import ZooRegistry
import ZooTrain

/// `zoo-bench parity --store DIR REF --input X.safetensors [--eval-output E.safetensors]
/// [--train-output T.safetensors]`: the network's outputs for the input tensor `x` (`[N, ...]`, F32)
/// in eval mode (running statistics) and in training mode (batch statistics; running statistics
/// updated in memory only), each written as the tensor `y` of a safetensors file. The CLI has no
/// way to show training-mode outputs; scripts/parity.py compares them with PyTorch's.
func runParity(arguments: [String]) -> Int32 {
    var store: String?, reference: String?, input: String?, evalOutput: String?, trainOutput: String?
    var i = 0
    while i < arguments.count {
        let a = arguments[i], next = i + 1 < arguments.count ? arguments[i + 1] : nil
        switch a {
        case "--store": store = next; i += 1
        case "--input": input = next; i += 1
        case "--eval-output": evalOutput = next; i += 1
        case "--train-output": trainOutput = next; i += 1
        default: reference = a
        }
        i += 1
    }
    guard let store, let reference, let input, evalOutput != nil || trainOutput != nil else {
        FileHandle.standardError.write(Data("usage: zoo-bench parity --store DIR REF --input X.safetensors [--eval-output E.safetensors] [--train-output T.safetensors]\n".utf8))
        return 64
    }
    do {
        let zoo = try Store.open(store)
        let (_, manifest, config) = try zoo.load(try ModelReference(parsing: reference))
        let description = config.surgeryDescription
        let network = try Network(description: description, tensors: try zoo.floatTensors(manifest: manifest, config: config))
        let file = try SafetensorsFile(path: input)
        guard let x = file.tensors.first(where: { $0.name == "x" }), x.dtype == .f32, x.shape.count >= 1,
              Array(x.shape.dropFirst()) == network.inputShape else {
            FileHandle.standardError.write(Data("\(input): needs an F32 tensor 'x' of shape [N] + \(network.inputShape)\n".utf8))
            return 1
        }
        let raw = file.bytes(of: x)
        let values = (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        let tensor = Tensor(shape: x.shape, data: values)
        for (path, training) in [(evalOutput, false), (trainOutput, true)] {
            guard let path else { continue }
            let y = network.forward(tensor, training: training)
            let writer = try SafetensorsWriter(path: path, tensors: [(name: "y", dtype: .f32, shape: y.shape)], metadata: nil)
            var failure: FormatError?
            y.data.map { $0.bitPattern.littleEndian }.withUnsafeBytes { bytes in
                do throws(FormatError) { try writer.write(bytes) } catch { failure = error }
            }
            if let failure { throw failure }
            try writer.finish()
        }
        return 0
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return 1
    }
}
