import Foundation
import GreenlightAnalyzers
import GreenlightCLI
import GreenlightCheckers
import GreenlightCore
import GreenlightValues
import Testing

// A checker and two analyzers defined here, outside the package's modules, and run through the
// same entry point as the `greenlight` executable: adding them touched no Core file.

/// Mean luma of every pixel of the picture, in percent of the nominal range (reads pixels).
final class MeanLumaAnalyzer: PictureAnalyzer {
    static let id = "test-mean-luma"
    /// Every `rowStep`-th row is read (its own parameter; 1 reads them all).
    struct Parameters: Hashable, Sendable { var rowStep = 1 }
    let parameters: Parameters
    init(parameters: Parameters, context: CheckContext) { self.parameters = parameters }

    func analyze(_ picture: borrowing DecodedPicture, frame: FrameRecord) -> Double {
        // The plane is lent, not given: `let plane = picture.luma` would not compile.
        var sum = 0, count = 0
        var y = 0
        while y < picture.luma.height {
            if picture.luma.bytesPerSample == 1 {
                for v in picture.luma.row8(y) { sum += Int(v) }
            } else {
                for v in picture.luma.row16(y) { sum += Int(v) }
            }
            count += picture.luma.width
            y += parameters.rowStep
        }
        return picture.features.signal.percent(Double(sum) / Double(max(count, 1)))
    }
}

/// A dark picture between two pictures that are not (reads another analyzer, one picture ahead).
final class LoneDarkAnalyzer: FrameAnalyzer {
    static let id = "test-lone-dark"
    static let lookahead = 1
    struct Parameters: Hashable, Sendable { var darkPercent: Double }
    static func inputs(_ parameters: Parameters) -> [AnalyzerRequest] { [.picture(MeanLumaAnalyzer.self, .init())] }

    let parameters: Parameters
    private var previousDark = false
    init(parameters: Parameters, context: CheckContext) { self.parameters = parameters }

    func analyze(_ frame: FrameRecord, following: ArraySlice<FrameRecord>) -> Bool {
        func dark(_ r: FrameRecord) -> Bool { r.value(MeanLumaAnalyzer.self, .init()) < parameters.darkPercent }
        defer { previousDark = dark(frame) }
        guard let next = following.first else { return false }
        return dark(frame) && !previousDark && !dark(next)
    }
}

final class LoneDarkChecker: Checker {
    static let description = CheckerDescription(
        id: "lone-dark", title: "Lone dark pictures", catches: "A single dark picture between two that are not.",
        why: "A one-frame flash of black is a bad edit.", defaultSeverity: .warning, codes: ["lone-dark.frame"],
        options: [OptionSpec("dark", default: .number(5), unit: "% of nominal range", range: 0...100, "Mean luma below this is dark.")])
    static let features: FeatureSet = []

    struct Options: CheckerOptions {
        var dark: Double
        init(_ values: OptionValues) { dark = values.number("dark") }
    }

    /// The built-in luma scan, asked for with this checker's own parameters.
    static let scan = LumaScanAnalyzer.Parameters(parts: [.lumaHistogram], black: BlackCriterion(thresholdPercent: 10, pixelRatio: 98))

    static func analyzers(_ options: Options) -> [AnalyzerRequest] {
        [.frame(LoneDarkAnalyzer.self, .init(darkPercent: options.dark)), .picture(LumaScanAnalyzer.self, scan)]
    }

    private let options: Options
    private let context: CheckContext
    private var findings: [Finding] = []
    private var frames = 0
    private var black = 0

    init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    func consume(frame: FrameRecord) {
        frames += 1
        if frame.value(LumaScanAnalyzer.self, Self.scan).isBlack { black += 1 }
        guard frame.value(LoneDarkAnalyzer.self, .init(darkPercent: options.dark)) else { return }
        let f = frame.features
        findings.append(context.finding(checker: "lone-dark", code: "lone-dark.frame", severity: .warning, placement: nil,
                                        start: f.time, end: f.end, message: "One dark picture at \(context.label(f.time))."))
    }

    func finish(_ end: ProgrammeEnd) -> CheckerResult {
        CheckerResult(findings: findings, summary: ["frames": .integer(Int64(frames)), "black": .integer(Int64(black))])
    }
}

/// An analyzer that reads itself.
final class CircularAnalyzer: FrameAnalyzer {
    static let id = "test-circular"
    static func inputs(_ parameters: NoParameters) -> [AnalyzerRequest] { [.frame(CircularAnalyzer.self)] }
    init(parameters: NoParameters, context: CheckContext) {}
    func analyze(_ frame: FrameRecord, following: ArraySlice<FrameRecord>) -> Int { 0 }
}

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let checkers = BuiltInCheckers.all + [AnyCheckerType(LoneDarkChecker.self)]

func jsonReport(_ url: URL) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
}

@Suite struct ExtensionTests {
    let directory: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-ext-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    /// black-8bit-limited.mp4 is black on frames 0-24, 75 and 125-136: only 75 stands alone.
    @Test func aCheckerWithItsOwnAnalyzersRunsThroughTheCommandLine() async throws {
        let clip = repoRoot.appendingPathComponent("sample-media/black-8bit-limited.mp4").path
        let json = directory.appendingPathComponent("qc.json")
        let status = await GreenlightCLI.run(arguments: ["check", clip, "--checkers", "lone-dark,black", "--json", json.path, "--quiet"],
                                             checkers: checkers)
        #expect(status == 0)  // warnings only
        let file = try #require((try jsonReport(json)["files"] as? [[String: Any]])?.first)
        let findings = try #require(file["findings"] as? [[String: Any]])
        let lone = findings.filter { $0["checker"] as? String == "lone-dark" }
        #expect(lone.map { $0["startFrame"] as? Int } == [75])
        #expect(lone.first?["endFrame"] as? Int == 76)
        // Every picture reached the checker, the last after its lookahead ran out.
        let summary = (file["summaries"] as? [String: Any])?["lone-dark"] as? [String: Any]
        #expect(summary?["frames"] as? Int == 200)
        // Its own luma scan finds the 25 + 1 + 12 black pictures the clip was made with.
        #expect(summary?["black"] as? Int == 38)
        // The built-in black checker, run in the same pass, still sees its three runs.
        #expect(findings.filter { $0["checker"] as? String == "black" }.count == 3)
    }

    @Test func aBadOptionOfTheNewCheckerIsAUsageError() async throws {
        let profile = directory.appendingPathComponent("p.yaml")
        try "checkers: { lone-dark: { dark: lots } }\n".write(to: profile, atomically: true, encoding: .utf8)
        let clip = repoRoot.appendingPathComponent("sample-media/black-8bit-limited.mp4").path
        let status = await GreenlightCLI.run(arguments: ["check", clip, "--profile", profile.path, "--quiet"], checkers: checkers)
        #expect(status == 2)
    }

    @Test func analyzersThatReadEachOtherInACircleAreRefused() {
        #expect(throws: ProfileError.self) { try AnalysisPlan([.frame(CircularAnalyzer.self)]) }
        // One analyzer asked for twice with equal parameters runs once; other parameters are another.
        let plan = try? AnalysisPlan([.frame(LoneDarkAnalyzer.self, .init(darkPercent: 5)), .frame(LoneDarkAnalyzer.self, .init(darkPercent: 5)),
                                      .frame(LoneDarkAnalyzer.self, .init(darkPercent: 9))])
        #expect(plan?.count == 3)  // mean luma once, lone dark at 5 % and at 9 %
    }
}
