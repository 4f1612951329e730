import Foundation

/// The real material that heavier tests use (weights, photos), fetched by
/// `scripts/fetch-test-data.sh` into `$ZOO_TEST_DATA`; none of it is committed.
///
/// Use as a trait, `@Test(.enabled(if: TestData.has("minilm.safetensors")))`, then `TestData.path(...)`.
/// When the data is absent the test is reported as skipped, never as passed; with
/// `ZOO_REQUIRE_TEST_DATA=1` (as `.ci/run` sets) it runs anyway and fails on the missing file.
public enum TestData {
    /// The folder named by `ZOO_TEST_DATA`, else `.build/test-data` under the package root.
    public static var folder: URL {
        if let dir = ProcessInfo.processInfo.environment["ZOO_TEST_DATA"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        return packageRoot.appendingPathComponent(".build/test-data", isDirectory: true)
    }

    /// The package root (three levels above this file).
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether the test should run: the file exists, or the data is required.
    public static func has(_ relativePath: String) -> Bool {
        required || FileManager.default.fileExists(atPath: path(relativePath))
    }

    /// True when `ZOO_REQUIRE_TEST_DATA=1`: missing data is a failure, not a skip.
    public static var required: Bool { ProcessInfo.processInfo.environment["ZOO_REQUIRE_TEST_DATA"] == "1" }

    /// The absolute path of a file in the data folder (it may not exist).
    public static func path(_ relativePath: String) -> String {
        folder.appendingPathComponent(relativePath).path
    }
}
