// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ModelZoo",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ZooFormat", targets: ["ZooFormat"]),
        .library(name: "ZooModel", targets: ["ZooModel"]),
        .library(name: "ZooRegistry", targets: ["ZooRegistry"]),
        .library(name: "ZooData", targets: ["ZooData"]),
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
        // PNG and JPEG decoding for ZooData (libpng 1.6, libjpeg-turbo: the libraries Pillow uses, so
        // decoded pixels equal PIL's). The shims hold the setjmp error handling in C.
        .systemLibrary(
            name: "CPNG",
            path: "Sources/CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .systemLibrary(
            name: "CJPEG",
            path: "Sources/CJPEG",
            pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"])]
        ),
        .target(
            name: "ZooFormat",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "ZooModel", dependencies: ["ZooFormat"]),
        .target(name: "ZooRegistry", dependencies: ["ZooFormat", "ZooModel"]),
        // The SGEMM micro-kernels, one module per instruction set: Swift has no per-function target
        // attribute, so each kernel is compiled in its own module for its CPU, and ZooTrain picks one
        // at run time (GemmKernel.swift: AVX-512 where the CPU and OS support it, else AVX2 + FMA).
        .target(
            name: "ZooKernelsAVX512",
            swiftSettings: [
                .unsafeFlags(["-Ounchecked", "-target-cpu", "skylake-avx512"], .when(configuration: .release)),
                .define("ZOO_FMA", .when(configuration: .release)),
            ]
        ),
        .target(
            name: "ZooKernelsAVX2",
            swiftSettings: [
                .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"], .when(configuration: .release)),
                .define("ZOO_FMA", .when(configuration: .release)),
            ]
        ),
        .target(
            name: "ZooData",
            dependencies: ["ZooFormat", "ZooModel", "CPNG", "CJPEG"]
        ),
        .target(
            name: "ZooTrain",
            dependencies: ["ZooModel", "ZooData", "ZooKernelsAVX512", "ZooKernelsAVX2"],
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
                "ZooFormat", "ZooModel", "ZooRegistry", "ZooData", "ZooTrain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "zoo-bench",
            dependencies: ["ZooFormat", "ZooModel", "ZooRegistry", "ZooData", "ZooTrain", "CZlib"]
        ),
        // Where the fetched real weights and photos are (scripts/fetch-test-data.sh), and the shapes-only
        // architecture fixture (Fixtures/architectures.json.gz); shared by the test targets.
        .target(name: "ZooTestSupport", dependencies: ["ZooFormat"], path: "Tests/ZooTestSupport", exclude: ["Fixtures"]),
        .testTarget(name: "ZooFormatTests", dependencies: ["ZooFormat", "ZooTestSupport"]),
        .testTarget(name: "ZooModelTests", dependencies: ["ZooModel", "ZooTestSupport"]),
        .testTarget(name: "ZooDataTests", dependencies: ["ZooData", "ZooFormat", "CPNG", "CJPEG", "ZooTestSupport"]),
        .testTarget(name: "ZooRegistryTests", dependencies: ["ZooRegistry", "ZooTestSupport"]),
        .testTarget(name: "ZooTrainTests", dependencies: ["ZooTrain", "ZooTestSupport"], exclude: ["Vectors"]),
        // "zoo" and "ZooTrain": the report tests render experiment results through the CLI's report code.
        .testTarget(name: "ZooCLITests", dependencies: ["ZooFormat", "ZooModel", "ZooRegistry", "ZooData", "ZooTrain", "zoo", "ZooTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
