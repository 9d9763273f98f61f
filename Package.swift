// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Greenlight",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "greenlight", targets: ["greenlight"]),
        .library(name: "GreenlightCore", targets: ["GreenlightCore"]),
        .library(name: "GreenlightCheckers", targets: ["GreenlightCheckers"]),
        .library(name: "GreenlightReports", targets: ["GreenlightReports"]),
        .plugin(name: "GreenlightQC", targets: ["GreenlightQC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // The only C in the package: FFmpeg found through pkg-config, plus one shim header.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libswscale libswresample libavutil",
            providers: [
                .apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libswresample-dev", "libavutil-dev"]),
                .brew(["ffmpeg"]),
            ]
        ),
        .target(name: "GreenlightMedia", dependencies: ["CFFmpeg"]),
        .target(name: "GreenlightSubtitles", dependencies: ["GreenlightMedia"]),
        .target(
            name: "GreenlightCore",
            dependencies: ["GreenlightMedia", "GreenlightSubtitles", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "GreenlightCheckers", dependencies: ["GreenlightCore"]),
        .target(name: "GreenlightReports", dependencies: ["GreenlightCore"]),
        .executableTarget(
            name: "greenlight",
            dependencies: [
                "GreenlightCore", "GreenlightCheckers", "GreenlightReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .plugin(
            name: "GreenlightQC",
            capability: .command(
                intent: .custom(verb: "greenlight-qc", description: "Run Greenlight QC over media folders"),
                permissions: [.writeToPackageDirectory(reason: "Writes QC reports to reports/")]
            ),
            dependencies: ["greenlight"],
            path: "Plugins/GreenlightQC"
        ),
        .testTarget(name: "GreenlightMediaTests", dependencies: ["GreenlightMedia"]),
        .testTarget(name: "GreenlightSubtitlesTests", dependencies: ["GreenlightSubtitles"]),
        .testTarget(name: "GreenlightCoreTests", dependencies: ["GreenlightCore"]),
        .testTarget(name: "GreenlightCheckersTests", dependencies: ["GreenlightCheckers", "GreenlightCore"]),
        .testTarget(name: "GreenlightReportsTests", dependencies: ["GreenlightReports", "GreenlightCore"]),
        .testTarget(name: "GreenlightCLITests", dependencies: ["greenlight"]),
    ],
    swiftLanguageModes: [.v6]
)
