import Foundation
import Testing
import ZooFormat
import ZooModel
@testable import ZooTrain

/// CSV and gzip loading, splits and normalisation.
struct DatasetTests {
    @Test func loadsTheDigitsCopy() throws {
        let digits = try Dataset.load(csvAt: TestPaths.digits.path)
        #expect(digits.count == 1797)
        #expect(digits.featureCount == 64)
        #expect(digits.classCount == 10)
        #expect(digits.features.allSatisfy { $0 >= 0 && $0 <= 16 })
        #expect(Array(digits.features[0..<6]) == [0, 0, 5, 13, 9, 1])
        #expect(digits.labels[0] == 0)
    }

    @Test func parsesHeadersAndRefusesBadRows() throws {
        let d = try Dataset.parseCSV("a,b,label\n1,2,0\n3.5,-4,1\n\n")
        #expect(d.features == [1, 2, 3.5, -4])
        #expect(d.labels == [0, 1])
        for bad in ["1,2,0\n1,2\n", "1,x,0\n2,2,0\n1,y,0\n", "1,2,0.5\n", "1,2,-1\n", ""] {
            #expect(throws: DataError.self) { _ = try Dataset.parseCSV(bad) }
        }
    }

    @Test func gzipRefusesCorruptData() throws {
        let good = [UInt8](try Data(contentsOf: TestPaths.digits))
        let text = try Gzip.decompress(good)
        #expect(text.count > 100_000)
        var corrupt = good
        corrupt[100] ^= 0xFF
        corrupt[101] ^= 0xFF
        #expect(throws: FormatError.self) { _ = try Gzip.decompress(corrupt) }
        #expect(throws: FormatError.self) { _ = try Gzip.decompress(Array(good.prefix(500))) }
        #expect(throws: FormatError.self) { _ = try Gzip.decompress(good, maxOutputBytes: 1000) }
    }

    @Test func stratifiedSplitIsSeededAndKeepsClassShares() {
        let labels = (0..<100).map { $0 < 80 ? 0 : 1 }
        let d = Dataset(features: (0..<100).map(Float.init), featureCount: 1, labels: labels)
        let (train, val) = d.split(validationFraction: 0.2, seed: 5)
        #expect(train.count == 80 && val.count == 20)
        #expect(val.labels.filter { $0 == 1 }.count == 4)
        #expect(Set(train.features + val.features).count == 100)
        #expect(d.split(validationFraction: 0.2, seed: 5).validation == val)
        #expect(d.split(validationFraction: 0.2, seed: 6).validation != val)
        // A stray huge label is just another class, not an allocation.
        let odd = Dataset(features: [1, 2, 3], featureCount: 1, labels: [0, 1 << 60, 0])
        #expect(odd.split(validationFraction: 0.5, seed: 1).validation.count == 2)
    }

    @Test func normalisations() throws {
        let d = Dataset(features: [0, 10, 2, 20, 4, 30], featureCount: 2, labels: [0, 1, 0])
        let std = try #require(d.fitNormalization(.standardize))
        #expect(std.mean == [2, 20])
        let n = try d.normalized(std)
        #expect(abs(n.features[0] + n.features[2] + n.features[4]) < 1e-6)
        let scaled = try d.normalized(try #require(d.fitNormalization(.scale(16))))
        #expect(scaled.features[3] == 1.25)
        #expect(d.fitNormalization(.none) == nil)
        #expect(try d.normalized(try #require(d.fitNormalization(.maxAbs))).features.max() == 1)
        #expect(throws: TrainError.self) { _ = try d.normalized(Normalization(mean: [0, 0, 0], std: [1])) }
        #expect(throws: TrainError.self) { _ = try d.normalized(Normalization(mean: [0], std: [0])) }
    }
}
