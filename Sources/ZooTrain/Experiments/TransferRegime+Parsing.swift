extension TransferRegime {
    /// Parses a comma-separated list of regime names (`frozen,lpft`), in the order given.
    public static func list(parsing text: String) throws(TrainError) -> [TransferRegime] {
        var result: [TransferRegime] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(item.filter { $0 != " " })
            guard let regime = TransferRegime(rawValue: name) else {
                throw TrainError(.invalidConfiguration, "'\(name)' is not a regime; give a comma-separated list of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !result.contains(regime) else { throw TrainError(.invalidConfiguration, "regime '\(name)' is listed twice") }
            result.append(regime)
        }
        return result
    }
}
