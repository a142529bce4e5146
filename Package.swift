// swift-tools-version: 6.1
import PackageDescription

// Every target compiles in the Swift 6 language mode (strict concurrency) with warnings kept visible.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Genesis",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "GenesisEngine", targets: ["GenesisEngine"]),
        .library(name: "GenesisProviders", targets: ["GenesisProviders"]),
        .executable(name: "genesis", targets: ["genesis"]),
        .executable(name: "genesis-bench", targets: ["genesis-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        // OpenTelemetry traces over OTLP/HTTP only (the gRPC exporter is left out: its packages
        // are resolved but not built).
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The engine: registry, limits, retries, fallbacks, cache, metrics, pricing, config (with its
        // own TOML 1.0 reader) and the simulated provider. No terminal, storage or network code.
        .target(
            name: "GenesisEngine",
            dependencies: [
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Collections", package: "swift-collections"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // posix_spawn's close-from and new-session settings, which glibc shows only to _GNU_SOURCE
        // (children must not inherit our sockets: SwiftNIO does not mark them close-on-exec).
        .target(name: "CSpawn"),
        // Child processes: started in a session of their own, with a bounded run (time, output)
        // for scripts; used by local model servers and by script assertions.
        .target(name: "GenesisProcess", dependencies: ["CSpawn"], swiftSettings: swiftSettings),
        // Adapters for real providers' wire formats (OpenAI, Anthropic, Gemini, Mistral, Ollama,
        // llama.cpp, OpenAI-compatible) over a small streaming HTTP/1.1 client on SwiftNIO.
        .target(
            name: "GenesisProviders",
            dependencies: [
                "GenesisEngine",
                "GenesisProcess",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                // NIOHTTP1ProxyConnectHandler: the CONNECT tunnel through an HTTP proxy.
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                // NIOHTTPResponseDecompressor: a gzip body a proxy sends unasked (links zlib).
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        // Storage: conversations, the usage ledger, the persistent cache and prompt history in one
        // SQLite database (GRDB, WAL mode, migrations).
        .target(
            name: "GenesisStore",
            dependencies: ["GenesisEngine", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Evaluation: promptfoo suites (YAML or JSON), assertions, scoring, the arena's ratings.
        // javascript and python assertions run in child processes (GenesisProcess); runs and
        // votes are kept in GenesisStore, which knows nothing of evaluation.
        .target(
            name: "GenesisEvaluation",
            dependencies: ["GenesisEngine", "GenesisProcess", "GenesisStore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // The report of a recorded conversation (`genesis report`): one self-contained HTML file
        // (Plot builds it, Ink renders the answers' Markdown) or Markdown. A target of its own so
        // that the CLI and the console share it without the engine or the store seeing HTML.
        .target(
            name: "GenesisReport",
            dependencies: [
                "GenesisEngine",
                "GenesisEvaluation",
                "GenesisStore",
                .product(name: "Ink", package: "Ink"),
                .product(name: "Plot", package: "Plot"),
            ],
            swiftSettings: swiftSettings
        ),
        // Metrics export: Prometheus text on 127.0.0.1 (swift-prometheus) fed by every ledger row;
        // and OpenTelemetry traces of each request to a collector, when one is named (swift-otel).
        .target(
            name: "GenesisTelemetry",
            dependencies: [
                "GenesisEngine",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // ncursesw for the console, through a header of static inline shims (curses' globals and
        // macros are not usable from Swift 6 directly).
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        // The console: pure state, update and rendering, plus the one curses-owning backend.
        .target(
            name: "GenesisConsole",
            dependencies: ["CNcursesw", "GenesisEngine", "GenesisEvaluation", "GenesisReport", "GenesisStore"],
            swiftSettings: swiftSettings
        ),
        // The scriptable CLI (`genesis ask`, `compare`, `models`): a thin layer over the engine.
        .target(
            name: "GenesisCLI",
            dependencies: [
                "GenesisConsole",
                "GenesisEngine",
                "GenesisEvaluation",
                "GenesisProviders",
                "GenesisReport",
                "GenesisStore",
                "GenesisTelemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "genesis",
            dependencies: ["GenesisCLI"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "genesis-bench",
            dependencies: ["GenesisConsole", "GenesisEngine", "GenesisProcess", "GenesisProviders", "GenesisStore", "GenesisTestSupport",
                           .product(name: "Clocks", package: "swift-clocks"), .product(name: "Histogram", package: "hdrhistogram-swift"),
                           .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GenesisEngineTests",
            dependencies: [
                "GenesisEngine",
                // The kinds Genesis ships (their descriptors sit beside their wire formats), for
                // configurations and requests that name them.
                "GenesisProviders",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test helpers shared by the test targets: an HTTP server on loopback that replays what a
        // test tells it to and records what it was sent.
        .target(
            name: "GenesisTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/GenesisTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GenesisProvidersTests",
            dependencies: [
                "GenesisEngine",
                "GenesisProcess",
                "GenesisProviders",
                "GenesisTestSupport",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GenesisEvaluationTests",
            dependencies: ["GenesisEngine", "GenesisEvaluation", "GenesisProcess", .product(name: "Clocks", package: "swift-clocks")],
            // Suites in promptfoo's format, written from its documentation, with the files they use.
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GenesisTelemetryTests",
            dependencies: ["GenesisEngine", "GenesisTelemetry"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GenesisStoreTests",
            dependencies: ["GenesisEngine", "GenesisStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GenesisReportTests",
            dependencies: ["GenesisReport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GenesisConsoleTests",
            dependencies: ["GenesisConsole", "GenesisEngine", "GenesisStore", .product(name: "Clocks", package: "swift-clocks")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GenesisCLITests",
            dependencies: ["genesis", "GenesisEngine", "GenesisProcess", "GenesisProviders", "GenesisTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
