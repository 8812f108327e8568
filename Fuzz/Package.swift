// swift-tools-version: 6.0
//
// The fuzz targets of usage-audit: one libFuzzer executable per reader of untrusted bytes. A package of its
// own, so that `swift build` and `swift test` of the main package never need the fuzzer runtime. Built by
// `make fuzz` (see the Makefile) with `--sanitize fuzzer --sanitize address` and `-enable-testing` (the
// JSON differential compares two internal readers), under the scratch path `.build-fuzz`.
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, which is whatever the clone was called.
let main = URL(fileURLWithPath: Context.packageDirectory).deletingLastPathComponent()
let mainIdentity = main.lastPathComponent.lowercased()

func product(_ name: String) -> Target.Dependency { .product(name: name, package: mainIdentity) }

let package = Package(
    name: "usage-audit-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(path: main.path)],
    targets: [
        .executableTarget(name: "FuzzJSON", dependencies: [product("JSONCore")]),
        .executableTarget(name: "FuzzPythonLiteral", dependencies: [product("AuditInputs")]),
        .executableTarget(name: "FuzzLogLine", dependencies: [product("AuditInputs")]),
        .executableTarget(name: "FuzzCapture", dependencies: [product("CaptureReaders")]),
        .executableTarget(name: "FuzzJournal", dependencies: [product("AuditInputs")]),
        .executableTarget(name: "FuzzSchema", dependencies: [product("JSONSchema"), product("JSONCore")]),
        .executableTarget(name: "FuzzObjectStream", dependencies: [product("JSONCore")]),
    ],
    swiftLanguageModes: [.v6]
)
