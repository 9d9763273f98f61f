import GreenlightCore
import GreenlightValues

/// Finds held pictures: runs of frames that repeat the previous one within codec noise.
public final class FreezeChecker: Checker {
    public static let description = CheckerDescription(
        id: "freeze",
        title: "Frozen pictures",
        catches: "Runs of pictures that repeat the one before, for at least 2 s. A picture is the same as the previous one when the whole-picture and the worst 32×32-block luma differences are both under the noise thresholds, almost no pixel (1%) changed its code at all (a repeated picture decodes to identical codes; a still live shot renews its noise everywhere), and it has not drifted from the run's first picture; a key frame, which re-codes the held picture, gets a wider allowance. Black runs are left to the black checker. Pictures over 1280×720 are compared on about 270 of their lines (8 of every 32, in pairs so both fields count).",
        why: "A frozen picture mid-programme is a failed playout, a dropped feed or a render that stalled; sensor noise on a locked-off shot is live picture and is not reported.",
        defaultSeverity: .warning,
        codes: ["freeze.segment"],
        options: optionSpecs)
    public static let features: FeatureSet = [.frameDifference, .thumbnail, .lumaHistogram]

    private struct Run {
        var segment: PictureSegment
        var anchor: LumaThumbnail
        var maxMean: Double
        var maxBlock: Double
        var maxDrift = 0.0
    }

    private struct Previous {
        var time: MediaTime
        var thumbnail: LumaThumbnail?
        var isBlack: Bool
    }

    /// A closed run long enough to report: no reference picture is kept for it, so memory does
    /// not grow with the number of runs (50p made from 25p has a two-frame run every frame pair).
    private struct Closed {
        var segment: PictureSegment
        var maxMean: Double
        var maxBlock: Double
        var maxDrift: Double
    }

    private let options: Options
    private let context: CheckContext
    private var previous: Previous?
    private var run: Run?
    private var runs: [Closed] = []
    /// Runs closed so far, reportable or not (tests read it beside ``heldRuns``).
    private(set) var closedRuns = 0
    private var firstTime: MediaTime?

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    public var openSince: MediaTime? { run?.segment.start }

    public func consume(video f: VideoFeatures) {
        if firstTime == nil { firstTime = f.time }
        defer { previous = Previous(time: f.time, thumbnail: f.thumbnail, isBlack: f.isBlack) }
        guard let prev = previous, let d = f.difference, let thumb = f.thumbnail, !f.followsGap else { return close() }
        // A held black picture is black, not a freeze.
        let anchor = run?.anchor ?? prev.thumbnail ?? thumb
        let drift = thumb.difference(to: anchor)
        // A key frame is coded from scratch, so even a repeated picture changes many codes a
        // little there: the changed-pixel test applies between predicted pictures only (in an
        // all-intra stream, every picture is a key frame and the noise thresholds decide).
        let still = d.mean <= options.noise && d.worstBlock <= options.localNoise
            && (d.changedShare <= options.changedPixels || f.isKeyFrame)
        // A key frame re-codes the held picture: its difference is codec noise, not motion, when
        // the block-averaged picture has not moved. It can continue a hold, never start one.
        let refreshed = run != nil && f.isKeyFrame && d.mean <= options.keyFrameNoise
        let same = (still || refreshed) && drift <= options.drift && !f.isBlack && !prev.isBlack
        guard same else { return close() }
        if var r = run {
            r.segment.end = f.end
            r.segment.frames += 1
            r.maxMean = max(r.maxMean, d.mean)
            r.maxBlock = max(r.maxBlock, d.worstBlock)
            r.maxDrift = max(r.maxDrift, drift)
            run = r
        } else {
            // The held picture is the previous one: the freeze starts where it was first shown.
            run = Run(segment: PictureSegment(start: prev.time, end: f.end, frames: 2), anchor: anchor,
                      maxMean: d.mean, maxBlock: d.worstBlock, maxDrift: drift)
        }
    }

    private func close() {
        guard let r = run else { return }
        run = nil
        closedRuns += 1
        if r.segment.lasts(options.minDuration, frameRate: context.frameRate) {
            runs.append(Closed(segment: r.segment, maxMean: r.maxMean, maxBlock: r.maxBlock, maxDrift: r.maxDrift))
        }
    }

    /// Closed runs held until `finish`: only the reportable ones.
    var heldRuns: Int { runs.count }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        close()
        var findings: [Finding] = []
        var total = 0.0
        for r in runs {
            let f = r.segment.finding(checker: Self.description.id, code: "freeze.segment", subject: "Picture frozen",
                                      firstPicture: firstTime ?? .zero, end: end.videoEnd, context: context,
                                      measurements: ["maxMeanDifferencePercent": r.maxMean, "maxBlockDifferencePercent": r.maxBlock,
                                                     "maxDriftPercent": r.maxDrift])
            total += f.duration
            findings.append(f)
        }
        return CheckerResult(findings: findings, summary: ["segments": .integer(Int64(findings.count)), "frozenSeconds": .number(total)])
    }
}
