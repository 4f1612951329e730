import Foundation
import Testing
@testable import ZooModel

/// Mean and standard deviation, in Double.
private func stats(_ v: [Float]) -> (mean: Double, std: Double) {
    let n = Double(v.count)
    let mean = v.reduce(0.0) { $0 + Double($1) } / n
    let variance = v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
    return (mean, variance.squareRoot())
}

@Suite struct InitSchemeTests {
    @Test func parsesEveryScheme() throws {
        #expect(try InitScheme.parse("he") == .he)
        #expect(try InitScheme.parse("Kaiming") == .he)
        #expect(try InitScheme.parse("glorot") == .glorot)
        #expect(try InitScheme.parse("xavier") == .glorot)
        #expect(try InitScheme.parse("lecun") == .lecun)
        #expect(try InitScheme.parse("trunc-normal:0.02") == .truncNormal(std: 0.02))
        #expect(try InitScheme.parse("zeros") == .zeros)
        #expect(try InitScheme.parse("pytorch") == .pytorch)
        for s in ["he", "glorot", "lecun", "trunc-normal:0.02", "zeros", "pytorch"] {
            #expect(try InitScheme.parse(s).description == s)
        }
    }

    @Test(arguments: ["uniformish", "trunc-normal", "trunc-normal:-1", "trunc-normal:abc", ""])
    func badSchemesAreRefused(text: String) {
        expectModelError(.invalidSpec, mentions: []) { _ = try InitScheme.parse(text) }
    }

    // Reference outputs from the published C code, re-implemented in Python:
    // SplitMix64 from state 0 gives 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f;
    // xoshiro256** seeded by SplitMix64(42) gives the four values below.
    @Test func generatorsMatchTheirReferenceOutputs() {
        var state: UInt64 = 0
        #expect(SeededRandom.splitMix64(&state) == 0xe220_a839_7b1d_cdaf)
        #expect(SeededRandom.splitMix64(&state) == 0x6e78_9e6a_a1b9_65f4)
        #expect(SeededRandom.splitMix64(&state) == 0x06c4_5d18_8009_454f)
        var rng = SeededRandom(seed: 42)
        #expect([rng.next(), rng.next(), rng.next(), rng.next()] ==
                [0x1578_0b2e_0c2e_c716, 0x6104_d986_6d11_3a7e, 0xae17_5332_39e4_99a1, 0xecb8_ad47_03b3_60a1])
    }

    @Test func portableLogAgreesWithLibm() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<2000 {
            let x = rng.unit() * 4 + 1e-12
            #expect(abs(portableLog(x) - Foundation.log(x)) <= 4e-16 * max(1, abs(Foundation.log(x))))
        }
        for x in [1e-300, 1e-10, 0.5, 1.0, 2.0, 1e10, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude] {
            #expect(abs(portableLog(x) - Foundation.log(x)) <= 1e-15 * abs(Foundation.log(x)) + 1e-16)
        }
    }

    @Test func normalSamplesHaveUnitVariance() {
        var rng = SeededRandom(seed: 1)
        let v = (0..<100_000).map { _ in Float(rng.normal()) }
        let s = stats(v)
        #expect(abs(s.mean) < 0.015)
        #expect(abs(s.std - 1) < 0.01)
    }

    private func weights(_ scheme: InitScheme, spec: String = "dense:512", input: [Int] = [256], seed: UInt64 = 3) throws -> [String: [Float]] {
        let built = try ModelBuilder.layers(from: try LayerSpec.parse(spec), input: input)
        let tensors = try ModelBuilder.initialize(built.tensors, scheme: scheme, seed: seed)
        return Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.values) })
    }

    @Test func heHasStdSqrtTwoOverFanIn() throws {
        let w = try weights(.he)
        let s = stats(w["0.weight"] ?? [])
        #expect(w["0.weight"]?.count == 512 * 256)
        #expect(abs(s.mean) < 0.001)
        #expect(abs(s.std / (2.0 / 256).squareRoot() - 1) < 0.01)
        #expect(w["0.bias"]?.allSatisfy { $0 == 0 } == true)
    }

    @Test func heUsesConvFanIn() throws {
        let w = try weights(.he, spec: "conv2d:64:3", input: [32, 8, 8])
        let s = stats(w["0.weight"] ?? [])
        #expect(abs(s.std / (2.0 / (32 * 9)).squareRoot() - 1) < 0.015)
    }

    @Test func lecunHasStdSqrtOneOverFanIn() throws {
        let s = stats(try weights(.lecun)["0.weight"] ?? [])
        #expect(abs(s.std / (1.0 / 256).squareRoot() - 1) < 0.01)
    }

    @Test func glorotIsUniformWithinItsBound() throws {
        let v = try weights(.glorot)["0.weight"] ?? []
        let a = (6.0 / (256 + 512)).squareRoot()
        #expect(v.allSatisfy { abs(Double($0)) <= a })
        #expect(abs(stats(v).std / (a / 3.0.squareRoot()) - 1) < 0.01)
        #expect(Double(v.max() ?? 0) > a * 0.99)
    }

    @Test func truncatedNormalStaysWithinTwoStd() throws {
        let v = try weights(.truncNormal(std: 0.02))["0.weight"] ?? []
        #expect(v.allSatisfy { abs($0) <= 0.04 })
        // The std of a normal truncated at ±2σ is 0.8796σ.
        #expect(abs(stats(v).std / (0.02 * 0.87962566) - 1) < 0.01)
    }

    @Test func pytorchDrawsWeightAndBiasUniformly() throws {
        let w = try weights(.pytorch)
        let bound = 1 / 256.0.squareRoot()
        let weight = w["0.weight"] ?? [], bias = w["0.bias"] ?? []
        #expect(weight.allSatisfy { abs(Double($0)) <= bound })
        #expect(abs(stats(weight).std / (bound / 3.0.squareRoot()) - 1) < 0.01)
        #expect(bias.count == 512 && bias.allSatisfy { abs(Double($0)) <= bound })
        #expect(bias.contains { $0 != 0 })
    }

    @Test func zerosAndNormLayers() throws {
        let z = try weights(.zeros)
        #expect(z.values.allSatisfy { $0.allSatisfy { $0 == 0 } })
        let n = try weights(.he, spec: "batchnorm,layernorm", input: [8, 2, 2])
        #expect(n["0.weight"] == [Float](repeating: 1, count: 8))
        #expect(n["0.running_var"] == [Float](repeating: 1, count: 8))
        #expect(n["0.bias"] == [Float](repeating: 0, count: 8))
        #expect(n["0.running_mean"] == [Float](repeating: 0, count: 8))
        #expect(n["1.weight"] == [1, 1])
        #expect(n["1.bias"] == [0, 0])
    }

    @Test func sameSeedSameBytesOtherSeedOtherBytes() throws {
        let a = try ModelBuilder.create(input: [64], specs: try LayerSpec.parse("dense:32,relu,dense:10"), scheme: .he, seed: 9)
        let b = try ModelBuilder.create(input: [64], specs: try LayerSpec.parse("dense:32,relu,dense:10"), scheme: .he, seed: 9)
        let c = try ModelBuilder.create(input: [64], specs: try LayerSpec.parse("dense:32,relu,dense:10"), scheme: .he, seed: 10)
        #expect(a.tensors.map(\.littleEndianBytes) == b.tensors.map(\.littleEndianBytes))
        #expect(a.tensors[0].littleEndianBytes != c.tensors[0].littleEndianBytes)
        #expect(a.tensors[2].littleEndianBytes != c.tensors[2].littleEndianBytes)
        #expect(a.description == b.description)
    }

    @Test func eachTensorHasItsOwnStream() throws {
        let short = try weights(.glorot, spec: "dense:16,relu,dense:8", input: [12])
        let long = try weights(.glorot, spec: "dense:16,relu,dense:8,relu,dense:4", input: [12])
        #expect(short["0.weight"] == long["0.weight"])
        #expect(short["2.weight"] == long["2.weight"])
        // Two tensors of one shape in one model still differ.
        let twin = try weights(.he, spec: "dense:8,dense:8", input: [8])
        #expect(twin["0.weight"] != twin["1.weight"])
    }

    @Test func littleEndianBytesOfKnownFloats() {
        let t = InitializedTensor(name: "x", shape: [2], values: [1, -2], summary: "")
        #expect(t.littleEndianBytes == [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0])
    }

    @Test func oversizedTensorsAreRefused() {
        expectModelError(.outOfRange, mentions: ["0.weight"]) {
            let built = try ModelBuilder.layers(from: try LayerSpec.parse("dense:16777216"), input: [16777216])
            _ = try ModelBuilder.initialize(built.tensors, scheme: .he, seed: 1)
        }
    }

    // The stream recipe in formats/model-description.md ("Initialisation"), re-implemented from the
    // text in Python (libm's log, not ours), gives these first values:
    // import struct, math
    // M=(1<<64)-1
    // def sm(st):
    //     st=(st+0x9e3779b97f4a7c15)&M; z=st
    //     z=((z^(z>>30))*0xbf58476d1ce4e5b9)&M; z=((z^(z>>27))*0x94d049bb133111eb)&M
    //     return st, z^(z>>31)
    // def rotl(x,k): return ((x<<k)|(x>>(64-k)))&M
    // class R:
    //     def __init__(s, seed, name):
    //         h=0xcbf29ce484222325
    //         for b in name.encode(): h=((h^b)*0x100000001b3)&M
    //         _,k=sm(seed^h)
    //         st=k; s.s=[]
    //         for i in range(4):
    //             st,v=sm(st); s.s.append(v)
    //     def next(s):
    //         a=s.s; r=(rotl((a[1]*5)&M,7)*9)&M; t=(a[1]<<17)&M
    //         a[2]^=a[0]; a[3]^=a[1]; a[1]^=a[2]; a[0]^=a[3]; a[2]^=t; a[3]=rotl(a[3],45); return r
    //     def unit(s): return (s.next()>>11)*2.0**-53
    //     def normal(s):
    //         while True:
    //             u=2*s.unit()-1; v=2*s.unit()-1; q=u*u+v*v
    //             if 0<q<1: return u*math.sqrt(-2*math.log(q)/q)
    // f32=lambda x: struct.unpack('<f',struct.pack('<f',x))[0]
    // r=R(42,"head.0.weight"); std=math.sqrt(2/4)
    // print([f32(r.normal()*std) for _ in range(6)])
    // r=R(42,"head.0.bias"); b=1/math.sqrt(4)
    // print([f32(-b+(b-(-b))*r.unit()) for _ in range(3)])
    @Test func valuesMatchThePythonReimplementationOfTheDocumentedRecipe() throws {
        let built = try ModelBuilder.layers(from: [LayerSpec(.dense(outFeatures: 3))], input: [4], prefix: "head")
        let he = try ModelBuilder.initialize(built.tensors, scheme: .he, seed: 42)
        #expect(Array(he[0].values.prefix(6)) == [-0.4026760458946228, -0.7026963233947754, 0.2634443938732147,
                                                  -0.5337331891059875, 1.057602882385254, 1.9668300151824951])
        let torch = try ModelBuilder.initialize(built.tensors, scheme: .pytorch, seed: 42)
        #expect(torch[1].values == [0.18207545578479767, -0.1371130794286728, 0.06546363234519958])
    }
}
