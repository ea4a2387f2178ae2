// swift-tools-version: 6.1
import PackageDescription

// Coverage-guided fuzz targets (libFuzzer) for what reads untrusted bytes: the interface language, the call
// scanner and message decoding, the byte-level JSON reader, and archives (uploads to copy in, image layers).
// Built with `-sanitize=fuzzer` by `scripts/fuzz.sh`, which runs each for a bounded time; see the README for
// longer runs.
let package = Package(
    name: "PodlinkFuzz",
    dependencies: [.package(name: "Podlink", path: "..")],
    targets: [
        // The declaration of libFuzzer's driver, which each target's entry point calls.
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "fuzz-idl", dependencies: ["CFuzzDriver", .product(name: "VarlinkIDL", package: "Podlink")]),
        .executableTarget(
            name: "fuzz-call", dependencies: ["CFuzzDriver", .product(name: "Varlink", package: "Podlink")]),
        .executableTarget(
            name: "fuzz-json", dependencies: ["CFuzzDriver", .product(name: "Varlink", package: "Podlink")]),
        .executableTarget(
            name: "fuzz-archive",
            dependencies: [
                "CFuzzDriver", .product(name: "Engine", package: "Podlink"),
                .product(name: "PodlinkArchive", package: "Podlink"),
            ]),
    ]
)
