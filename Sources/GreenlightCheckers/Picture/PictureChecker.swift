import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Visual glitches every QC vendor lists: macroblocking, interlacing left in a progressive
/// file, a field order flagged against the content's, and a 3:2 pulldown cadence that breaks.
///
/// The measures come from ``GlitchAnalyzer`` (block grid and combing on the luma, field order
/// against the previous picture). A picture is blocky when its block grid is 1.5 times stronger
/// than the texture inside its blocks both ways and 6 % or more of its flat block edges show a
/// step; a stretch of 8 such pictures or more (a third of a second; pictures up to three frames
/// apart join) is reported. Nine real clips of the corpus reach a grid of at most 1.25; chaplin
/// with a stretch re-encoded starved reaches 1.6-1.8 (H.264, deblocking off) and 3.5-10 (MPEG-2).
/// H.264's own deblocking turns starvation into blur, which this does not call blocking. Combed pictures in a file whose pictures say progressive are
/// interlaced content; their field order is the one the fields' timing shows. On moving pictures,
/// combing on two of every five in a steady phase is 3:2 pulldown; the phase moving is a break.
public final class PictureChecker: Checker {
    public static let description = CheckerDescription(
        id: "picture", title: "Visual glitches",
        catches: "Macroblocking (a block grid stronger than the texture around it), interlaced content in a file flagged progressive, a flagged field order the content contradicts, and a 3:2 pulldown cadence that breaks mid-programme.",
        why: "Starved or damaged encodes, interlacing left in progressive masters and broken cadence are what every QC vendor rejects: they show on every progressive display and break inverse telecine downstream.",
        defaultSeverity: .warning,
        codes: ["picture.blockiness", "picture.interlaced", "picture.field-order", "picture.cadence-break"],
        options: [])
    public static let features: FeatureSet = [.frameDifference]
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] { [.picture(GlitchAnalyzer.self)] }

    public struct Options: CheckerOptions {
        public init(_ values: OptionValues) {}
    }

    static let blockGrid = 1.5, blockVisible = 6.0
    /// Stretches of blocky pictures this long or longer are reported (pictures up to three frames
    /// apart join one stretch): shorter ones were all on synthetic clips with hard flat edges.
    static let blockFrames = 8
    /// Combed pictures less than this far apart belong to one stretch (seconds).
    static let combJoin = 1.0
    /// A moving picture: mean luma change from the previous of at least this (% of range).
    static let moving = 0.3

    struct Stretch {
        var start: MediaTime, end: MediaTime
        var frames = 1
        var worst: Double
        var worstFrame: Int64
        var last: MediaTime
    }

    private let context: CheckContext
    private var blocky: [Stretch] = [], openBlocky: Stretch?
    private var combing: [Stretch] = [], openComb: Stretch?
    private var progressiveFrames = 0, interlacedFlags: [PictureScan: Int] = [:]
    private var topFirstVotes = 0, bottomFirstVotes = 0
    private var cadence = CadenceTracker()
    private var gridSeries: SeriesBuilder, combSeries: SeriesBuilder
    private var frames = 0, measured = 0, combedFrames = 0, blockyFrames = 0
    private var span = ProgrammeSpan()

    public init(options: Options, context: CheckContext) {
        self.context = context
        gridSeries = SeriesBuilder(span: context.frameRate.map { 1 / $0.doubleValue } ?? 0.04)
        combSeries = gridSeries
    }

    public func consume(frame: FrameRecord) {
        let f = frame.features
        frames += 1
        span.see(f)
        if f.scan.isInterlaced { interlacedFlags[f.scan, default: 0] += 1 } else { progressiveFrames += 1 }
        guard let g = frame.value(GlitchAnalyzer.self) else { return }
        measured += 1
        gridSeries.add(g.grid, at: f.time.seconds)
        combSeries.add(g.combed, at: f.time.seconds)

        let isBlocky = g.grid >= Self.blockGrid && g.visible >= Self.blockVisible
        if isBlocky { blockyFrames += 1 }
        // A picture or two that dips under the limits does not split a stretch.
        Self.extend(&openBlocky, into: &blocky, on: isBlocky, f, value: g.grid * g.visible, join: 3 * f.duration.seconds)

        let combed = g.combed >= GlitchAnalyzer.combedShare
        if combed {
            combedFrames += 1
            if let o = g.fieldOrder {
                if o > 0.3 { topFirstVotes += 1 } else if o < -0.3 { bottomFirstVotes += 1 }
            }
        }
        if !f.scan.isInterlaced { Self.extend(&openComb, into: &combing, on: combed, f, value: g.combed, join: Self.combJoin) }
        if let d = f.difference, d.mean >= Self.moving, !f.followsGap {
            cadence.add(frame: f.frameNumber, time: f.time, combed: combed)
        }
    }

    /// Grows the open stretch with a picture that is `on`, joining pictures up to `join` seconds
    /// apart; closes it into `closed` when it cannot grow.
    private static func extend(_ open: inout Stretch?, into closed: inout [Stretch], on: Bool, _ f: VideoFeatures, value: Double, join: Double) {
        guard on else {
            if let o = open, join == 0 || (f.time - o.last).seconds > join { closed.append(o); open = nil }
            return
        }
        if var o = open, !f.followsGap || join > 0, (f.time - o.last).seconds <= max(join, 1e-6) || f.time == o.end {
            o.end = f.end
            o.last = f.time
            o.frames += 1
            if value > o.worst { o.worst = value; o.worstFrame = f.frameNumber }
            open = o
        } else {
            if let o = open { closed.append(o) }
            open = Stretch(start: f.time, end: f.end, worst: value, worstFrame: f.frameNumber, last: f.time)
        }
    }

    private func finding(_ code: String, start: MediaTime, end: MediaTime, message: String, measurements: [String: Double]) -> Finding {
        context.finding(checker: Self.description.id, code: code, severity: .warning,
                        placement: span.placement(start, end),
                        start: start, end: end, message: message, measurements: measurements, stream: context.video?.index)
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        if let o = openBlocky { blocky.append(o); openBlocky = nil }
        if let o = openComb { combing.append(o); openComb = nil }
        // No picture stream: nothing to look at, as for every picture checker.
        guard context.video != nil else { return CheckerResult(findings: [], summary: ["note": .text("no picture stream")]) }
        guard measured > 0 else {
            return CheckerResult(findings: [], notMeasured: frames == 0 ? "no pictures were decoded" : "the pictures are too small to measure (under 32 × 32)")
        }
        var findings: [Finding] = []
        for s in blocky where s.frames >= Self.blockFrames {
            findings.append(finding("picture.blockiness", start: s.start, end: s.end,
                message: "Macroblocking on \(s.frames) picture\(s.frames == 1 ? "" : "s") from \(context.label(s.start)) to \(context.label(s.end)) (worst at frame \(s.worstFrame)): the 8 × 8 block grid stands out from the texture inside the blocks, as a starved or damaged encode leaves it; re-encode that stretch from the source.",
                measurements: ["frames": Double(s.frames), "worstFrame": Double(s.worstFrame)]))
        }
        let contentOrder = Self.order(top: topFirstVotes, bottom: bottomFirstVotes)
        let telecine = cadence.lockedShare >= 0.6 && cadence.lockedFrames >= 10
        if progressiveFrames * 2 > frames {
            for s in combing where s.frames >= 3 {
                let what = telecine
                    ? "3:2 pulldown (telecined film: two combed pictures in every five) in a file whose pictures say progressive; inverse-telecine it (field matching and decimation to 23.976 fps)"
                    : "interlaced content (fields from different moments: combing on motion) in a file whose pictures say progressive\(contentOrder.map { ", \($0) in content" } ?? ""); deinterlace it or flag it interlaced"
                findings.append(finding("picture.interlaced", start: s.start, end: s.end,
                    message: "\(s.frames) combed picture\(s.frames == 1 ? "" : "s") from \(context.label(s.start)) to \(context.label(s.end)) (worst at frame \(s.worstFrame)): \(what).",
                    measurements: ["combedPictures": Double(s.frames), "worstFrame": Double(s.worstFrame), "worstCombedPercent": s.worst]))
            }
        }
        if let flagged = interlacedFlags.max(by: { $0.value < $1.value })?.key, let content = contentOrder,
           (flagged == .topFieldFirst) != (content == "top field first"), let start = span.first, let stop = span.end {
            findings.append(finding("picture.field-order", start: start, end: stop,
                message: "The pictures are flagged \(flagged == .topFieldFirst ? "top field first" : "bottom field first") but the content is \(content) (\(max(topFirstVotes, bottomFirstVotes)) of \(topFirstVotes + bottomFirstVotes) combed pictures): motion will judder on every interlaced display; fix the flag.",
                measurements: ["topFirstVotes": Double(topFirstVotes), "bottomFirstVotes": Double(bottomFirstVotes)]))
        }
        for b in cadence.breaks {
            findings.append(finding("picture.cadence-break", start: b.time, end: b.time,
                message: "The 3:2 pulldown cadence breaks at frame \(b.frame) (\(context.label(b.time))): combed pictures move from phase \(b.from) to \(b.to) of five, as an edit made after telecine leaves it; inverse telecine will mismatch fields there.",
                measurements: ["fromPhase": Double(b.from), "toPhase": Double(b.to), "worstFrame": Double(b.frame)]))
        }
        var summary: [String: SummaryValue] = ["blockyPictures": .integer(Int64(blockyFrames)), "combedPictures": .integer(Int64(combedFrames))]
        if let contentOrder { summary["contentFieldOrder"] = .text(contentOrder) }
        summary["cadence"] = .text(telecine ? "3:2 pulldown" : cadence.lockedFrames > 0 ? "3:2 in part (\(cadence.lockedFrames) moving pictures)" : "none found")
        let series = [
            Series(id: "picture.block-grid", checker: Self.description.id, title: "Block grid strength (edges over inside, the weaker way)", unit: "×",
                   points: gridSeries.points, guides: [Series.Guide(value: Self.blockGrid, label: "blocky from")], shade: ["picture.blockiness"]),
            Series(id: "picture.combing", checker: Self.description.id, title: "Combed share of the picture", unit: "%",
                   points: combSeries.points, guides: [Series.Guide(value: GlitchAnalyzer.combedShare, label: "combed from")], shade: ["picture.interlaced"]),
        ].filter { !$0.points.isEmpty }
        return CheckerResult(findings: findings, summary: summary, series: series)
    }

    /// The content's field order when at least 5 combed pictures say it and 80 % of them agree.
    static func order(top: Int, bottom: Int) -> String? {
        let n = top + bottom
        guard n >= 5 else { return nil }
        if top * 5 >= n * 4 { return "top field first" }
        if bottom * 5 >= n * 4 { return "bottom field first" }
        return nil
    }
}

/// Follows a 3:2 pulldown cadence over moving pictures: a telecined picture sequence shows
/// combing on two consecutive pictures of every five (fields of two film frames), so frame n is
/// combed when (n − phase) mod 5 is 0 or 1. A phase holds when the last 15 moving pictures fit it
/// but for one; a new phase holding is a break, placed where the old and new phases together
/// explain the recent pictures best.
struct CadenceTracker {
    struct Break { var frame: Int64; var time: MediaTime; var from: Int; var to: Int }
    private var history: [(frame: Int64, time: MediaTime, combed: Bool)] = []
    private(set) var locked: Int?
    private(set) var breaks: [Break] = []
    /// Moving pictures seen while a phase held, and all moving pictures.
    private(set) var lockedFrames = 0, movingFrames = 0
    static let window = 15

    var lockedShare: Double { movingFrames > 0 ? Double(lockedFrames) / Double(movingFrames) : 0 }

    static func fits(_ frame: Int64, _ combed: Bool, phase: Int) -> Bool {
        (((frame - Int64(phase)) % 5 + 5) % 5 < 2) == combed
    }

    mutating func add(frame: Int64, time: MediaTime, combed: Bool) {
        movingFrames += 1
        history.append((frame, time, combed))
        if history.count > 3 * Self.window { history.removeFirst(history.count - 3 * Self.window) }
        let recent = history.suffix(Self.window)
        let combedCount = recent.filter(\.combed).count
        guard recent.count == Self.window, combedCount >= 4, recent.count - combedCount >= 6 else {
            if locked != nil { lockedFrames += 1 }
            return
        }
        let scores = (0..<5).map { p in recent.filter { Self.fits($0.frame, $0.combed, phase: p) }.count }
        let best = scores.indices.max { scores[$0] < scores[$1] }!
        guard scores[best] >= Self.window - 1 else {
            if locked != nil { lockedFrames += 1 }
            return
        }
        if let old = locked, old != best {
            // Where the old phase stops explaining the pictures and the new one starts: the
            // split of the recent history that the two phases explain best (a picture with
            // little motion may fit neither), at the first picture only the new phase explains.
            let oldFits = history.map { Self.fits($0.frame, $0.combed, phase: old) ? 1 : 0 }
            let newFits = history.map { Self.fits($0.frame, $0.combed, phase: best) ? 1 : 0 }
            var bestSplit = 0, bestScore = -1
            for k in history.indices where newFits[k] == 1 && oldFits[k] == 0 {
                let score = oldFits[..<k].reduce(0, +) + newFits[k...].reduce(0, +)
                if score > bestScore { bestScore = score; bestSplit = k }
            }
            let at = history[bestSplit]
            breaks.append(Break(frame: at.frame, time: at.time, from: old, to: best))
        }
        locked = best
        lockedFrames += 1
    }
}
