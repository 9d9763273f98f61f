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
    private var meanSum = 0.0, p95s: [Double] = []
    private var rasters: (main: String, reference: String)?
    private var lab: [String: (linear: [Double], matrix: [Double])] = [:]

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    /// R'G'B' (0…1 nominal) to L*a*b*, by the picture's own transfer and primaries.
    private func toLab(_ rgb: ArraySlice<Float>, colour: PictureColour?, height: Int) -> Lab {
        let reading = ColourReading(colour: colour, height: height)
        let key = reading.primaries + "/" + reading.transfer
        let table: (linear: [Double], matrix: [Double])
        if let t = lab[key] { table = t } else {
            let eotf = Colorimetry.eotf(reading.transfer)!
            table = ((0...1023).map { eotf(Double($0) / 1023) }, Colorimetry.rgbToXYZ(Colorimetry.primaries(reading.primaries)!))
            lab[key] = table
        }
        let v = rgb.map { table.linear[max(0, min(1023, Int(Double($0) * 1023 + 0.5)))] }
        let m = table.matrix
        return Lab(xyz: (m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]))
    }

    public func consume(video: VideoFeatures) {
        pictures += 1
        guard let pair = video.reference else { closeRun(); return }
        compared += 1
        if rasters == nil {
            rasters = ("\(pair.main.width)x\(pair.main.height)", "\(pair.reference.width)x\(pair.reference.height)")
        }
        let blocks = pair.main.rgb.count / 3
        var d: [Double] = []
        d.reserveCapacity(blocks)
        for b in 0..<blocks {
            let a = toLab(pair.main.rgb[(b * 3)..<(b * 3 + 3)], colour: pair.main.colour, height: pair.main.height)
            let r = toLab(pair.reference.rgb[(b * 3)..<(b * 3 + 3)], colour: pair.reference.colour, height: pair.reference.height)
            d.append(a.deltaE00(r))
        }
        let mean = d.reduce(0, +) / Double(max(1, d.count)), p95 = quantile(d, 0.95) ?? 0
        meanSum += mean
        p95s.append(p95)
        guard p95 >= options.deltaE else { closeRun(); return }
        if run == nil { run = Run(start: video.time, end: video.time, frames: 0) }
        run!.end = video.time + video.duration
        run!.frames += 1
        run!.meanSum += mean
        run!.worst = max(run!.worst, p95)
        run!.fit.add(main: pair.main, reference: pair.reference)
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
            "p95_delta_e00": .number(quantile(p95s, 0.5) ?? 0),
        ]
        if let rasters {
            summary["alignment"] = .text("by programme time, each file from its own first picture; \(rasters.main) against \(rasters.reference)"
                + (rasters.main == rasters.reference ? "" : ", both reduced to \(BlockColour.columns)x\(BlockColour.rows) block means of the same picture areas"))
        }
        return CheckerResult(findings: findings, summary: summary)
    }
}
