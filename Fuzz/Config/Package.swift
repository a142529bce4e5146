// swift-tools-version: 6.1
import PackageDescription

// The configuration parser's libFuzzer harness. A package of its own, because it links the whole
// engine (its TOML reader included) built with `-sanitize=fuzzer`; Fuzz/run.sh builds it
// into a shared library that a one-line clang link turns into the fuzzer (SwiftPM's own link of
// an executable points `main` at the module, where libFuzzer must own it).
let package = Package(
    name: "GenesisFuzzConfig",
    products: [.library(name: "FuzzConfig", type: .dynamic, targets: ["FuzzConfig"])],
    dependencies: [.package(name: "Genesis", path: "../..")],
    targets: [
        // GenesisProviders for the kinds Genesis ships, which the configuration is read against.
        .target(name: "FuzzConfig", dependencies: [.product(name: "GenesisEngine", package: "Genesis"),
                                                   .product(name: "GenesisProviders", package: "Genesis")]),
    ]
)
