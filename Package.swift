// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ModelZoo",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ZooFormat", targets: ["ZooFormat"]),
        .library(name: "ZooModel", targets: ["ZooModel"]),
        .library(name: "ZooRegistry", targets: ["ZooRegistry"]),
        .library(name: "ZooDistribution", targets: ["ZooDistribution"]),
        .library(name: "ZooData", targets: ["ZooData"]),
        .library(name: "ZooTrain", targets: ["ZooTrain"]),
        .executable(name: "zoo", targets: ["zoo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-256 of tensors and blobs: BoringSSL's hashing is several times faster than a hand-written one.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        // The registry client (push, pull): streaming request and response bodies, range requests,
        // a connection pool for parallel blobs, and TLS with extra trust roots (--ca-file), which
        // URLSession on Linux cannot do (FoundationNetworking reads a CA file only on Android).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.30.0"),
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
            dependencies: ["CZlib", "CZooKernels", .product(name: "Crypto", package: "swift-crypto")]
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
            name: "ZooDistribution",
            dependencies: [
                "ZooFormat", "ZooRegistry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
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
                "ZooFormat", "ZooModel", "ZooRegistry", "ZooDistribution", "ZooData", "ZooTrain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "zoo-bench",
            dependencies: ["ZooFormat", "ZooModel", "ZooRegistry", "ZooDistribution", "ZooData", "ZooTrain", "CZlib"]
        ),
        // Where the fetched real weights and photos are (scripts/fetch-test-data.sh), and the shapes-only
        // architecture fixture (Fixtures/architectures.json.gz); shared by the test targets.
        .target(name: "ZooTestSupport", dependencies: ["ZooFormat"], path: "Tests/ZooTestSupport", exclude: ["Fixtures"]),
        // glibc's mallinfo2, for the test that failed decodes keep no memory.
        .systemLibrary(name: "CMallocInfo", path: "Tests/CMallocInfo"),
        .testTarget(name: "ZooFormatTests", dependencies: ["ZooFormat", "ZooTestSupport", "CMallocInfo"]),
        .testTarget(name: "ZooModelTests", dependencies: ["ZooModel", "ZooTestSupport"]),
        .testTarget(name: "ZooDataTests", dependencies: ["ZooData", "ZooFormat", "CPNG", "CJPEG", "ZooTestSupport"]),
        .testTarget(name: "ZooRegistryTests", dependencies: ["ZooRegistry", "ZooTestSupport"]),
        .testTarget(name: "ZooDistributionTests", dependencies: ["ZooDistribution", "ZooRegistry", "ZooTestSupport"]),
        .testTarget(name: "ZooTrainTests", dependencies: ["ZooTrain", "ZooTestSupport"], exclude: ["Vectors"]),
        // "zoo" and "ZooTrain": the report tests render experiment results through the CLI's report code.
        // Fixtures: the token server the registry tests start in front of CNCF Distribution.
        .testTarget(name: "ZooCLITests", dependencies: ["ZooFormat", "ZooModel", "ZooRegistry", "ZooDistribution", "ZooData", "ZooTrain", "zoo", "ZooTestSupport"],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
