import GreenlightCore
import GreenlightValues

/// Finds held pictures: runs of frames that repeat the previous one within codec noise.
public final class FreezeChecker: Checker {
    public static let description = CheckerDescription(
        id: "freeze",
        title: "Frozen pictures",
        catches: "Runs of pictures that repeat the one before, for at least 2 s. A picture is the same as the previous one when the whole-picture and the worst 32×32-block luma differences are both under the noise thresholds, almost no pixel (1%) changed its code at all (a repeated picture decodes to identical codes; a still live shot renews its noise everywhere), and it has not drifted from the run's first picture; a key frame, which re-codes the held picture, gets a wider allowance. A hold starts at its first picture even when the encoder spent the next few refining it (fewer pixels changing each time). Black runs are left to the black checker. Pictures over 1280×720 are compared on about 270 of their lines (8 of every 32, in pairs so both fields count).",
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
        /// The pictures shown before it (up to ``settleSeconds``), the last being its first
        /// picture: where an encoder's refinement of the held picture is looked for.
        var before: [Recent] = []
    }

    /// A picture as the hold's start is looked for in it.
    private struct Recent {
        var time: MediaTime
        var difference: FrameDifference
        var thumbnail: LumaThumbnail
        var isBlack: Bool
        var isKeyFrame: Bool
    }

    /// How far back a hold's start is looked for.
    static let settleSeconds = 2.0
    /// A picture being refined by the encoder changes at most this share of its pixels (a still
    /// live shot renews its noise in most of them: 60–95 % on the corpus's locked-off footage).
    static let refinementShare = 15.0

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
    /// The last ``settleSeconds`` of pictures.
    private var recent: [Recent] = []

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    public var openSince: MediaTime? { run?.segment.start }

    public func consume(video f: VideoFeatures) {
        if firstTime == nil { firstTime = f.time }
        defer {
            previous = Previous(time: f.time, thumbnail: f.thumbnail, isBlack: f.isBlack)
            if let d = f.difference, let t = f.thumbnail, !f.followsGap {
                recent.append(Recent(time: f.time, difference: d, thumbnail: t, isBlack: f.isBlack, isKeyFrame: f.isKeyFrame))
                let oldest = f.time.seconds - Self.settleSeconds
                if let i = recent.firstIndex(where: { $0.time.seconds >= oldest }), i > 0 { recent.removeFirst(i) }
            } else {
                recent.removeAll()
            }
        }
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
                      maxMean: d.mean, maxBlock: d.worstBlock, maxDrift: drift, before: recent)
        }
    }

    private func close() {
        guard var r = run else { return }
        run = nil
        closedRuns += 1
        if r.segment.lasts(options.minDuration, frameRate: context.frameRate) {
            settle(&r)
            runs.append(Closed(segment: r.segment, maxMean: r.maxMean, maxBlock: r.maxBlock, maxDrift: r.maxDrift))
        }
    }

    /// Moves a hold's start back over the pictures in which the encoder was still refining the
    /// held picture: after a cut to a hold, a re-encoded stream spends a few pictures adding
    /// detail to it, changing a few per cent of its pixels by a level or two each time, so the
    /// changed-pixel rule only accepts the hold once that settles (up to half a second late on
    /// the corpus's holds). Such a picture is a repeat within the noise thresholds, has not
    /// moved (its block means match the hold's), changes under ``refinementShare`` of its pixels,
    /// and the changes shrink as the encoder converges: going forward, the stretch's changed
    /// shares fall (its first half changes more than its second). Grain on a still live shot
    /// renews most pixels every picture and never converges, so it is never taken for this; and
    /// only a run long enough to report is extended, so no hold is made from it.
    private func settle(_ r: inout Run) {
        var k = r.before.count - 1  // the run's first picture
        var taken: [Double] = []
        var start: MediaTime?
        while k >= 1 {
            let p = r.before[k]
            let d = p.difference
            let repeats = d.mean <= options.noise && d.worstBlock <= options.localNoise
                && (d.changedShare <= Self.refinementShare || p.isKeyFrame) && !p.isBlack && !r.before[k - 1].isBlack
                && p.thumbnail.difference(to: r.anchor) <= options.drift && r.before[k - 1].thumbnail.difference(to: r.anchor) <= options.drift
            guard repeats else { break }
            taken.append(d.changedShare)
            start = r.before[k - 1].time
            k -= 1
        }
        guard let start, !taken.isEmpty else { return }
        // `taken` runs backward in time: converging forward means larger shares early on.
        let half = taken.count / 2
        let later = taken.prefix(max(half, 1)), earlier = taken.suffix(max(taken.count - half, 1))
        let converges = taken.count == 1 || earlier.reduce(0, +) / Double(earlier.count) >= later.reduce(0, +) / Double(later.count)
        guard converges else { return }
        r.segment.frames += Int64(taken.count)
        r.segment.start = start
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
