// `greenlight` with one more checker, `pixel-pass`, whose analyzer reads every sample of every
// plane of every picture once: the cost of "one extra pass over every pixel" that `make bench`
// measures. It is built like any third-party checker would be, outside the package's modules.
import Foundation
import GreenlightCheckers
import GreenlightCLI
import GreenlightCore
import GreenlightValues

/// Sums every sample of every plane.
final class PixelPassAnalyzer: PictureAnalyzer {
    static let id = "pixel-pass"
    init(parameters: NoParameters, context: CheckContext) {}

    func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> UInt64 {
        var total: UInt64 = 0
        for index in 0..<picture.planeCount {
            total &+= picture.withPlane(index) { plane in
                var sum: UInt64 = 0
                for y in 0..<plane.height {
                    if plane.bytesPerSample == 1 {
                        var row: UInt32 = 0
                        for v in plane.row8(y) { row &+= UInt32(v) }
                        sum &+= UInt64(row)
                    } else {
                        var row: UInt64 = 0
                        for v in plane.row16(y) { row &+= UInt64(v) }
                        sum &+= row
                    }
                }
                return sum
            } ?? 0
        }
        return total
    }
}

final class PixelPassChecker: Checker {
    static let description = CheckerDescription(
        id: "pixel-pass", title: "One pass over every pixel (benchmark)",
        catches: "Nothing: reads every sample of every picture once, to measure what an analyzer costs.",
        why: "make bench shows whether analysis beside decoding hides that cost.", defaultSeverity: .info, codes: [], options: [])
    static let features: FeatureSet = []
    struct Options: CheckerOptions { init(_ values: OptionValues) {} }
    static func analyzers(_ options: Options) -> [AnalyzerRequest] { [.picture(PixelPassAnalyzer.self)] }

    private var checksum: UInt64 = 0
    init(options: Options, context: CheckContext) {}
    func consume(frame: FrameRecord) { checksum &+= frame.value(PixelPassAnalyzer.self) }
    func finish(_ end: ProgrammeEnd) -> CheckerResult {
        CheckerResult(findings: [], summary: ["checksum": .text(String(checksum, radix: 16))])
    }
}

exit(await GreenlightCLI.run(arguments: Array(CommandLine.arguments.dropFirst()),
                             checkers: BuiltInCheckers.all + [AnyCheckerType(PixelPassChecker.self)]))
