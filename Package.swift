// swift-tools-version:6.2
// Slipway: one binary that serves, versions, watches and protects machine-learning models.
import Foundation
import PackageDescription

/// The same strict settings on every target (style.md §1, §7.1). Release builds on Linux put each function in its
/// own section, so the linker can drop the unused ones and lay out the ones `slipway serve` runs next to each other
/// (`releaseLinkSettings`).
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .unsafeFlags(["-Xfrontend", "-function-sections"], .when(platforms: [.linux], configuration: .release)),
]

/// The engine's kernels use AVX2 and FMA on x86-64 (`SLIPWAY_FMA`: fused multiply-add in the GEMM micro-kernel).
/// `SLIPWAY_PORTABLE=1 swift build` builds for any x86-64 CPU instead (about 3x slower matrix products).
let portable = Context.environment["SLIPWAY_PORTABLE"] == "1"
#if arch(x86_64)
    let cpuSettings: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-target-cpu", "haswell"]), .define("SLIPWAY_FMA")]
#else
    let cpuSettings: [SwiftSetting] = []
#endif

/// Kernels are compiled with optimisation even in debug builds, so the test suite runs real models quickly.
let kernelSettings: [SwiftSetting] = strictSettings + cpuSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// How the release `slipway` binary is linked on Linux, for a smaller resident set (BENCHMARKS.md "Resident memory"):
/// - lld with packed relative relocations (DT_RELR, glibc 2.36+): the 2 MB `.rela.dyn` table the loader reads at every
///   start shrinks to a few kB;
/// - the Swift runtime and Foundation linked statically (`-static-stdlib`, with the static Foundation's own libraries),
///   so `--gc-sections` drops what the binary never calls and the code it does call is not spread over 9 shared
///   libraries, each mapped in 64 kB fault-around windows;
/// - `--no-export-dynamic` undoes the `-export-dynamic` of the static-stdlib arguments: nothing loads plug-ins into
///   slipway, and exporting every symbol adds 6 MB of dynamic symbol table that every symbol lookup touches.
/// - the functions `slipway serve` runs first, next to each other, in the order `scripts/symbol-order.sh` recorded in
///   `scripts/symbol-order/serve.order`, so the pages they share are the only ones resident.
/// `SLIPWAY_DYNAMIC_STDLIB=1 swift build -c release` links the usual way (shared Swift libraries, the default linker).
let dynamicStdlib = Context.environment["SLIPWAY_DYNAMIC_STDLIB"] == "1"
let symbolOrder = Context.packageDirectory + "/scripts/symbol-order/serve.order"
let symbolOrderFlags =
    FileManager.default.fileExists(atPath: symbolOrder)
    ? ["-Xlinker", "--symbol-ordering-file=\(symbolOrder)", "-Xlinker", "--no-warn-symbol-ordering"] : []
let releaseLinkSettings: [LinkerSetting] =
    dynamicStdlib
    ? []
    : [
        .unsafeFlags(
            [
                "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                "-static-stdlib", "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
                "-Xlinker", "--no-export-dynamic",
            ] + symbolOrderFlags,
            .when(platforms: [.linux], configuration: .release))
    ]

let package = Package(
    name: "slipway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "slipway", targets: ["slipway"]),
        .library(name: "SlipwayTensor", targets: ["SlipwayTensor"]),
        .library(name: "SlipwayEngine", targets: ["SlipwayEngine"]),
        .library(name: "SlipwayONNX", targets: ["SlipwayONNX"]),
        .library(name: "SlipwayRegistry", targets: ["SlipwayRegistry"]),
        .library(name: "SlipwayRuntime", targets: ["SlipwayRuntime"]),
        .library(name: "SlipwayMonitoring", targets: ["SlipwayMonitoring"]),
        .library(name: "SlipwayHTTP", targets: ["SlipwayHTTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
        .package(url: "https://github.com/apple/swift-numerics.git", from: "1.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.14.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        // MARK: - Engine (imports nothing server-side)
        .target(
            name: "SlipwayTensor",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: kernelSettings
        ),
        .target(
            name: "SlipwayEngine",
            dependencies: ["SlipwayTensor", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: kernelSettings
        ),
        .target(
            name: "SlipwayONNX",
            dependencies: [
                "SlipwayEngine", "SlipwayTensor",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: [],
            swiftSettings: strictSettings
        ),
        // MARK: - Model registry (metadata in SQLite, content-addressed artifacts; no engine)
        .target(
            name: "SlipwayRegistry",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        // MARK: - Serving core (transport-free)
        .target(
            name: "SlipwayRuntime",
            dependencies: [
                "SlipwayEngine", "SlipwayONNX", "SlipwayTensor", "SlipwayRegistry",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                "SlipwayMonitoring", "SlipwaySecurity",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: kernelSettings
        ),
        // MARK: - Storage (SQLite helpers shared by the stores: the bound-insert path of the hot appends)
        .target(
            name: "SlipwayStorage",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        // MARK: - Monitoring (drift statistics and detectors in Drift/ and Detectors/ use the standard library and
        // RealModule only; the prediction log (GRDB) and metrics (swift-metrics) sit beside them)
        .target(
            name: "SlipwayMonitoring",
            dependencies: [
                "SlipwayStorage",
                .product(name: "RealModule", package: "swift-numerics"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: kernelSettings
        ),
        // MARK: - Security (API keys, roles, JWT, the audit chain, data encryption; no transport)
        .target(
            name: "SlipwaySecurity",
            dependencies: [
                "SlipwayStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: strictSettings
        ),
        // MARK: - HTTP transport (KServe V2 over Hummingbird; no GRDB, no engine internals)
        .target(
            name: "SlipwayHTTP",
            dependencies: [
                "SlipwayRuntime", "SlipwayTensor", "SlipwayRegistry", "SlipwayMonitoring", "SlipwaySecurity",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // MARK: - Executable
        .executableTarget(
            name: "slipway",
            dependencies: [
                "SlipwayRuntime", "SlipwayRegistry", "SlipwayONNX", "SlipwayEngine", "SlipwayTensor", "SlipwayMonitoring", "SlipwayHTTP",
                "SlipwaySecurity",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings,
            linkerSettings: releaseLinkSettings
        ),
        // MARK: - Tests
        .target(
            name: "SlipwayTestSupport",
            dependencies: [
                "SlipwayTensor", "SlipwayEngine", "SlipwayONNX",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/SlipwayTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "SlipwayTensorTests", dependencies: ["SlipwayTensor"], swiftSettings: strictSettings),
        .testTarget(
            name: "SlipwayEngineTests",
            dependencies: ["SlipwayEngine", "SlipwayTensor", "SlipwayTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SlipwayONNXTests",
            dependencies: ["SlipwayONNX", "SlipwayEngine", "SlipwayTensor", "SlipwayTestSupport"],
            exclude: ["Conformance/onnx-node.txt", "Conformance/onnx-node-failing.tsv"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SlipwayRuntimeTests",
            dependencies: [
                "SlipwayRuntime", "SlipwayRegistry", "SlipwayONNX", "SlipwayEngine", "SlipwayTensor", "SlipwayTestSupport", "SlipwayMonitoring",
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SlipwayRegistryTests",
            dependencies: [
                "SlipwayRegistry",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SlipwayStorageTests",
            dependencies: ["SlipwayStorage", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SlipwayMonitoringTests",
            dependencies: ["SlipwayMonitoring", "SlipwayTestSupport", .product(name: "Metrics", package: "swift-metrics")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SlipwaySecurityTests",
            dependencies: [
                "SlipwaySecurity", "SlipwayTestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SlipwayHTTPTests",
            dependencies: [
                "SlipwayHTTP", "SlipwayRuntime", "SlipwayRegistry", "SlipwayTensor", "SlipwayTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                "SlipwayMonitoring", "SlipwaySecurity",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SlipwayCLITests",
            dependencies: ["SlipwayTestSupport", "SlipwayTensor", "SlipwayRegistry"],
            swiftSettings: strictSettings
        ),
    ]
)
