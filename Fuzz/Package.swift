// swift-tools-version: 6.2
// libFuzzer targets for every parser Greenlight feeds with files it did not write: the subtitle
// formats, profiles, and the media open path through FFmpeg's demuxers and decoders. Built and
// run by `make fuzz` (scripts/fuzz.sh); see Fuzz/README.md.
import PackageDescription

let package = Package(
    name: "GreenlightFuzz",
    dependencies: [.package(name: "Greenlight", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .executableTarget(
            name: "fuzz-parsers",
            dependencies: [
                "CFuzzerDriver",
                .product(name: "GreenlightCore", package: "Greenlight"),
                .product(name: "GreenlightCheckers", package: "Greenlight"),
                .product(name: "GreenlightMedia", package: "Greenlight"),
                .product(name: "GreenlightSubtitles", package: "Greenlight"),
                .product(name: "GreenlightValues", package: "Greenlight"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
