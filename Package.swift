// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Linux only: the engine stands on runc, conmon, overlayfs, inotify and Linux namespaces, and the runtime on
// systemd's socket activation. SwiftPM's `platforms:` lists Apple systems alone, so it is left out.
let package = Package(
    name: "Podlink",
    // Each product is the target of its name.
    products: [
        "PodlinkShared", "VarlinkIDL", "VarlinkGenerator", "Varlink", "VarlinkNIO", "VarlinkSystemd", "Engine",
        "PodlinkAPI", "PodlinkClient", "PodlinkArchive",
    ]
        .map { .library(name: $0, targets: [$0]) }
        + ["podlinkd", "podlink", "varlink-swift-gen", "varlink-certification"].map {
            .executable(name: $0, targets: [$0])
        } + [.plugin(name: "VarlinkGeneratorPlugin", targets: ["VarlinkGeneratorPlugin"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // Without its Foundation trait: the engine uses FoundationEssentials only.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
    ],
    targets: [
        // What every side of Podlink reads the same way: signal names, RFC 3339 times. No dependencies.
        .target(name: "PodlinkShared", swiftSettings: swiftSettings),
        // The interface language: parser, validator, printer. No dependencies.
        .target(name: "VarlinkIDL", swiftSettings: swiftSettings),
        // Interface -> Swift and Markdown.
        .target(name: "VarlinkGenerator", dependencies: ["VarlinkIDL"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "varlink-swift-gen",
            dependencies: ["VarlinkGenerator", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings),
        .plugin(
            name: "VarlinkGeneratorPlugin", capability: .buildTool(), dependencies: ["varlink-swift-gen"]),
        // The varlink runtime's core, without a transport: JSON values, messages and their scanner, errors,
        // dispatch, the service and the client over the `VarlinkTransport` protocol. Generated code needs only this.
        .target(
            name: "Varlink", dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings, plugins: ["VarlinkGeneratorPlugin"]),
        // C shims for what Swift cannot reach: abstract sockets, listening unix sockets made with their mode, and
        // the activated spawn (its LISTEN_PID is the child's own pid, so it forks; every other spawn is CSpawn's).
        .target(name: "CVarlink"),
        // The transport on SwiftNIO: servers and client connections on sockets and pipes, framing, pipelining,
        // upgrade, quiescing.
        .target(
            name: "VarlinkNIO",
            dependencies: [
                "Varlink", "CVarlink", "CSpawn",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // systemd: sockets passed by socket activation (libsystemd) and readiness notifications.
        .target(name: "CSystemd", linkerSettings: [.linkedLibrary("systemd")]),
        .target(name: "VarlinkSystemd", dependencies: ["VarlinkNIO", "CSystemd"], swiftSettings: swiftSettings),
        // Serves org.varlink.certification, or certifies a server, with the peers' command line.
        .executableTarget(
            name: "varlink-certification",
            dependencies: ["Varlink", "VarlinkNIO", "VarlinkSystemd", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings, plugins: ["VarlinkGeneratorPlugin"]),
        // The RPC benchmark's server and load generator (Benchmarks/rpc.sh runs it against the peers).
        .executableTarget(
            name: "varlink-bench",
            dependencies: ["Varlink", "VarlinkNIO", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings, plugins: ["VarlinkGeneratorPlugin"]),

        // The container engine: state store, images, root filesystems, runc + conmon. Knows nothing of varlink.
        // CSpawn: the one spawner (posix_spawn with an fd map), pidfds, openat2; the runtime's bridge uses it too.
        .target(name: "CSpawn"),
        .systemLibrary(name: "CSQLite"),
        .systemLibrary(name: "CArchive"),
        // Tar streams for copies into and out of containers, shared by the engine's helper and the CLI.
        .target(name: "PodlinkArchive", dependencies: ["CArchive"], swiftSettings: swiftSettings),
        .target(
            name: "Engine",
            dependencies: [
                "CSpawn", "CSQLite", "CArchive", "PodlinkShared", "PodlinkArchive",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: swiftSettings),

        // io.podlink: stubs generated from interfaces/io.podlink.varlink at build time.
        .target(
            name: "PodlinkAPI", dependencies: ["Varlink"], swiftSettings: swiftSettings,
            plugins: ["VarlinkGeneratorPlugin"]),
        // io.podlink implemented over the engine.
        .target(
            name: "PodlinkService",
            dependencies: [
                "PodlinkAPI", "Varlink", "Engine", "PodlinkShared", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The service executable: socket activation, idle exit, permissions, bridge.
        .executableTarget(
            name: "podlinkd",
            dependencies: [
                "PodlinkService", "Engine", "Varlink", "VarlinkNIO", "VarlinkSystemd", "PodlinkAPI", "PodlinkArchive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The client for other Swift processes.
        .target(name: "PodlinkClient", dependencies: ["PodlinkAPI", "Varlink", "VarlinkNIO"], swiftSettings: swiftSettings),
        // The podman-like command line.
        .executableTarget(
            name: "podlink",
            dependencies: [
                "PodlinkClient", "PodlinkAPI", "PodlinkShared", "PodlinkArchive", "Varlink", "VarlinkNIO",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),

        // What the test targets share: starting processes without Foundation's Process.
        .target(
            name: "PodlinkTestSupport", dependencies: ["CSpawn"], path: "Tests/Support", swiftSettings: swiftSettings),
        // A container runtime without processes, so engine and service tests can run without runc or conmon.
        .target(
            name: "EngineTestSupport", dependencies: ["Engine"], path: "Tests/EngineSupport",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EngineTests",
            dependencies: ["Engine", "CSpawn", "PodlinkShared", "EngineTestSupport", "PodlinkTestSupport"],
            swiftSettings: swiftSettings),
        // The service over the in-process loopback transport, on an engine with the fake runtime.
        .testTarget(
            name: "PodlinkServiceTests",
            dependencies: [
                "PodlinkService", "PodlinkAPI", "Engine", "EngineTestSupport", "PodlinkTestSupport", "Varlink",
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "VarlinkIDLTests", dependencies: ["VarlinkIDL"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VarlinkGeneratorTests", dependencies: ["VarlinkGenerator", "VarlinkIDL"],
            resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(
            name: "VarlinkTests",
            dependencies: [
                "Varlink", "VarlinkNIO", "PodlinkTestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["VarlinkGeneratorPlugin"]),
        .testTarget(
            name: "PodlinkTests",
            dependencies: ["PodlinkClient", "PodlinkAPI", "Varlink", "VarlinkNIO", "PodlinkTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GeneratedStubsTests", dependencies: ["Varlink", "VarlinkIDL"], swiftSettings: swiftSettings,
            plugins: ["VarlinkGeneratorPlugin"]),
    ],
    swiftLanguageModes: [.v6]
)
