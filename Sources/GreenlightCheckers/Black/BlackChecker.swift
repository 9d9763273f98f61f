import GreenlightCore
import GreenlightValues

/// Finds runs of black pictures, frame-exact: head and tail black as information, black inside
/// the programme as a warning.
public final class BlackChecker: Checker {
    public static let description = CheckerDescription(
        id: "black",
        title: "Black frames",
        catches: "Runs of black pictures: a picture is black when at least 98% of its pixels (over 1280×720: of a regular grid of about 130,000) are at or below 10% of the nominal luma range above black level (limited or full range as the stream declares, any bit depth). Reported with frame-exact start and end.",
        why: "Black in the middle of a programme is usually a dropped shot, a bad edit or a playout gap; black at head and tail is expected padding but its length matters for delivery specs.",
        defaultSeverity: .warning,
        codes: ["black.segment"],
        options: optionSpecs)
    public static let features: FeatureSet = [.lumaHistogram]

    public static func configure(_ parameters: inout FeatureParameters, with options: Options) {
        parameters.black = BlackCriterion(thresholdPercent: options.threshold, pixelRatio: options.pixelRatio)
    }

    private struct Run {
        var segment: PictureSegment
        var lumaSum = 0.0
        var brightest = -100.0
        var minShare = 100.0
    }

    private let options: Options
    private let context: CheckContext
    private var run: Run?
    private var runs: [Run] = []
    private var firstTime: MediaTime?
    private var blackFrames: Int64 = 0
    private var frames: Int64 = 0
    /// The mean picture level over time, for the report's plot.
    private var level: SeriesBuilder

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
        level = SeriesBuilder(span: context.frameRate.map { 1 / $0.doubleValue } ?? 0.04)
    }

    public var openSince: MediaTime? { run?.segment.start }

    public func consume(video f: VideoFeatures) {
        if firstTime == nil { firstTime = f.time }
        frames += 1
        if f.followsGap, let r = run { runs.append(r); run = nil }
        if let stats = f.stats { level.add(f.signal.percent(stats.mean), at: f.time.seconds) }
        guard f.isBlack, let stats = f.stats, let histogram = f.histogram else {
            if let r = run { runs.append(r); run = nil }
            return
        }
        blackFrames += 1
        var r = run ?? Run(segment: PictureSegment(start: f.time, end: f.end, frames: 0))
        r.segment.end = f.end
        r.segment.frames += 1
        r.lumaSum += f.signal.percent(stats.mean)
        r.brightest = max(r.brightest, f.signal.percent(Double(histogram.percentile(0.99))))
        r.minShare = min(r.minShare, f.blackShare ?? 0)
        run = r
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        if let r = run { runs.append(r); run = nil }
        var findings: [Finding] = []
        var head = 0.0, tail = 0.0, total = 0.0
        for r in runs where r.segment.lasts(options.minDuration, frameRate: context.frameRate) {
            let frames = Double(r.segment.frames)
            let f = r.segment.finding(checker: Self.description.id, code: "black.segment", subject: "Black",
                                      firstPicture: firstTime ?? .zero, end: end.videoEnd, context: context,
                                      measurements: ["meanLumaPercent": r.lumaSum / frames, "brightestLumaPercent": r.brightest,
                                                     "minBlackPixelPercent": r.minShare])
            if f.placement == .head { head = f.duration }
            if f.placement == .tail { tail = f.duration }
            total += f.duration
            findings.append(f)
        }
        return CheckerResult(findings: findings, summary: [
            "frames": .integer(frames), "blackFrames": .integer(blackFrames), "segments": .integer(Int64(findings.count)),
            "blackSeconds": .number(total), "headSeconds": .number(head), "tailSeconds": .number(tail),
        ], series: frames == 0 ? [] : [
            Series(id: "black.luma", checker: Self.description.id, title: "Picture level (mean luma)", unit: "% luma",
                   points: level.points, guides: [Series.Guide(value: options.threshold, label: "black threshold")],
                   shade: [Self.description.id, "freeze"], lower: 0, upper: 100),
        ])
    }
}
