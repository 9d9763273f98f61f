// swift-tools-version: 6.2
import Foundation
import PackageDescription

/// OpenCV's include directories, from pkg-config (Debian: /usr/include/opencv4), else the usual
/// places. Only the compile flags are taken from it: its `--libs` name all 55 OpenCV libraries,
/// and loading them (with the 300 they pull in) cost 0.2 s of CPU at every start of greenlight,
/// so COpenCV links just the three the face detector uses.
let openCVIncludes: [String] = {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["pkg-config", "--cflags-only-I", "opencv4"]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    if (try? p.run()) != nil {
        p.waitUntilExit()
        let flags = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { $0.hasPrefix("-I") }
        if p.terminationStatus == 0, !flags.isEmpty { return flags }
    }
    return ["-I/usr/include/opencv4", "-I/usr/local/include/opencv4", "-I/opt/homebrew/include/opencv4"]
}()

/// The service and its packages (Hummingbird, GRDB, PostgresNIO) are left out when
/// GREENLIGHT_NO_SERVICE=1: the sanitizer and fuzz builds, which are about the decode loop and
/// the parsers, then do not build SwiftNIO and BoringSSL twice more (minutes of CI each).
let withService = ProcessInfo.processInfo.environment["GREENLIGHT_NO_SERVICE"] != "1"

let package = Package(
    name: "Greenlight",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "greenlight", targets: ["greenlight"]),
        .library(name: "GreenlightValues", targets: ["GreenlightValues"]),
        // The media and subtitle layers are products for the fuzz targets (Fuzz/), which feed them directly.
        .library(name: "GreenlightSubtitles", targets: ["GreenlightSubtitles"]),
        .library(name: "GreenlightMedia", targets: ["GreenlightMedia"]),
        .library(name: "GreenlightCore", targets: ["GreenlightCore"]),
        .library(name: "GreenlightAnalyzers", targets: ["GreenlightAnalyzers"]),
        .library(name: "GreenlightEngine", targets: ["GreenlightEngine"]),
        .library(name: "GreenlightCheckers", targets: ["GreenlightCheckers"]),
        .library(name: "GreenlightReports", targets: ["GreenlightReports"]),
        .library(name: "GreenlightCLI", targets: ["GreenlightCLI"]),
        .plugin(name: "GreenlightQC", targets: ["GreenlightQC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // HTML built as a tree of nodes rather than pasted strings (the HTML report).
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
    ] + (withService ? [
        // The service (`greenlight serve`): HTTP, SQLite, PostgreSQL, Prometheus metrics, hashing.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ] : []),
    targets: [
        // C libraries, each found through pkg-config with one shim header: FFmpeg (seen only by
        // GreenlightMedia) and libebur128 (seen only by GreenlightAnalyzers' loudness meter).
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libswscale libswresample libavutil",
            providers: [
                .apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libswresample-dev", "libavutil-dev"]),
                .brew(["ffmpeg"]),
            ]
        ),
        // The loudness meter's loudness range: libebur128 (EBU Tech 3342), found through pkg-config.
        .systemLibrary(name: "CEbur128", pkgConfig: "libebur128", providers: [.apt(["libebur128-dev"]), .brew(["libebur128"])]),
        // OpenCV (C++): only CFaceDetect's one C++ file uses it, linking the three libraries it
        // needs (objdetect, imgproc, core); the include path comes from pkg-config (above).
        .systemLibrary(name: "COpenCV", providers: [.apt(["libopencv-dev", "opencv-data"]), .brew(["opencv"])]),
        // The face detector as a C API over OpenCV's cascade classifier: Swift sees only its C header.
        .target(name: "CFaceDetect", dependencies: ["COpenCV"], cxxSettings: [.unsafeFlags(openCVIncludes)],
                linkerSettings: [.linkedLibrary("opencv_objdetect"), .linkedLibrary("opencv_imgproc"), .linkedLibrary("opencv_core")]),
        // Values every module shares, without FFmpeg: exact time, timecode, media facts, cues, findings.
        .target(name: "GreenlightValues"),
        .target(name: "GreenlightSubtitles", dependencies: ["GreenlightValues"]),
        // The only Swift that sees FFmpeg.
        .target(name: "GreenlightMedia", dependencies: ["CFFmpeg", "GreenlightValues", "GreenlightSubtitles"]),
        // Checker protocol, features, profiles, report model: no FFmpeg below it, so checkers and
        // reporters, which depend on it alone, cannot import GreenlightMedia (the compiler says no).
        .target(name: "GreenlightCore", dependencies: ["GreenlightValues", .product(name: "Yams", package: "Yams")]),
        // Built-in analyzers (the luma scan, the audio envelope, the loudness meter): Core's protocols, no FFmpeg.
        // Optimised in debug builds too: its per-pixel loops use SIMD types, which unoptimised
        // code runs as a generic call per lane (the test suite took three times as long).
        .target(name: "GreenlightAnalyzers", dependencies: ["CEbur128", "CFaceDetect", "GreenlightCore", "GreenlightValues"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Joins Media to Core: decodes each file once, runs the analyzers, runs the checkers.
        .target(name: "GreenlightEngine", dependencies: ["GreenlightAnalyzers", "GreenlightCore", "GreenlightMedia", "GreenlightSubtitles", "GreenlightValues"]),
        .target(name: "GreenlightCheckers", dependencies: ["GreenlightAnalyzers", "GreenlightCore", "GreenlightValues"]),
        .target(name: "GreenlightReports", dependencies: ["GreenlightCore", "GreenlightValues", .product(name: "Plot", package: "Plot")]),
        // The command line as a library, so a program or test can run it with checkers of its own.
        .target(
            name: "GreenlightCLI",
            dependencies: [
                "GreenlightEngine", "GreenlightCore", "GreenlightValues", "GreenlightCheckers", "GreenlightReports", "GreenlightSubtitles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "greenlight", dependencies: ["GreenlightCLI", "GreenlightCheckers", .product(name: "ArgumentParser", package: "swift-argument-parser")]
                          + (withService ? ["GreenlightService"] : [])),
        // `greenlight` plus a checker whose analyzer reads every pixel once, for `make bench`.
        .executableTarget(
            name: "greenlight-pixel-pass",
            dependencies: ["GreenlightCLI", "GreenlightCheckers", "GreenlightCore", "GreenlightValues"],
            path: "Benchmarks/PixelPass"
        ),
        .plugin(
            name: "GreenlightQC",
            capability: .command(
                intent: .custom(verb: "greenlight-qc", description: "Run Greenlight QC over media folders"),
                permissions: [.writeToPackageDirectory(reason: "Writes QC reports to reports/")]
            ),
            path: "Plugins/GreenlightQC"
        ),
        .testTarget(name: "GreenlightMediaTests", dependencies: ["GreenlightMedia", "GreenlightValues"]),
        .testTarget(name: "GreenlightSubtitlesTests", dependencies: ["GreenlightSubtitles", "GreenlightValues"]),
        .testTarget(name: "GreenlightCoreTests", dependencies: ["GreenlightCore", "GreenlightValues"]),
        .testTarget(name: "GreenlightAnalyzersTests", dependencies: ["GreenlightAnalyzers", "GreenlightCore", "GreenlightValues"]),
        .testTarget(name: "GreenlightEngineTests", dependencies: ["GreenlightEngine", "GreenlightMedia", "GreenlightCore", "GreenlightValues", "GreenlightCheckers", "GreenlightSubtitles"]),
        .testTarget(name: "GreenlightCheckersTests", dependencies: ["GreenlightCheckers", "GreenlightEngine", "GreenlightCore", "GreenlightSubtitles", "GreenlightValues"]),
        .testTarget(name: "GreenlightReportsTests", dependencies: ["GreenlightReports", "GreenlightCore", "GreenlightValues"], exclude: ["Golden"]),
        .testTarget(name: "GreenlightCLITests", dependencies: ["greenlight", "GreenlightCLI", "GreenlightCore", "GreenlightValues", .product(name: "Yams", package: "Yams")]),
        // A checker and an analyzer defined outside the package's modules, run through the CLI.
        .testTarget(name: "GreenlightExtensionTests", dependencies: ["GreenlightAnalyzers", "GreenlightCLI", "GreenlightCheckers", "GreenlightCore", "GreenlightValues"]),
    ] + (withService ? [
        // The service above the engine and reports: HTTP API and dashboard, the job store
        // (SQLite or PostgreSQL), workers that run `greenlight check` per job, watch folders.
        // The engine and checkers do not know it exists.
        .target(
            name: "GreenlightService",
            dependencies: [
                "GreenlightCore", "GreenlightReports", "GreenlightValues",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Plot", package: "Plot"),
            ]
        ),
        .testTarget(name: "GreenlightServiceTests", dependencies: ["greenlight", "GreenlightService", "GreenlightCore", "GreenlightValues"]),
    ] : []),
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
