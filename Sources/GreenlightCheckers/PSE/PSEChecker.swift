import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Flashing that can trigger photosensitive seizures (ITU-R BT.1702-2, Ofcom's Guidance Note on
/// flashing images): general (luminance) flashes and red flashes, counted per region of the
/// screen and frame by frame, in cd/m² on the display the standard assumes.
///
/// The picture is read as 16 × 9 regions: each region's mean Y′ (from the luma thumbnail) and
/// Cb, Cr (the shared chroma thumbnail) give its R′G′B′ (through the picture's own matrix), and
/// its luminance on the display the picture is made for: SDR on BT.1886's (γ 2.4, white
/// 200 cd/m²: 20 cd/m² is the standard's 0.1 of relative luminance); PQ as ST 2084 states it,
/// in absolute cd/m²; HLG on BT.2100's reference display (1000 cd/m², system gamma 1.2). HDR's
/// red rule reads the components' light as the R′G′B′ that SDR display would need. A region makes a transition when its luminance moves 20 cd/m² or more from its
/// last extreme, against the direction of its previous transition, with the darker state under
/// 160 cd/m²; a red transition when its redness ((R′ − G′ − B′) × 320, R′ / (R′ + G′ + B′) ≥ 0.8
/// in one of the states) moves by 20 or more. A frame carries a flash transition when the
/// regions making one cover a quarter of the screen or more. Harmful: more than three flashes
/// (seven transitions or more) in any one second. Flashing within those limits that goes on for
/// more than 5 s is a warning, as the guidance asks.
///
/// Regular patterns come from ``PatternAnalyzer`` (stripes in any orientation, their pairs, area,
/// light and whether they stand still): harmful over a quarter of the screen with light stripes
/// over 50 cd/m² for half a second or more, when they have more than five light-dark pairs and
/// move, change or flash, or more than eight standing still.
public final class PSEChecker: Checker {
    public static let description = CheckerDescription(
        id: "pse", title: "Flashing (PSE)",
        catches: "Flashes that can trigger photosensitive seizures: more than three general (luminance) or red flashes in any second over a quarter of the screen or more (ITU-R BT.1702-2, Ofcom), on SDR, PQ and HLG pictures; regular striped patterns over a quarter of the screen with more than five light-dark pairs (eight standing still); flashing within the limits that goes on for more than 5 s.",
        why: "Broadcasters must not air harmful flashing (Ofcom, BT.1702); a flagged master is rejected before transmission, or worse, is not.",
        defaultSeverity: .error,
        codes: ["pse.flash", "pse.red-flash", "pse.pattern", "pse.extended"],
        options: [])
    public static let features: FeatureSet = [.thumbnail]
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] {
        [.picture(ChromaThumbnailAnalyzer.self), .picture(PatternAnalyzer.self)]
    }
    /// Its findings count flashes over whole seconds: not run on a time range.
    public static var needsWholeProgramme: Bool { true }

    public struct Options: CheckerOptions {
        public init(_ values: OptionValues) {}
    }

    static let columns = ChromaThumbnailAnalyzer.columns, rows = ChromaThumbnailAnalyzer.rows
    /// The display the standard assumes: white at 200 cd/m².
    static let white = 200.0
    static let transition = 20.0, darkLimit = 160.0, redTransition = 20.0, redRatio = 0.8
    /// A quarter of the screen.
    static let area = 0.25
    /// More than three flashes a second: seven transitions or more in one second.
    static let harmfulTransitions = 7
    static let extendedSeconds = 5.0
    /// Patterns: over a quarter of the screen, light stripes over 50 cd/m², for 0.5 s or more;
    /// more than five pairs when they move, change or flash, more than eight when they stand still.
    static let patternLight = 50.0, patternSeconds = 0.5, movingPairs = 5, stationaryPairs = 8

    /// A run of pictures whose pattern is over the limits, and its worst picture's pattern.
    struct PatternRun {
        var start: MediaTime, end: MediaTime, worst: PatternAnalyzer.Pattern
    }

    private let context: CheckContext
    private var luminance = RegionTracker(threshold: PSEChecker.transition, darkLimit: PSEChecker.darkLimit)
    private var red = RegionTracker(threshold: PSEChecker.redTransition, darkLimit: nil)
    /// Frame-level transitions: time, the share of the screen, and the frame's end.
    private var luminanceEvents: [(time: MediaTime, area: Double)] = []
    private var redEvents: [(time: MediaTime, area: Double)] = []
    private var change: SeriesBuilder
    private var previousLuminance: [Double]?
    private var frames = 0
    private var patternRuns: [PatternRun] = []
    private var openPattern: PatternRun?
    private var widestPattern: PatternAnalyzer.Pattern?
    /// PQ or HLG, once a picture says so.
    private var transfer: String?

    public init(options: Options, context: CheckContext) {
        self.context = context
        // A point a picture, until a long programme's points merge.
        change = SeriesBuilder(span: context.frameRate.map { 1 / $0.doubleValue } ?? 0.04)
    }

    public func consume(frame: FrameRecord) {
        if transfer == nil, let t = frame.features.colour?.transfer, t == "smpte2084" || t == "arib-std-b67" { transfer = t }
        consumePattern(frame.value(PatternAnalyzer.self), frame.features)
        guard let thumb = frame.features.thumbnail else { return }
        let chroma = frame.value(ChromaThumbnailAnalyzer.self).blocks
        let n = Self.columns * Self.rows
        guard chroma.count == 2 * n else { return }
        let luma = Self.regions(thumb)
        // The picture's own matrix (untagged: BT.709 above 576 lines, BT.601 at or below; BT.2020's for HDR).
        let matrix = frame.features.colour?.matrix ?? (transfer != nil ? "bt2020nc" : nil)
        let k = Colorimetry.lumaCoefficients(matrix, height: context.video?.height ?? thumb.height * 32)
        var lum = [Double](repeating: 0, count: n), redness = [Double](repeating: 0, count: n), saturated = [Bool](repeating: false, count: n)
        for i in 0..<n {
            // Chroma is in percent of its whole excursion (224 codes at 8 bits): Pb, Pr = ±0.5 at ±50 %.
            let c = Colorimetry.rgb(y: Double(luma[i]) / 100, pb: Double(chroma[i]) / 100, pr: Double(chroma[n + i]) / 100, kr: k.kr, kb: k.kb)
            var r = min(1, max(0, c.r)), g = min(1, max(0, c.g)), b = min(1, max(0, c.b))
            switch transfer {
            case "smpte2084":
                // Absolute: each component's display light, BT.2020's luminance weights.
                let lr = Colorimetry.pqNits(r), lg = Colorimetry.pqNits(g), lb = Colorimetry.pqNits(b)
                lum[i] = 0.2627 * lr + 0.6780 * lg + 0.0593 * lb
                (r, g, b) = Self.sdrEquivalent(lr, lg, lb)
            case "arib-std-b67":
                // BT.2100's reference display: 1000 cd/m², system gamma 1.2.
                let sr = Colorimetry.hlgScene(r), sg = Colorimetry.hlgScene(g), sb = Colorimetry.hlgScene(b)
                let ys = 0.2627 * sr + 0.6780 * sg + 0.0593 * sb
                let gain = ys > 0 ? 1000 * pow(ys, 0.2) : 0
                lum[i] = gain * ys
                (r, g, b) = Self.sdrEquivalent(gain * sr, gain * sg, gain * sb)
            default:
                lum[i] = Self.white * (0.2126 * pow(r, 2.4) + 0.7152 * pow(g, 2.4) + 0.0722 * pow(b, 2.4))
            }
            redness[i] = max(0, r - g - b) * 320
            saturated[i] = r + g + b > 0 && r / (r + g + b) >= Self.redRatio
        }
        let time = frame.features.time
        let lumArea = Double(luminance.step(lum)) / Double(n)
        let redArea = Double(red.step(redness, qualifies: saturated)) / Double(n)
        if lumArea >= Self.area { luminanceEvents.append((time, lumArea)) }
        if redArea >= Self.area { redEvents.append((time, redArea)) }
        if let p = previousLuminance {
            var sum = 0.0
            for i in 0..<n { sum += abs(lum[i] - p[i]) }
            change.add(sum / Double(n), at: time.seconds)
        }
        previousLuminance = lum
        frames += 1
    }

    private func consumePattern(_ pattern: PatternAnalyzer.Pattern?, _ f: VideoFeatures) {
        if let p = pattern, p.area > (widestPattern?.area ?? 0) { widestPattern = p }
        guard let p = pattern, p.area > Self.area, p.lightest > Self.patternLight,
              // Not known to move (a first picture): held to the stationary limit.
              p.pairs > (p.stationary == false ? Self.movingPairs : Self.stationaryPairs) else {
            if let o = openPattern { patternRuns.append(o); openPattern = nil }
            return
        }
        if var o = openPattern, !f.followsGap {
            o.end = f.end
            if p.area * Double(p.pairs) > o.worst.area * Double(o.worst.pairs) || (o.worst.stationary == nil && p.stationary != nil) { o.worst = p }
            openPattern = o
        } else {
            if let o = openPattern { patternRuns.append(o) }
            openPattern = PatternRun(start: f.time, end: f.end, worst: p)
        }
    }

    private func patternFinding(_ r: PatternRun) -> Finding {
        let p = r.worst
        let lines = p.orientation == "vertical" ? "upright or leaning" : "lying"
        let limit = p.stationary == false ? Self.movingPairs : Self.stationaryPairs
        return context.finding(
            checker: Self.description.id, code: "pse.pattern", severity: .error, placement: nil, start: r.start, end: r.end,
            message: "A regular pattern of \(p.pairs) light-dark pairs of \(lines) stripes (\(formatNumber(p.lightest, decimals: 0)) against \(formatNumber(p.darkest, decimals: 0)) cd/m², every \(formatNumber(p.period, decimals: 0)) pixels) over \(formatNumber(p.area * 100, decimals: 0)) % of the screen from \(context.label(r.start)) to \(context.label(r.end)); \(p.stationary == false ? "moving or changing" : "standing still"), more than \(limit) pairs over a quarter of the screen is harmful (ITU-R BT.1702, Ofcom). Reduce the contrast, the area or the number of stripes.",
            measurements: ["pairs": Double(p.pairs), "areaPercent": p.area * 100, "lightest": p.lightest, "darkest": p.darkest,
                           "periodPixels": p.period, "seconds": (r.end - r.start).seconds])
    }

    /// HDR components' display light (cd/m²) as the R′, G′, B′ an SDR display at 200 cd/m² would
    /// need to show it (capped at its white), for the red rule, which is stated on SDR signals.
    static func sdrEquivalent(_ r: Double, _ g: Double, _ b: Double) -> (Double, Double, Double) {
        func code(_ l: Double) -> Double { pow(min(1, max(0, l / white)), 1 / 2.4) }
        return (code(r), code(g), code(b))
    }

    /// The luma thumbnail (32 × 32-sample blocks) averaged into the 16 × 9 regions; a region
    /// that no block's centre falls in (a picture under 512 × 288) takes the block under its own centre.
    static func regions(_ t: LumaThumbnail) -> [Float] {
        var sums = [Float](repeating: 0, count: columns * rows), counts = [Float](repeating: 0, count: columns * rows)
        guard t.width > 0, t.height > 0, t.pixels.count >= t.width * t.height else { return sums }
        for y in 0..<t.height {
            let r = min(rows - 1, (2 * y + 1) * rows / (2 * t.height))
            for x in 0..<t.width {
                let c = min(columns - 1, (2 * x + 1) * columns / (2 * t.width))
                sums[r * columns + c] += t.pixels[y * t.width + x]
                counts[r * columns + c] += 1
            }
        }
        for r in 0..<rows {
            for c in 0..<columns where counts[r * columns + c] == 0 {
                let x = min(t.width - 1, (2 * c + 1) * t.width / (2 * columns)), y = min(t.height - 1, (2 * r + 1) * t.height / (2 * rows))
                sums[r * columns + c] = t.pixels[y * t.width + x]
                counts[r * columns + c] = 1
            }
        }
        return zip(sums, counts).map { $0 / $1 }
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        let display = transfer == "smpte2084" ? "HDR PQ (SMPTE ST 2084), absolute" : transfer == "arib-std-b67" ? "HDR HLG on BT.2100's reference display, 1000 cd/m², γ 1.2" : "SDR, BT.1886 γ 2.4, white 200 cd/m²"
        var summary: [String: SummaryValue] = ["display": .text(display), "regions": .text("16 × 9")]
        var findings: [Finding] = []
        let general = Self.stretches(luminanceEvents)
        let reds = Self.stretches(redEvents)
        for s in general.harmful { findings.append(flashFinding(s, code: "pse.flash", kind: "flashes")) }
        for s in reds.harmful { findings.append(flashFinding(s, code: "pse.red-flash", kind: "red flashes")) }
        for s in general.extended + reds.extended {
            findings.append(context.finding(
                checker: Self.description.id, code: "pse.extended", severity: .warning, placement: nil, start: s.start, end: s.end,
                message: "Flashing within the limits (at most \(formatNumber(s.rate / 2, decimals: 1)) flashes a second over up to \(formatNumber(s.area * 100, decimals: 0)) % of the screen) goes on for \(formatNumber((s.end - s.start).seconds, decimals: 1)) s from \(context.label(s.start)) to \(context.label(s.end)), over the 5 s the guidance allows; break it up.",
                measurements: ["flashesPerSecond": s.rate / 2, "areaPercent": s.area * 100, "seconds": (s.end - s.start).seconds]))
        }
        summary["maxFlashesPerSecond"] = .number(max(general.maxRate, reds.maxRate) / 2)
        summary["flashTransitions"] = .integer(Int64(luminanceEvents.count))
        summary["redTransitions"] = .integer(Int64(redEvents.count))
        if let o = openPattern { patternRuns.append(o); openPattern = nil }
        for r in patternRuns where (r.end - r.start).seconds >= Self.patternSeconds { findings.append(patternFinding(r)) }
        if let p = widestPattern {
            summary["widestPattern"] = .text("\(p.pairs) pairs of \(p.orientation) stripes over \(formatNumber(p.area * 100, decimals: 0)) % of the screen, \(formatNumber(p.lightest, decimals: 0)) against \(formatNumber(p.darkest, decimals: 0)) cd/m²")
        }
        let points = change.points
        let series = points.isEmpty ? [] : [Series(id: "pse.luminance-change", checker: Self.description.id,
                                                   title: "Luminance change per frame (mean over the screen)", unit: "cd/m²", points: points,
                                                   guides: [Series.Guide(value: Self.transition, label: "a transition (per region)")],
                                                   shade: [Self.description.id])]
        return CheckerResult(findings: findings.sorted { $0.start < $1.start }, summary: summary, series: series)
    }

    private func flashFinding(_ s: Stretch, code: String, kind: String) -> Finding {
        context.finding(
            checker: Self.description.id, code: code, severity: .error, placement: nil, start: s.start, end: s.end,
            message: "\(formatNumber(s.rate / 2, decimals: 1)) \(kind) per second over \(formatNumber(s.area * 100, decimals: 0)) % of the screen from \(context.label(s.start)) to \(context.label(s.end)): more than 3 a second over a quarter of the screen is harmful (ITU-R BT.1702, Ofcom). Reduce the contrast or the rate.",
            measurements: ["flashesPerSecond": s.rate / 2, "areaPercent": s.area * 100])
    }

    struct Stretch {
        var start: MediaTime
        var end: MediaTime
        /// Most transitions in one second within it.
        var rate: Double
        /// Largest share of the screen one of its transitions covered.
        var area: Double
    }

    /// Harmful stretches (seven or more transitions within a second, joined while they overlap)
    /// and extended ones (two or more a second, harmless, for over 5 s).
    static func stretches(_ events: [(time: MediaTime, area: Double)]) -> (harmful: [Stretch], extended: [Stretch], maxRate: Double) {
        var harmful: [Stretch] = [], extended: [Stretch] = []
        var maxRate = 0.0
        var lo = 0
        var open: Stretch?
        var flashing: Stretch?  // transitions at least every second
        for hi in events.indices {
            while events[hi].time.seconds - events[lo].time.seconds >= 1 { lo += 1 }
            let count = hi - lo + 1
            maxRate = max(maxRate, Double(count))
            let window = events[lo...hi]
            let area = window.map(\.area).max() ?? 0
            if count >= harmfulTransitions {
                if var o = open, events[lo].time <= o.end {
                    o.end = events[hi].time
                    o.rate = max(o.rate, Double(count))
                    o.area = max(o.area, area)
                    open = o
                } else {
                    if let o = open { harmful.append(o) }
                    open = Stretch(start: events[lo].time, end: events[hi].time, rate: Double(count), area: area)
                }
            }
            // Extended: transitions no more than a second apart, running on.
            if var f = flashing, (events[hi].time - f.end).seconds <= 1 {
                f.end = events[hi].time
                f.rate = max(f.rate, Double(count))
                f.area = max(f.area, events[hi].area)
                flashing = f
            } else {
                if let f = flashing, (f.end - f.start).seconds > extendedSeconds, f.rate < Double(harmfulTransitions) { extended.append(f) }
                flashing = Stretch(start: events[hi].time, end: events[hi].time, rate: 1, area: events[hi].area)
            }
        }
        if let o = open { harmful.append(o) }
        if let f = flashing, (f.end - f.start).seconds > extendedSeconds, f.rate < Double(harmfulTransitions) { extended.append(f) }
        return (harmful, extended, maxRate)
    }
}

/// Each region's last extreme and the direction of its last transition; a step reports how many
/// regions made a transition in this frame.
struct RegionTracker {
    let threshold: Double
    /// The darker state must be under this (luminance flashes); nil: no limit.
    let darkLimit: Double?
    private var extreme: [Double] = []
    private var direction: [Int] = []

    init(threshold: Double, darkLimit: Double?) {
        self.threshold = threshold
        self.darkLimit = darkLimit
    }

    /// `values` per region; `qualifies` (when given): whether the region's current state may take
    /// part (a red transition needs saturated red on one side, tracked as the extreme's flag).
    mutating func step(_ values: [Double], qualifies: [Bool]? = nil) -> Int {
        if extreme.count != values.count {
            extreme = values
            direction = [Int](repeating: 0, count: values.count)
            qualified = qualifies ?? [Bool](repeating: true, count: values.count)
            return 0
        }
        var count = 0
        for i in values.indices {
            let v = values[i], e = extreme[i], d = direction[i]
            // Still moving the way of the last transition: the extreme follows.
            if (d > 0 && v > e) || (d < 0 && v < e) {
                extreme[i] = v
                qualified[i] = qualifies?[i] ?? true
                continue
            }
            let delta = v - e
            let darkOK = darkLimit.map { min(v, e) < $0 } ?? true
            let redOK = qualifies.map { $0[i] || qualified[i] } ?? true
            if abs(delta) >= threshold, (d == 0 || (delta > 0) != (d > 0)), darkOK, redOK {
                count += 1
                direction[i] = delta > 0 ? 1 : -1
                extreme[i] = v
                qualified[i] = qualifies?[i] ?? true
            }
        }
        return count
    }

    private var qualified: [Bool] = []
}
