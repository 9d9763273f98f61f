import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Exposure at the code-value limits, shot by shot: highlights clipped (luma at 99 % of the
/// nominal range or above) and shadows crushed (at 1 % or below) over a share of the picture that
/// a viewer sees as a flat white or black area.
///
/// Shares come from every picture's luma histogram. Letterbox and pillarbox bars are not
/// crushed shadows: rows and columns of the luma thumbnail (32 × 32 blocks) that are black all
/// across, from an edge inward, are left out of the picture. Black pictures (a fade, a slate's
/// black) are left out of their shot. A shot whose median picture has 3 % of its picture or more
/// clipped is `exposure.clipped`; 5 % or more crushed, `exposure.crushed`. The HTML report shows
/// the worst picture in false colour (clipped red, crushed blue). Log footage, whose limits are
/// the curve's rather than the range's, is read as video: not yet told apart.
public final class ExposureChecker: Checker {
    public static let description = CheckerDescription(
        id: "exposure", title: "Exposure",
        catches: "Shots whose highlights are clipped (3 % of the picture or more at 99 % of the range or above) or shadows crushed (5 % or more at 1 % or below, letterbox bars and black pictures left out).",
        why: "Clipped highlights and crushed shadows hold no detail to grade back: on set a reshoot is cheap, in the grade it is not.",
        defaultSeverity: .warning,
        codes: ["exposure.clipped", "exposure.crushed"],
        options: [])
    public static let features: FeatureSet = [.thumbnail, .lumaHistogram]
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] { [.frame(CutAnalyzer.self)] }

    /// A check of camera originals: in the dailies profile, not the default.
    public static var runsByDefault: Bool { false }

    public struct Options: CheckerOptions {
        public init(_ values: OptionValues) {}
    }

    static let clipLevel = 99.0, crushLevel = 1.0, clippedShare = 3.0, crushedShare = 5.0

    struct Picture {
        var number: Int64, time: MediaTime, end: MediaTime, clipped: Double, crushed: Double
    }

    private let context: CheckContext
    private var shot: [Picture] = []
    private var findings: [Finding] = []
    private var shots = 0
    private var span = ProgrammeSpan()

    public init(options: Options, context: CheckContext) {
        self.context = context
    }

    public func consume(frame: FrameRecord) {
        let f = frame.features
        span.see(f)
        if frame.value(CutAnalyzer.self).isCut || f.followsGap { closeShot() }
        guard let h = f.histogram, h.total > 0, !f.isBlack else { return }
        let signal = f.signal
        let clipCode = signal.code(atPercent: Self.clipLevel), crushCode = signal.code(atPercent: Self.crushLevel)
        let total = Double(h.total)
        let clipped = Double(h.total - h.count(atOrBelow: clipCode - 1)) / total
        var crushed = Double(h.count(atOrBelow: crushCode)) / total
        // Bars: black all across from an edge inward, left out of the picture.
        if let t = f.thumbnail, t.width > 0, t.height > 0 {
            let bars = Self.barShare(t)
            crushed = bars < 0.95 ? max(0, crushed - bars) / (1 - bars) : 0
        }
        shot.append(Picture(number: f.frameNumber, time: f.time, end: f.end, clipped: clipped * 100, crushed: crushed * 100))
    }

    /// The share of the thumbnail in black bars: whole rows from the top and bottom, whole
    /// columns from the left and right, every block under 2 % of the range.
    static func barShare(_ t: LumaThumbnail) -> Double {
        func dark(_ i: Int) -> Bool { t.pixels[i] < 2 }
        func rowDark(_ y: Int) -> Bool { (0..<t.width).allSatisfy { dark(y * t.width + $0) } }
        func columnDark(_ x: Int) -> Bool { (0..<t.height).allSatisfy { dark($0 * t.width + x) } }
        var top = 0, bottom = 0, left = 0, right = 0
        while top < t.height, rowDark(top) { top += 1 }
        while bottom < t.height - top, rowDark(t.height - 1 - bottom) { bottom += 1 }
        while left < t.width, columnDark(left) { left += 1 }
        while right < t.width - left, columnDark(t.width - 1 - right) { right += 1 }
        let inside = Double(max(0, t.height - top - bottom) * max(0, t.width - left - right))
        return 1 - inside / Double(t.width * t.height)
    }

    private func closeShot() {
        defer { shot.removeAll(keepingCapacity: true) }
        guard !shot.isEmpty, let first = shot.first, let last = shot.last else { return }
        shots += 1
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        let where_ = span.placement(first.time, last.end)
        for (code, share, limit, words, key) in [("exposure.clipped", median(shot.map(\.clipped)), Self.clippedShare, "highlights clipped (at 99 % of the range or above)", \Picture.clipped),
                                                 ("exposure.crushed", median(shot.map(\.crushed)), Self.crushedShare, "shadows crushed (at 1 % of the range or below, bars left out)", \Picture.crushed)]
        where share >= limit {
            let worst = shot.max { $0[keyPath: key] < $1[keyPath: key] }!
            findings.append(context.finding(
                checker: Self.description.id, code: code, severity: .warning, placement: where_, start: first.time, end: last.end,
                message: "The shot from \(context.label(first.time)) to \(context.label(last.end)) has \(formatNumber(share, decimals: 1)) % of its picture with \(words) in its median picture, \(formatNumber(worst[keyPath: key], decimals: 1)) % at worst (frame \(worst.number)): no detail there to grade back.",
                measurements: ["medianPercent": share, "worstPercent": worst[keyPath: key], "worstFrame": Double(worst.number)]))
        }
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        closeShot()
        guard context.video != nil else { return CheckerResult(findings: [], summary: ["note": .text("no picture stream")]) }
        return CheckerResult(findings: findings, summary: ["shots": .integer(Int64(shots))])
    }
}
