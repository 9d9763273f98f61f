import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// The file against a reference (`--reference MASTER`), picture by picture: where colour differs
/// (CIEDE2000 of 32×18 block means, p95 ≥ 2 for at least a second) and why, by fitting global
/// transforms over each range.
public final class ColourReferenceChecker: Checker {
    public static let description = CheckerDescription(
        id: "colour-reference", title: "Colour against a reference",
        catches: "Time ranges where the pictures' colour differs from a reference master's (p95 ΔE00 ≥ 2 for at least 1 s), named by cause: range mix-up, matrix error, white balance, lift, hue, saturation.",
        why: "A delivery transcoded with the wrong matrix or range, or a grade applied to the wrong range, is rejected; the cause tells the facility what to fix.",
        defaultSeverity: .warning,
        codes: ["colour.reference-mismatch"],
        options: optionSpecs)
    public static let features: FeatureSet = [.reference]
    /// Its findings are about the whole programme: not run on a time range.
    public static var needsWholeProgramme: Bool { true }

    public struct Options: CheckerOptions {
        public var deltaE: Double
        public var minDuration: DurationValue
        public init(_ values: OptionValues) {
            deltaE = values.number("delta-e")
            minDuration = values.duration("min-duration")
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("delta-e", default: .number(2), unit: "ΔE00", range: 0...100,
                   "A picture differs from the reference when the 95th percentile of its blocks' CIEDE2000 reaches this."),
        OptionSpec("min-duration", default: .duration(.seconds(1)), unit: "frames (f) or seconds (s)",
                   "Shorter differing ranges are not reported."),
    ]

    /// A run of differing pictures with the sums its transform is fitted from.
    private struct Run {
        var start: MediaTime
        var end: MediaTime
        var frames: Int
        var meanSum = 0.0
        var worst = 0.0
        var fit = MismatchFit()
    }

    private let options: Options
    private let context: CheckContext
    private var run: Run?
    private var runs: [Run] = []
    private var compared = 0, pictures = 0
    private var meanSum = 0.0
    /// Each picture's p95 ΔE00 in steps of 0.01 up to 100 (memory flat with length), for the median.
    private var p95Counts = [Int](repeating: 0, count: 10_001)
    private var rasters: (main: String, reference: String)?
    private var converters: [ColourReading: LabConverter] = [:]

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    /// The converter for a picture's own transfer and primaries (one per reading seen).
    private func converter(_ blocks: BlockColour) -> LabConverter {
        let reading = ColourReading(colour: blocks.colour, height: blocks.height)
        if let c = converters[reading] { return c }
        let c = LabConverter(reading)
        converters[reading] = c
        return c
    }

    public func consume(video: VideoFeatures) {
        pictures += 1
        guard let pair = video.reference else { closeRun(); return }
        compared += 1
        if rasters == nil {
            rasters = ("\(pair.main.width)x\(pair.main.height)", "\(pair.reference.width)x\(pair.reference.height)")
        }
        let blocks = pair.main.rgb.count / 3
        let main = converter(pair.main), reference = converter(pair.reference)
        func lab(_ c: LabConverter, _ rgb: [Float], _ b: Int) -> Lab {
            c.lab(c.xyz(Double(rgb[b * 3]), Double(rgb[b * 3 + 1]), Double(rgb[b * 3 + 2])))
        }
        let d = (0..<blocks).map { b in lab(main, pair.main.rgb, b).deltaE00(lab(reference, pair.reference.rgb, b)) }
        let mean = d.reduce(0, +) / Double(max(1, d.count)), p95 = quantile(d, 0.95) ?? 0
        meanSum += mean
        p95Counts[min(p95Counts.count - 1, Int((p95 * 100).rounded()))] += 1
        guard p95 >= options.deltaE else { closeRun(); return }
        if run == nil { run = Run(start: video.time, end: video.time, frames: 0) }
        run!.end = video.time + video.duration
        run!.frames += 1
        run!.meanSum += mean
        run!.worst = max(run!.worst, p95)
        run!.fit.add(main: pair.main, reference: pair.reference)
    }

    /// The median of the pictures' p95 ΔE00 (to 0.01).
    private var medianP95: Double {
        var seen = 0
        for (i, c) in p95Counts.enumerated() {
            seen += c
            if seen * 2 >= compared && compared > 0 { return Double(i) / 100 }
        }
        return 0
    }

    private func closeRun() {
        if let r = run { runs.append(r) }
        run = nil
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        closeRun()
        guard let reference = context.reference else {
            return CheckerResult(findings: [], summary: ["compared": .flag(false), "why": .text("no reference given (--reference)")])
        }
        let minimum = options.minDuration.time(frameRate: context.frameRate)
        let findings = runs.filter { $0.end - $0.start >= minimum }.map { r -> Finding in
            let cause = r.fit.cause
            var m = cause.measurements
            m["mean_delta_e00"] = r.meanSum / Double(max(1, r.frames))
            m["worst_p95_delta_e00"] = r.worst
            m["frames"] = Double(r.frames)
            return context.finding(
                checker: Self.description.id, code: "colour.reference-mismatch", severity: .warning,
                placement: placement(start: r.start, end: r.end, programmeEnd: end.videoEnd), start: r.start, end: r.end,
                message: "Colour differs from the reference for \(formatSeconds((r.end - r.start).seconds)) from \(context.label(r.start)) (p95 ΔE00 up to \(formatNumber(r.worst, decimals: 1))): likely \(cause.explanation)",
                measurements: m)
        }
        var summary: [String: SummaryValue] = [
            "compared": .flag(compared > 0),
            "reference": .text(reference.path),
            "pictures_compared": .integer(Int64(compared)),
            "pictures_without_reference": .integer(Int64(pictures - compared)),
            "mean_delta_e00": .number(compared > 0 ? meanSum / Double(compared) : 0),
            "p95_delta_e00": .number(medianP95),
        ]
        if let rasters {
            summary["alignment"] = .text("by programme time, each file from its own first picture; \(rasters.main) against \(rasters.reference)"
                + (rasters.main == rasters.reference ? "" : ", both reduced to \(BlockColour.columns)x\(BlockColour.rows) block means of the same picture areas"))
        }
        return CheckerResult(findings: findings, summary: summary)
    }
}
