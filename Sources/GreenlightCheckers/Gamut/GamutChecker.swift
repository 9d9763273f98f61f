import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Pictures outside the legal range (EBU R103), in Y' and in R'G'B', merged into time ranges;
/// colour bars recognised and reported as information.
public final class GamutChecker: Checker {
    public static let description = CheckerDescription(
        id: "gamut", title: "Legal range (gamut)",
        catches: "Pictures where more than 1 % of the area has Y' or R'G'B' outside EBU R103's -5 %…105 % (after a small low-pass filter), and colour bars at the head.",
        why: "Broadcasters reject super-whites, sub-blacks and out-of-gamut colour: transmitters clip them, and what the viewer sees is not what was graded.",
        defaultSeverity: .warning,
        codes: ["gamut.luma", "gamut.rgb", "gamut.bars"],
        options: optionSpecs)
    public static let features: FeatureSet = []
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] {
        [.picture(GamutAnalyzer.self, .init(low: options.low, high: options.high))]
    }

    /// A run of consecutive pictures with something to say, and its worst values.
    private struct Run {
        var start: MediaTime
        var end: MediaTime
        var frames: Int64
        var worstShare: Double
        var extremes: ClosedRange<Double>
    }

    private let options: Options
    private let context: CheckContext
    private var open: [String: Run] = [:]
    private var closed: [(code: String, run: Run)] = []
    private var lastEnd: MediaTime?
    private var firstPicture: MediaTime?

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    public var openSince: MediaTime? { open.values.map(\.start).min() }

    public func consume(frame: FrameRecord) {
        let f = frame.features
        if firstPicture == nil { firstPicture = f.time }
        lastEnd = f.time + f.duration
        let g = frame.value(GamutAnalyzer.self, .init(low: options.low, high: options.high))
        let bars = g?.isBars ?? false
        let states: [(String, Bool, Double, ClosedRange<Double>)] = [
            ("gamut.bars", bars, 0, 0...0),
            ("gamut.luma", !bars && (g?.lumaOutside ?? 0) > options.area, g?.lumaOutside ?? 0, g?.lumaExtremes ?? 0...0),
            ("gamut.rgb", !bars && (g?.rgbOutside ?? 0) > options.area, g?.rgbOutside ?? 0, g?.rgbExtremes ?? 0...0),
        ]
        for (code, on, share, extremes) in states {
            if on, var run = open[code], run.end == f.time || !f.followsGap {
                run.end = f.time + f.duration
                run.frames += 1
                run.worstShare = max(run.worstShare, share)
                run.extremes = min(run.extremes.lowerBound, extremes.lowerBound)...max(run.extremes.upperBound, extremes.upperBound)
                open[code] = run
            } else if on {
                if let run = open.removeValue(forKey: code) { closed.append((code, run)) }
                open[code] = Run(start: f.time, end: f.time + f.duration, frames: 1, worstShare: share, extremes: extremes)
            } else if let run = open.removeValue(forKey: code) {
                closed.append((code, run))
            }
        }
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        for (code, run) in open { closed.append((code, run)) }
        open = [:]
        let range = "\(formatNumber(options.low))…\(formatNumber(options.high)) %"
        let findings = closed.sorted { ($0.run.start, $0.code) < ($1.run.start, $1.code) }.map { code, run -> Finding in
            let where_ = placement(start: run.start, end: run.end, programmeStart: firstPicture ?? .zero, programmeEnd: lastEnd)
            let length = "\(run.frames) frame\(run.frames == 1 ? "" : "s")"
            let at = context.label(run.start)
            switch code {
            case "gamut.bars":
                return context.finding(checker: Self.description.id, code: code, severity: .info, placement: where_,
                                       start: run.start, end: run.end,
                                       message: "Colour bars\(where_ == .head ? " at the head" : "") for \(length) from \(at)",
                                       measurements: ["frames": Double(run.frames)])
            default:
                let what = code == "gamut.luma" ? "Y'" : "R'G'B'"
                var ends: [String] = []
                if run.extremes.lowerBound < options.low { ends.append("down to \(formatNumber(run.extremes.lowerBound, decimals: 1)) %") }
                if run.extremes.upperBound > options.high { ends.append("up to \(formatNumber(run.extremes.upperBound, decimals: 1)) %") }
                let extreme = ends.joined(separator: ", ")
                return context.finding(
                    checker: Self.description.id, code: code, severity: .warning, placement: where_,
                    start: run.start, end: run.end,
                    message: "\(what) outside \(range) over \(formatNumber(run.worstShare, decimals: 1)) % of the picture (\(extreme)) for \(length) from \(at)",
                    measurements: ["frames": Double(run.frames), "area_percent": run.worstShare,
                                   "lowest_percent": run.extremes.lowerBound, "highest_percent": run.extremes.upperBound])
            }
        }
        return CheckerResult(findings: findings)
    }
}
