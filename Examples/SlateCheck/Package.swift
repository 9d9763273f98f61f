// swift-tools-version: 6.2
import PackageDescription

// A package of its own that brings a checker to Greenlight without forking it: it depends on
// Greenlight's library products and runs `greenlight` with its checker beside the built-in ones.
let package = Package(
    name: "SlateCheck",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SlateCheck", targets: ["SlateCheck"]),
        // `greenlight` with the slate checker: every command and option of greenlight, one more checker.
        .executable(name: "greenlight-slate", targets: ["greenlight-slate"]),
    ],
    dependencies: [
        // A facility would write .package(url: "https://github.com/<org>/greenlight", from: "0.1.0").
        .package(name: "Greenlight", path: "../.."),
    ],
    targets: [
        .target(name: "SlateCheck", dependencies: [
            .product(name: "GreenlightCore", package: "Greenlight"),
            .product(name: "GreenlightValues", package: "Greenlight"),
        ]),
        .executableTarget(name: "greenlight-slate", dependencies: [
            "SlateCheck",
            .product(name: "GreenlightCLI", package: "Greenlight"),
            .product(name: "GreenlightCheckers", package: "Greenlight"),
            .product(name: "GreenlightCore", package: "Greenlight"),
        ]),
        .testTarget(name: "SlateCheckTests", dependencies: [
            "SlateCheck",
            .product(name: "GreenlightCLI", package: "Greenlight"),
            .product(name: "GreenlightCheckers", package: "Greenlight"),
            .product(name: "GreenlightCore", package: "Greenlight"),
        ], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
