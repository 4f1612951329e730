import Foundation

/// Mean and spread of one quantity over repeated runs (seeds).
public struct SummaryStatistics: Codable, Sendable, Equatable {
    /// Number of values.
    public var count: Int
    /// Arithmetic mean (0 for no values).
    public var mean: Double
    /// Sample standard deviation (divisor n - 1, as numpy's `std(ddof=1)`); 0 for fewer than two values.
    public var std: Double
    /// Smallest value.
    public var min: Double
    /// Largest value.
    public var max: Double

    /// The statistics of `values`, summed in order so they are reproducible.
    public init(_ values: [Double]) {
        count = values.count
        let m = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        mean = m
        let squares = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        std = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0
        min = values.min() ?? 0
        max = values.max() ?? 0
    }

    /// Element-wise mean of equally long series (learning curves over seeds); shorter series
    /// contribute only to the epochs they have.
    public static func meanCurve(_ curves: [[Double]]) -> [Double] {
        let length = curves.map(\.count).max() ?? 0
        return (0..<length).map { i in
            let column = curves.compactMap { i < $0.count ? $0[i] : nil }
            return column.reduce(0, +) / Double(Swift.max(1, column.count))
        }
    }
}
