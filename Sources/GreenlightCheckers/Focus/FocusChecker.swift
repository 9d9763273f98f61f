import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Soft focus: a stretch of a shot much softer than the shot's own sharpest moments (a focus
/// pull that missed, a buzzed take), compared like with like so that shallow depth of field, a
/// soft lens or a soft source are what the shot is, not findings.
///
/// Per picture, ``FocusAnalyzer`` gives how sharp its strong edges are (the largest step of an
/// edge over its whole change) and how much fine detail it has. A shot's reference is its
/// sharpest pictures (the median of those at or above its 80th percentile of edge sharpness). A
/// picture is soft when its edges are under 80 % of the reference's and its fine detail under
/// 80 % (blur lowers both; a pan to the sky lowers only the detail, a change of exposure neither
/// ratio much), while its brightness is within 15 % of the reference pictures' (a fade is not a
/// focus problem), it moves no more than twice the shot's usual (motion blur is not either), and
/// it has edges to judge (50 or more). Six soft pictures or more in a row, pictures up to two
/// apart joined, make a `focus.soft` finding. Measured: chaplin and flower blurred by `gblur`
/// (σ 1.5 and 3) drop to 70 % on edges and 53-74 % on detail; their own sharpness and Big Buck
/// Bunny's wander by under 15 % within a shot.
public final class FocusChecker: Checker {
    public static let description = CheckerDescription(
        id: "focus", title: "Focus",
        catches: "Stretches of a shot much softer than the shot's own sharpest moments: lost focus, a missed pull, a buzzed take; shallow depth of field, fades and motion blur are compared like with like and left alone.",
        why: "Soft focus is the first thing a dailies operator flags for the director: a take may need a pickup while the set is still standing.",
        defaultSeverity: .warning,
        codes: ["focus.soft"],
        options: [])
    public static let features: FeatureSet = [.thumbnail, .lumaHistogram, .frameDifference]
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] { [.frame(CutAnalyzer.self), .picture(FocusAnalyzer.self)] }

    /// A check of camera originals: in the dailies profile, not the default.
    public static var runsByDefault: Bool { false }

    public struct Options: CheckerOptions {
        public init(_ values: OptionValues) {}
    }

    static let edgeLimit = 0.8, fineLimit = 0.8, brightnessLimit = 0.15, motionLimit = 2.0
    static let minimumRun = 6, join = 2, fewestEdges = 50

    struct Picture {
        var number: Int64, time: MediaTime, end: MediaTime
        var edges: Double, edgeCount: Int, fine: Double, brightness: Double, motion: Double
    }

    private let context: CheckContext
    private var shot: [Picture] = []
    private var shots = 0
    private var findings: [Finding] = []
    private var softPictures = 0, judged = 0, measuredShots = 0
    private var span = ProgrammeSpan()

    public init(options: Options, context: CheckContext) {
        self.context = context
    }

    public func consume(frame: FrameRecord) {
        let f = frame.features
        span.see(f)
        if frame.value(CutAnalyzer.self).isCut || f.followsGap { closeShot() }
        guard let s = frame.value(FocusAnalyzer.self) else { return }
        shot.append(Picture(number: f.frameNumber, time: f.time, end: f.end, edges: s.edges, edgeCount: s.edgeCount, fine: s.fine,
                            brightness: f.stats?.mean ?? 0, motion: f.difference?.mean ?? 0))
    }

    private func closeShot() {
        defer { shot.removeAll(keepingCapacity: true) }
        guard shot.count >= 2 * Self.minimumRun else { return }
        shots += 1
        let judgeable = shot.filter { $0.edgeCount >= Self.fewestEdges }
        guard judgeable.count >= 2 * Self.minimumRun else { return }
        let sharpnesses = judgeable.map(\.edges).sorted()
        let cut = sharpnesses[Int(Double(sharpnesses.count - 1) * 0.8)]
        let sharpest = judgeable.filter { $0.edges >= cut }
        func median(_ v: [Double]) -> Double { let s = v.sorted(); return s[s.count / 2] }
        let refEdges = median(sharpest.map(\.edges)), refFine = median(sharpest.map(\.fine)), refBright = median(sharpest.map(\.brightness))
        let usualMotion = median(shot.map(\.motion))
        measuredShots += 1
        var run: [Picture] = []
        var gap = 0
        func flush() {
            defer { run.removeAll(); gap = 0 }
            guard run.count >= Self.minimumRun, let first = run.first, let last = run.last else { return }
            softPictures += run.count
            let worst = run.min { $0.edges < $1.edges }!
            findings.append(context.finding(
                checker: Self.description.id, code: "focus.soft", severity: .warning,
                placement: span.placement(first.time, last.end),
                start: first.time, end: last.end,
                message: "Soft for \(run.count) pictures from \(context.label(first.time)) to \(context.label(last.end)) (worst at frame \(worst.number)): edges at \(formatNumber(worst.edges / refEdges * 100, decimals: 0)) % of the shot's sharpest moments, fine detail at \(formatNumber(worst.fine / refFine * 100, decimals: 0)) %; focus was lost or pulled off, check the take.",
                measurements: ["pictures": Double(run.count), "worstFrame": Double(worst.number),
                               "edgesPercent": worst.edges / refEdges * 100, "finePercent": worst.fine / refFine * 100]))
        }
        for p in shot {
            judged += 1
            let soft = p.edgeCount >= Self.fewestEdges && p.edges < Self.edgeLimit * refEdges && p.fine < Self.fineLimit * refFine
            let comparable = refBright > 0 && abs(p.brightness - refBright) <= Self.brightnessLimit * refBright
                && p.motion <= Self.motionLimit * max(usualMotion, 0.5)
            if soft && comparable {
                run.append(p)
                gap = 0
            } else if !run.isEmpty {
                gap += 1
                if gap > Self.join { flush() }
            }
        }
        flush()
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        closeShot()
        guard context.video != nil else { return CheckerResult(findings: [], summary: ["note": .text("no picture stream")]) }
        guard measuredShots > 0 else {
            return CheckerResult(findings: [], notMeasured: "no shot had \(2 * Self.minimumRun) pictures or more with strong edges (\(Self.fewestEdges) or more) to compare with its sharpest")
        }
        return CheckerResult(findings: findings, summary: ["shots": .integer(Int64(shots)), "softPictures": .integer(Int64(softPictures))])
    }
}
