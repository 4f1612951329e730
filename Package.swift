// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ModelZoo",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ZooFormat", targets: ["ZooFormat"]),
        .library(name: "ZooModel", targets: ["ZooModel"]),
        .library(name: "ZooRegistry", targets: ["ZooRegistry"]),
        .library(name: "ZooTrain", targets: ["ZooTrain"]),
        .executable(name: "zoo", targets: ["zoo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-256 of tensors and blobs: BoringSSL's hashing is several times faster than a hand-written one.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // CRC-32 by carry-less multiplication (PCLMULQDQ, chosen at run time): Swift has no way to
        // reach that instruction, and the chunk checksums are a quarter of decoding time without it.
        .target(name: "CZooKernels"),
        .target(
            name: "ZooFormat",
            dependencies: ["CZlib", "CZooKernels", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "ZooModel", dependencies: ["ZooFormat"]),
        .target(name: "ZooRegistry", dependencies: ["ZooFormat", "ZooModel"]),
        .target(
            name: "ZooTrain",
            dependencies: ["ZooModel"],
            swiftSettings: [
                // haswell: AVX2 + FMA for the GEMM micro-kernel (every machine of this project has them);
                // ZOO_FMA lets the kernels use fused multiply-add only where it compiles to one instruction.
                .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release)),
                .define("ZOO_FMA", .when(configuration: .release)),
            ]
        ),
        .executableTarget(
            name: "zoo",
            dependencies: [
                "ZooFormat", "ZooModel", "ZooRegistry", "ZooTrain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "zoo-bench",
            dependencies: ["ZooFormat", "ZooModel", "ZooRegistry", "ZooTrain", "CZlib"]
        ),
        // Where the fetched real weights and photos are (scripts/fetch-test-data.sh); shared by the test targets.
        .target(name: "ZooTestSupport", path: "Tests/ZooTestSupport"),
        // glibc's mallinfo2, for the test that failed decodes keep no memory.
        .systemLibrary(name: "CMallocInfo", path: "Tests/CMallocInfo"),
        .testTarget(name: "ZooFormatTests", dependencies: ["ZooFormat", "ZooTestSupport", "CMallocInfo"]),
        .testTarget(name: "ZooModelTests", dependencies: ["ZooModel", "ZooTestSupport"]),
        .testTarget(name: "ZooRegistryTests", dependencies: ["ZooRegistry", "ZooTestSupport"]),
        .testTarget(name: "ZooTrainTests", dependencies: ["ZooTrain", "ZooTestSupport"], exclude: ["Vectors"]),
        // "zoo" and "ZooTrain": the report tests render experiment results through the CLI's report code.
        .testTarget(name: "ZooCLITests", dependencies: ["ZooFormat", "ZooModel", "ZooRegistry", "ZooTrain", "zoo", "ZooTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
