// swift-tools-version:5.4
// The libFuzzer harnesses (formats/fuzzing.md). A package of its own, declared as tools 5.4: from
// 5.5 on SwiftPM renames an executable's entry point, and libFuzzer's `main` then fails to link.
// Build and run it with scripts/fuzz.sh, which passes -sanitize=fuzzer,address to every module.
import PackageDescription

let package = Package(
    name: "ZooFuzz",
    dependencies: [.package(name: "ModelZoo", path: "..")],
    targets: [
        // zlib for the reference decoder of the differential targets (ZooFormat's CZlib is not a product).
        .systemLibrary(name: "CFuzzZlib", path: "Sources/CFuzzZlib"),
        .executableTarget(
            name: "zoo-fuzz",
            dependencies: [
                "CFuzzZlib",
                .product(name: "ZooFormat", package: "ModelZoo"),
                .product(name: "ZooModel", package: "ModelZoo"),
                .product(name: "ZooRegistry", package: "ModelZoo"),
                .product(name: "ZooData", package: "ModelZoo"),
            ],
            path: "Sources/ZooFuzz",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ]
)
