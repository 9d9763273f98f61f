import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// HDR pictures against what they declare: the light the pixels ask of a display (MaxCLL,
/// MaxFALL, measured as CTA-861.3 defines them) against the static metadata (SMPTE ST 2086's
/// mastering display, CTA-861.3's content light level), colour outside P3-D65 in a BT.2020
/// container, and tags the pictures contradict (PQ-tagged pictures that look like SDR, or the
/// reverse). HDR10+ and Dolby Vision are recognised and noted, not measured.
///
/// HDR is recognised by transfer: PQ (SMPTE ST 2084, `smpte2084`) or HLG (ARIB STD-B67,
/// `arib-std-b67`). Static metadata is required of PQ only (HLG is scene-referred and carries
/// none). Levels come from ``LightLevelAnalyzer``: the largest of each pixel's linear R, G and
/// B in cd/m², the peak over every pixel, the average (MaxFALL) over a regular grid of them.
public final class HDRChecker: Checker {
    public static let description = CheckerDescription(
        id: "hdr", title: "HDR",
        catches: "PQ without ST 2086 or MaxCLL/MaxFALL, or with implausible values; measured MaxCLL/MaxFALL against the declared; pixels brighter than the mastering display; colour outside P3-D65 in a BT.2020 container; PQ-looking pictures tagged SDR or SDR-looking pictures tagged PQ; with require-hdr10, HDR10's delivery format.",
        why: "A display tone-maps by the metadata: declared levels the pictures exceed clip highlights, levels far above them dim the picture, and platforms reject HDR masters without correct metadata or graded outside P3.",
        defaultSeverity: .warning,
        codes: ["hdr.metadata-missing", "hdr.metadata-invalid", "hdr.light-level-mismatch", "hdr.over-mastering-peak", "hdr.outside-p3",
                "hdr.tag-conflict", "hdr.delivery"],
        options: optionSpecs)
    public static let features: FeatureSet = [.lumaHistogram]
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] { [.picture(LightLevelAnalyzer.self)] }
    /// MaxCLL and MaxFALL are over the whole programme: not run on a time range.
    public static var needsWholeProgramme: Bool { true }

    /// SDR white read through PQ is 10 000 cd/m²: an SDR picture tagged PQ puts large areas above this.
    static let sdrWhiteAsPQ = 2000.0

    private struct Run {
        var start: MediaTime, end: MediaTime, frames: Int, worst: Double, worstAt: MediaTime
    }

    private let options: Options
    private let context: CheckContext
    private var firstColour: PictureColour?
    private var transfer: String?
    private var frames = 0, measuredFrames = 0
    private var peak: (nits: Double, at: MediaTime, x: Int, y: Int)?
    private var fall: (nits: Double, at: MediaTime)?
    private var histogram = [UInt64](repeating: 0, count: LightLevelAnalyzer.bins)
    private var peakSeries: SeriesBuilder, averageSeries: SeriesBuilder
    private var overPeak: [Run] = [], outsideP3: [Run] = []
    /// PQ pictures with 5 % or more of their area over 2000 cd/m².
    private var sdrLooking = 0
    /// SDR pictures: the brightest 0.1 % (in % of nominal range) and the median.
    private var sdrHigh = -Double.infinity, sdrMedians: [Double] = []
    private var dynamic: [String: Int] = [:]
    private var span = ProgrammeSpan()

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
        // A point a picture, until a long programme's points merge.
        peakSeries = SeriesBuilder(span: context.frameRate.map { 1 / $0.doubleValue } ?? 0.04)
        averageSeries = peakSeries
    }

    private var mastering: MasteringDisplay? { firstColour?.masteringDisplay ?? context.video?.masteringDisplay }
    private var light: ContentLightLevel? { firstColour?.contentLight ?? context.video?.contentLight }

    public func consume(frame: FrameRecord) {
        let f = frame.features
        span.see(f)
        frames += 1
        if firstColour == nil, let c = f.colour { firstColour = c; transfer = c.transfer }
        for name in f.colour?.dynamicMetadata ?? [] { dynamic[name, default: 0] += 1 }
        guard let level = frame.value(LightLevelAnalyzer.self) else {
            // SDR: what a PQ grade read as SDR would look like (dim highlights, see finish).
            if let h = f.histogram, h.total > 0 {
                sdrHigh = max(sdrHigh, f.signal.percent(Double(h.percentile(0.999))))
                if sdrMedians.count < 100_000 { sdrMedians.append(f.signal.percent(Double(h.percentile(0.5)))) }
            }
            return
        }
        measuredFrames += 1
        if level.peak > (peak?.nits ?? -1) { peak = (level.peak, f.time, level.peakAt.x, level.peakAt.y) }
        if level.average > (fall?.nits ?? -1) { fall = (level.average, f.time) }
        var total: UInt64 = 0, bright: UInt64 = 0
        let brightBin = Int(Colorimetry.pqCode(Self.sdrWhiteAsPQ) * Double(LightLevelAnalyzer.bins))
        for i in 0..<LightLevelAnalyzer.bins {
            let n = UInt64(level.histogram[i])
            histogram[i] += n
            total += n
            if i >= brightBin { bright += n }
        }
        if level.transfer == "smpte2084", total > 0, Double(bright) >= 0.05 * Double(total) { sdrLooking += 1 }
        peakSeries.add(level.peak, at: f.time.seconds)
        averageSeries.add(level.average, at: f.time.seconds)
        if level.transfer == "smpte2084", let top = mastering?.maxLuminance, top > 0 {
            extend(&overPeak, level.peak > top * 1.01 + 1, value: level.peak, f)
        }
        if let share = level.outsideP3 { extend(&outsideP3, share > options.p3Area, value: share, f) }
    }

    private func extend(_ runs: inout [Run], _ on: Bool, value: Double, _ f: VideoFeatures) {
        guard on else { return }
        if var last = runs.last, last.end == f.time || (!f.followsGap && abs((last.end - f.time).seconds) < 1e-6) {
            last.end = f.end
            last.frames += 1
            if value > last.worst { last.worst = value; last.worstAt = f.time }
            runs[runs.count - 1] = last
        } else {
            runs.append(Run(start: f.time, end: f.end, frames: 1, worst: value, worstAt: f.time))
        }
    }

    /// The level (cd/m²) at or below which `fraction` of the programme's pixels lie: the upper
    /// edge of the histogram bin that reaches it.
    func percentile(_ fraction: Double) -> Double? {
        let total = histogram.reduce(0, +)
        guard total > 0 else { return nil }
        let target = UInt64((Double(total) * fraction).rounded(.up))
        var sum: UInt64 = 0
        for i in histogram.indices {
            sum += histogram[i]
            if sum >= max(1, target) { return Colorimetry.pqNits(Double(i + 1) / Double(LightLevelAnalyzer.bins)) }
        }
        return nil
    }

    private func wholeFile(_ code: String, _ message: String, measurements: [String: Double] = [:]) -> Finding {
        context.wholeFileFinding(checker: Self.description.id, code: code, message: message, measurements: measurements, stream: context.video?.index)
    }

    private func runFinding(_ code: String, _ run: Run, _ message: String, measurements: [String: Double]) -> Finding {
        context.finding(checker: Self.description.id, code: code, severity: .warning,
                        placement: span.placement(run.start, run.end),
                        start: run.start, end: run.end, message: message, measurements: measurements, stream: context.video?.index)
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        // No picture stream: nothing to look at, as for every picture checker.
        guard let video = context.video else { return CheckerResult(findings: [], summary: ["note": .text("no picture stream")]) }
        guard frames > 0 else { return CheckerResult(findings: [], notMeasured: "no pictures were decoded") }
        let transfer = self.transfer ?? video.colorTransfer
        let primaries = firstColour?.primaries ?? video.colorPrimaries
        let isPQ = transfer == "smpte2084", isHDR = isPQ || transfer == "arib-std-b67"
        var findings: [Finding] = []
        var summary: [String: SummaryValue] = ["transfer": .text(Self.transferName(transfer))]
        if let l = light {
            summary["maxCLLMetadata"] = .number(Double(l.maxCLL))
            summary["maxFALLMetadata"] = .number(Double(l.maxFALL))
        }
        if let top = mastering?.maxLuminance { summary["masteringPeak"] = .number(top) }
        if let dv = video.dolbyVision {
            summary["dolbyVision"] = .text("\(dv.name), level \(dv.level)\(dv.hasEnhancementLayer ? ", enhancement layer" : "")\(dv.compatibility == 1 ? ", HDR10-compatible base layer" : dv.compatibility == 4 ? ", HLG-compatible base layer" : dv.compatibility == 2 ? ", SDR-compatible base layer" : "")")
        }
        if !dynamic.isEmpty {
            summary["dynamicMetadata"] = .text(dynamic.sorted { $0.key < $1.key }.map { "\($0.key) on \($0.value) of \(frames) pictures" }.joined(separator: "; "))
        }
        if options.requireHDR10 { findings += deliveryFindings(video: video, transfer: transfer, primaries: primaries) }

        guard isHDR else {
            findings += sdrTagConflict(video: video, transfer: transfer, primaries: primaries)
            summary["note"] = .text("SDR (\(Self.transferName(transfer))): no HDR light levels to measure; checked for PQ pictures tagged SDR")
            return CheckerResult(findings: findings, summary: summary)
        }
        guard measuredFrames > 0, let peak, let fall else {
            return CheckerResult(findings: findings, summary: summary,
                                 notMeasured: "the HDR pictures could not be read as Y′CbCr (\(video.pixelFormat ?? "unknown format")): no light levels measured")
        }
        summary["maxCLL"] = .number(peak.nits)
        summary["maxFALL"] = .number(fall.nits)
        if let p = percentile(0.9999) { summary["maxCLL99_99"] = .number(p) }
        summary["maxCLLAt"] = .text(context.label(peak.at))
        summary["maxFALLAt"] = .text(context.label(fall.at))
        if !isPQ { summary["display"] = .text("HLG on BT.2100's reference display: 1000 cd/m², system gamma 1.2") }

        if isPQ { findings += metadataFindings(peak: peak.nits, fall: fall.nits) }
        if isPQ, let top = mastering?.maxLuminance {
            for run in overPeak {
                findings.append(runFinding("hdr.over-mastering-peak", run,
                    "Pixels reach \(formatNumber(run.worst, decimals: 0)) cd/m² (at \(context.label(run.worstAt))), over the mastering display's \(formatNumber(top, decimals: 0)) cd/m², on \(run.frames) picture\(run.frames == 1 ? "" : "s") from \(context.label(run.start)) to \(context.label(run.end)): nobody saw these levels when it was graded; a display clips or tone-maps them unpredictably.",
                    measurements: ["peakNits": run.worst, "masteringPeakNits": top, "frames": Double(run.frames),
                                   "worstFrame": Double(context.frame(at: run.worstAt) ?? 0)]))
            }
        }
        for run in outsideP3 {
            findings.append(runFinding("hdr.outside-p3", run,
                "\(formatNumber(run.worst, decimals: 1)) % of the picture (at \(context.label(run.worstAt))) has colour outside P3-D65 in its BT.2020 container, on \(run.frames) picture\(run.frames == 1 ? "" : "s") from \(context.label(run.start)) to \(context.label(run.end)): platforms require HDR graded within P3; limit the grade's gamut to P3-D65.",
                measurements: ["percentOutside": run.worst, "frames": Double(run.frames), "worstFrame": Double(context.frame(at: run.worstAt) ?? 0)]))
        }
        if isPQ, sdrLooking * 2 >= measuredFrames {
            findings.append(wholeFile("hdr.tag-conflict",
                "Tagged PQ, but on \(sdrLooking) of \(measuredFrames) pictures 5 % or more of the picture is over \(formatNumber(Self.sdrWhiteAsPQ, decimals: 0)) cd/m² (MaxFALL \(formatNumber(fall.nits, decimals: 0)) cd/m²): this looks like an SDR picture tagged PQ, whose white a display would show at 10 000 cd/m².",
                measurements: ["pictures": Double(sdrLooking), "maxFALL": fall.nits]))
        }
        let series: [Series] = [
            Series(id: "hdr.peak", checker: Self.description.id, title: "Brightest pixel per frame (MaxCLL's measure)", unit: "cd/m²",
                   points: peakSeries.points,
                   guides: [light.map { Series.Guide(value: Double($0.maxCLL), label: "MaxCLL declared") },
                            mastering?.maxLuminance.map { Series.Guide(value: $0, label: "mastering peak") }].compactMap { $0 },
                   shade: ["hdr.over-mastering-peak"]),
            Series(id: "hdr.frame-average", checker: Self.description.id, title: "Frame-average light level (MaxFALL's measure)", unit: "cd/m²",
                   points: averageSeries.points,
                   guides: [light.map { Series.Guide(value: Double($0.maxFALL), label: "MaxFALL declared") }].compactMap { $0 }),
        ].filter { !$0.points.isEmpty }
        return CheckerResult(findings: findings, summary: summary, series: series)
    }

    static func transferName(_ t: String?) -> String {
        switch t {
        case "smpte2084": return "PQ (SMPTE ST 2084)"
        case "arib-std-b67": return "HLG (ARIB STD-B67)"
        case nil: return "untagged"
        case let t?: return t
        }
    }

    /// PQ's static metadata: missing, implausible, or against the measured levels.
    private func metadataFindings(peak: Double, fall: Double) -> [Finding] {
        var findings: [Finding] = []
        let measured = "measured MaxCLL \(formatNumber(peak, decimals: 0)), MaxFALL \(formatNumber(fall, decimals: 0)) cd/m²"
        let problems = Self.metadataProblems(mastering: mastering, light: light)
        if !problems.missing.isEmpty {
            findings.append(wholeFile("hdr.metadata-missing",
                "PQ (HDR10) without \(problems.missing.joined(separator: " or ")) (\(measured)): a display has to guess how to tone-map; write the measured values.",
                measurements: ["maxCLL": peak, "maxFALL": fall]))
        }
        for p in problems.invalid { findings.append(wholeFile("hdr.metadata-invalid", "HDR10 metadata: \(p).")) }
        if let l = light, l.maxCLL > 0, l.maxFALL > 0 {
            let tolerance = options.tolerance / 100
            for (name, declared, content) in [("MaxCLL", Double(l.maxCLL), peak), ("MaxFALL", Double(l.maxFALL), fall)] {
                if content > declared * (1 + tolerance) {
                    findings.append(wholeFile("hdr.light-level-mismatch",
                        "\(name) is declared \(formatNumber(declared, decimals: 0)) cd/m² but the pictures reach \(formatNumber(content, decimals: 0)) (\(formatNumber((content / declared - 1) * 100, decimals: 0)) % over): \(name == "MaxCLL" ? "a display trusting it clips what is brighter" : "a display trusting it tone-maps for a dimmer programme than it gets"); declare the measured value.",
                        measurements: ["declared": declared, "measured": content]))
                } else if declared > 2 * content && declared - content >= 100 {
                    findings.append(wholeFile("hdr.light-level-mismatch",
                        "\(name) is declared \(formatNumber(declared, decimals: 0)) cd/m² but the pictures reach only \(formatNumber(content, decimals: 0)): a display tone-maps for light that never comes, dimming the picture; declare the measured value.",
                        measurements: ["declared": declared, "measured": content]))
                }
            }
        }
        return findings
    }

    /// What is missing (named) and what is implausible (sentences) in HDR10 static metadata.
    static func metadataProblems(mastering: MasteringDisplay?, light: ContentLightLevel?) -> (missing: [String], invalid: [String]) {
        var missing: [String] = [], invalid: [String] = []
        if let m = mastering {
            if let lo = m.minLuminance, let hi = m.maxLuminance {
                if hi < 100 || hi > 10000 { invalid.append("mastering display peak \(formatNumber(hi)) cd/m² is outside 100-10000") }
                if lo >= hi { invalid.append("mastering display minimum \(formatNumber(lo)) cd/m² is not below its peak") }
                if let l = light, Double(l.maxCLL) > hi * 1.5 {
                    invalid.append("MaxCLL \(l.maxCLL) cd/m² is far above the mastering display's peak \(formatNumber(hi)) cd/m²")
                }
            } else {
                invalid.append("the mastering display metadata has no luminance range")
            }
        } else {
            missing.append("mastering display metadata (SMPTE ST 2086)")
        }
        if let l = light, l.maxCLL > 0 || l.maxFALL > 0 {
            if l.maxCLL < l.maxFALL { invalid.append("MaxCLL \(l.maxCLL) is below MaxFALL \(l.maxFALL): the brightest pixel cannot be dimmer than the brightest frame average") }
            if l.maxCLL > 10000 { invalid.append("MaxCLL \(l.maxCLL) cd/m² is beyond PQ's 10000") }
        } else {
            // CTA-861.3: zero means unknown.
            missing.append(light == nil ? "content light level metadata (MaxCLL, MaxFALL)" : "content light level values (MaxCLL and MaxFALL are 0, CTA-861.3's \"unknown\")")
        }
        return (missing, invalid)
    }

    /// SDR-tagged pictures that look like a PQ grade: 10 bits, BT.2020 primaries, highlights that
    /// never reach 80 % of the range (PQ's 1500 cd/m²) while mid-tones are not dark.
    private func sdrTagConflict(video: StreamInfo, transfer: String?, primaries: String?) -> [Finding] {
        guard (video.bitDepth ?? 8) >= 10, primaries == "bt2020", !sdrMedians.isEmpty, sdrHigh.isFinite else { return [] }
        let median = sdrMedians.sorted()[sdrMedians.count / 2]
        guard sdrHigh < 80, median >= 25 else { return [] }
        return [wholeFile("hdr.tag-conflict",
            "Tagged SDR (\(Self.transferName(transfer))) in BT.2020 at \(video.bitDepth ?? 10) bits, but the brightest 0.1 % never passes \(formatNumber(sdrHigh, decimals: 0)) % of the range while the median picture sits at \(formatNumber(median, decimals: 0)) %: this looks like a PQ grade tagged SDR (it would play flat and dim); check the transfer tag.",
            measurements: ["highPercent": sdrHigh, "medianPercent": median])]
    }

    /// HDR10's delivery format, rule by rule (see the README's HDR section for where each comes from).
    private func deliveryFindings(video: StreamInfo, transfer: String?, primaries: String?) -> [Finding] {
        var broken: [String] = []
        if transfer != "smpte2084" { broken.append("transfer is \(Self.transferName(transfer)), not PQ (SMPTE ST 2084)") }
        if primaries != "bt2020" { broken.append("primaries are \(primaries ?? "untagged"), not BT.2020") }
        let matrix = firstColour?.matrix ?? video.colorMatrix
        if matrix != "bt2020nc" { broken.append("matrix is \(matrix ?? "untagged"), not BT.2020 non-constant luminance") }
        if (video.bitDepth ?? 0) < 10 { broken.append("\(video.bitDepth.map { "\($0) bits" } ?? "bit depth unknown"), not 10 or more") }
        if let m = mastering {
            let p3 = Colorimetry.primaries("smpte432")!, bt2020 = Colorimetry.primaries("bt2020")!
            func near(_ a: [Double]?, _ b: (Double, Double)) -> Bool { a.map { abs($0[0] - b.0) <= 0.005 && abs($0[1] - b.1) <= 0.005 } ?? false }
            func matches(_ p: [(Double, Double)]) -> Bool { near(m.red, p[0]) && near(m.green, p[1]) && near(m.blue, p[2]) }
            if !(matches(p3) || matches(bt2020)) { broken.append("the mastering display's primaries are neither P3 nor BT.2020") }
            if !near(m.whitePoint, (0.3127, 0.3290)) { broken.append("the mastering display's white is not D65") }
            if let top = m.maxLuminance, top < 1000 { broken.append("the mastering display peaks at \(formatNumber(top, decimals: 0)) cd/m², under the 1000 platforms ask for") }
        }
        // Missing metadata is hdr.metadata-missing's to say.
        return broken.map { wholeFile("hdr.delivery", "Not HDR10 delivery format: \($0).") }
    }
}
