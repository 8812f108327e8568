// swift-tools-version: 6.0
//
// usage-audit: audits the opt-in usage-tracking messages of Parsl for privacy and schema conformance.
//
// The targets follow the architecture, bottom to top:
//   C libraries (CJansson, CPcap, CPCRE2, CZlib; CInline, our own)  ->  JSONCore  ->  JSONSchema
//   CaptureReaders (pcap/pcapng -> UDP datagrams)
//   Storage (spools, their codec, the external sort, file access; on swift-system and swift-collections)
//   AuditModel (findings as plain data)  ->  AuditInputs (wire, ndjson, log, journal, pcap)
//   AuditRules (one rule per file, the checker, the embedded Parsl schemas)
//   AuditTooling (what the executable's tooling commands do: fixture-driven regression, instance validation)
//   ReportWriters (text, json, sarif, junit, markdown, html)  ->  Collector (`listen`)
//   UsageAuditCLI: the thin `usage-audit` executable.
import PackageDescription

/// The executables allocate with tcmalloc (Debian's `libtcmalloc-minimal4`, linked by its file name, so no
/// development package is needed): the checker allocates on worker threads and frees on the session thread,
/// where glibc's malloc contends for its arenas; tcmalloc's per-thread caches make `check` about 20% faster.
let fastAllocator: [LinkerSetting] = [.linkedLibrary(":libtcmalloc_minimal.so.4", .when(platforms: [.linux]))]

/// The spool, the external sort and `AuditList` are generic over what they store, and their users live in
/// other modules: compiled on their own, every element read back went through runtime generic metadata
/// (about a tenth of a `check` run's instructions). Full cross-module optimization lets each user's module
/// specialize them for its own element types.
let specializedAcrossModules: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))
]

/// Release builds leave out the run-time exclusivity checks (every access to a class's stored property or a
/// global begins and ends an access recorded in thread-local storage: 4.6% of a `check` run's instructions).
/// Debug builds, so the whole test suite, keep them, and so does fuzzing (`Fuzz/run` sets
/// `USAGE_AUDIT_EXCLUSIVITY=checked`), where an overlapping access is caught instead of left undefined.
let releaseChecks: [SwiftSetting] =
    Context.environment["USAGE_AUDIT_EXCLUSIVITY"] == "checked"
    ? [] : [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let specializedReleaseChecks: [SwiftSetting] = specializedAcrossModules + releaseChecks

let package = Package(
    name: "usage-audit",
    platforms: [.macOS(.v15)],  // Synchronization's Mutex and Atomic
    products: [
        .executable(name: "usage-audit", targets: ["UsageAuditCLI"]),
        .executable(name: "usage-audit-bench", targets: ["UsageAuditBench"]),
        .library(name: "JSONCore", targets: ["JSONCore"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        .library(name: "AuditRules", targets: ["AuditRules"]),
        // The readers of untrusted bytes, for the fuzz targets in `Fuzz/` (a package of their own).
        .library(name: "CaptureReaders", targets: ["CaptureReaders"]),
        .library(name: "AuditInputs", targets: ["AuditInputs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.70.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.7.0"),  // 1.7: `Stat`
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        // Tests only: parses the shipped GitHub Action, workflow and pre-commit hook definitions.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: C libraries, each a `[system]` modulemap over a one-line header.
        .systemLibrary(
            name: "CJansson", pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"]), .brew(["jansson"])]),
        .systemLibrary(
            name: "CPcap", pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"]), .brew(["libpcap"])]),
        .systemLibrary(
            name: "CPCRE2", pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

        // MARK: Libraries.
        // `static inline` C that Swift inlines: the string scan with SSE2 (Swift's vector types scalarized it),
        // a prefetch hint.
        .target(name: "CInline"),
        .target(name: "Bytes", swiftSettings: specializedReleaseChecks),
        .target(name: "JSONCore", dependencies: ["CJansson", "CInline", "Bytes"], swiftSettings: releaseChecks),
        .target(
            name: "JSONSchema",
            dependencies: ["Bytes", "JSONCore", "CPCRE2", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: releaseChecks),
        .target(
            name: "CaptureReaders",
            dependencies: ["CPcap", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: releaseChecks),
        .target(
            name: "Storage",
            dependencies: [
                "Bytes",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: specializedReleaseChecks),
        .target(name: "AuditModel", dependencies: ["JSONCore", "Storage"], swiftSettings: specializedReleaseChecks),
        .target(
            name: "AuditInputs",
            dependencies: [
                "Bytes", "JSONCore", "AuditModel", "CaptureReaders", "Storage", "CZlib",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: releaseChecks),
        .target(
            name: "AuditRules",
            dependencies: [
                "Bytes", "CInline", "JSONCore", "JSONSchema", "AuditModel", "AuditInputs", "CaptureReaders", "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: releaseChecks),
        .target(
            name: "AuditTooling",
            dependencies: [
                "Bytes", "AuditInputs", "AuditModel", "AuditRules", "JSONCore", "JSONSchema", "Storage",
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: releaseChecks),
        .target(
            name: "ReportWriters",
            dependencies: [
                "Bytes", "JSONCore", "AuditModel", "Storage", .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: releaseChecks),
        .target(
            name: "Collector",
            dependencies: [
                "AuditModel", "AuditInputs", "AuditRules", "Storage",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: releaseChecks),

        // MARK: Executables: thin wiring only.
        .executableTarget(
            name: "UsageAuditCLI",
            dependencies: [
                "JSONCore", "JSONSchema", "AuditModel", "AuditInputs", "AuditRules", "AuditTooling", "ReportWriters",
                "Collector",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: releaseChecks, linkerSettings: fastAllocator),
        .executableTarget(
            name: "UsageAuditBench",
            dependencies: [
                "Bytes", "JSONCore", "JSONSchema", "CJansson", "AuditInputs", "AuditRules", "AuditTooling",
                "CaptureReaders", "Storage", .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: releaseChecks, linkerSettings: fastAllocator),

        // MARK: Tests.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "JSONCoreTests", dependencies: ["JSONCore", "Bytes", "TestSupport"]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "JSONCore", "TestSupport"]),
        .testTarget(
            name: "AuditToolingTests",
            dependencies: [
                "AuditTooling", "JSONSchema", "JSONCore", "TestSupport",
                .product(name: "SystemPackage", package: "swift-system"),
            ]),
        .testTarget(name: "CaptureReadersTests", dependencies: ["CaptureReaders", "TestSupport"]),
        .testTarget(name: "AuditInputsTests", dependencies: ["AuditInputs", "AuditModel", "JSONCore", "TestSupport"]),
        .testTarget(
            name: "AuditRulesTests",
            dependencies: ["AuditRules", "AuditInputs", "AuditModel", "JSONCore", "Storage", "TestSupport"]),
        .testTarget(
            name: "ReportWritersTests",
            dependencies: [
                "ReportWriters", "AuditRules", "AuditInputs", "AuditModel", "JSONCore", "JSONSchema", "Storage",
                "Bytes",
                "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            exclude: ["Snapshots"]),  // read by path, re-recorded with USAGE_AUDIT_RECORD=1
        .testTarget(
            name: "CollectorTests",
            dependencies: [
                "Collector", "AuditInputs", "AuditModel", "AuditRules", "JSONCore", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
        // What a clone ships besides the code: vendored documents, docs, CI integrations, helper scripts.
        .testTarget(
            name: "RepositoryTests",
            dependencies: [
                "AuditRules", "JSONSchema", "JSONCore", "TestSupport", .product(name: "Yams", package: "Yams"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
