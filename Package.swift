// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "kindling",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kindling", targets: ["KindlingCLI"]),
        .library(name: "Kindling", targets: ["Kindling"]),
        .library(name: "KindlingStorage", targets: ["KindlingStorage"]),
        .library(name: "KindlingRuntime", targets: ["KindlingRuntime"]),
        .library(name: "KindlingBindings", targets: ["KindlingBindings"]),
        .library(name: "KindlingTesting", targets: ["KindlingTesting"]),
        .library(name: "KindlingHTTP", targets: ["KindlingHTTP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // System libraries, found through pkg-config; `make` installs the Debian packages.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CJavaScriptCore",
            pkgConfig: "javascriptcoregtk-4.1",
            providers: [.apt(["libjavascriptcoregtk-4.1-dev"])]
        ),

        // A cheap thread CPU clock for isolate threads (JavaScriptCore's CPU limit reads it at every entry).
        .target(name: "CThreadClock", linkerSettings: [.linkedLibrary("dl")]),

        // Turns the `.sql`/`.js` files of a target into string constants compiled into it, so a
        // binary copied elsewhere still carries its migrations and JS prelude (no resource bundle).
        .executableTarget(name: "embed-files", path: "Plugins/EmbedFilesTool"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["embed-files"]),

        .target(
            name: "KindlingMigrations",
            path: "Migrations",
            plugins: ["EmbedFiles"]
        ),
        .target(name: "KindlingStorage", dependencies: ["CSQLite", "KindlingMigrations"]),
        .target(
            name: "KindlingRuntime",
            dependencies: [
                "CJavaScriptCore", "CZlib", "CThreadClock", .product(name: "Logging", package: "swift-log"),
                // crypto.subtle (WebAPI/Crypto): BoringSSL underneath, vendored by the package.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            plugins: ["EmbedFiles"]
        ),
        // Each binding kind's JavaScript half (e.g. KV/kv-namespace.js) is embedded like the prelude.
        .target(name: "KindlingBindings", dependencies: ["KindlingStorage", "KindlingRuntime"], plugins: ["EmbedFiles"]),
        // A worker's global fetch() to the network, over AsyncHTTPClient (kept out of KindlingRuntime).
        .target(
            name: "KindlingFetch",
            dependencies: [
                "KindlingRuntime",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The public API: a Kindling instance, its workers, the dispatcher and router.
        .target(
            name: "Kindling",
            dependencies: [
                "KindlingBindings", "KindlingStorage", "KindlingRuntime", "KindlingHTTP", "KindlingFetch",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP/1.1 front end: SwiftNIO below, swift-http-types and an `HTTPResponder` above.
        .target(
            name: "KindlingHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .target(name: "KindlingTesting", dependencies: ["KindlingStorage", "KindlingBindings"]),
        .executableTarget(
            name: "KindlingCLI",
            dependencies: [
                "Kindling", "KindlingBindings", "KindlingRuntime", "KindlingStorage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // Release-built benchmark command behind `make bench`.
        .executableTarget(
            name: "KindlingBenchmarks",
            dependencies: [
                "Kindling", "KindlingBindings", "KindlingStorage", "CSQLite",
                "KindlingHTTP", "KindlingRuntime", "KindlingFetch",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Snapshots/ holds the expected schema, read by path from the tests (not a resource).
        .testTarget(
            name: "KindlingStorageTests",
            dependencies: ["KindlingStorage", "KindlingTesting", "CSQLite"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "KindlingTests",
            dependencies: [
                "Kindling", "KindlingTesting", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "KindlingBindingsTests", dependencies: ["KindlingBindings", "KindlingStorage", "KindlingTesting"]),
        .testTarget(
            name: "KindlingRuntimeTests",
            dependencies: ["KindlingRuntime", "CJavaScriptCore", "CZlib", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "KindlingHTTPTests",
            dependencies: [
                "KindlingHTTP", "KindlingTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(
            name: "KindlingFetchTests",
            dependencies: [
                "KindlingFetch", "KindlingRuntime", "KindlingHTTP", "Kindling", "KindlingTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // A child process for multi-process and crash tests (see its main.swift).
        .executableTarget(
            name: "KindlingTestHelper",
            dependencies: ["Kindling", "KindlingBindings", "KindlingStorage", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "KindlingCLITests",
            dependencies: [
                "KindlingCLI", "KindlingTestHelper", "KindlingBindings", "KindlingStorage", "KindlingTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ]
)

// One list of language settings for every Swift target (the swift-log way).
for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
