import GreenlightCore
import GreenlightValues

/// Whether a clip opens on a slate: a still, non-black card held for at least `min-duration`
/// within the first `within` seconds. Dailies and masters for some deliveries must carry one
/// (it names the shot, take or programme); its absence is a warning, its extent information.
///
/// It reads only shared features the engine computes once per picture (black or not, and how
/// much the picture changed since the previous one): it never decodes.
public final class SlateChecker: Checker {
    public static let description = CheckerDescription(
        id: "slate", title: "Slate at the head",
        catches: "A clip that does not open on a slate: no still, non-black picture held long enough near the head.",
        why: "Editors and deliveries identify shots and programmes by their slate; a missing one is a conform or playout risk.",
        defaultSeverity: .warning,
        codes: ["slate.found", "slate.missing"],
        options: [
            OptionSpec("within", default: .duration(.seconds(10)), unit: "frames (f) or seconds (s)",
                       "The slate must start within this time from the first picture."),
            OptionSpec("min-duration", default: .duration(.seconds(1)), unit: "frames (f) or seconds (s)",
                       "The card must be held at least this long."),
            OptionSpec("still", default: .number(1), unit: "% of nominal luma range", range: 0...100,
                       "A picture is still when it differs from the one before by less than this on average (a running counter on the card is allowed)."),
        ])
    public static let features: FeatureSet = [.lumaHistogram, .frameDifference]

    public struct Options: CheckerOptions {
        public var within: DurationValue
        public var minDuration: DurationValue
        public var still: Double

        public init(_ values: OptionValues) {
            within = values.duration("within")
            minDuration = values.duration("min-duration")
            still = values.number("still")
        }
    }

    private let options: Options
    private let context: CheckContext
    private var first: MediaTime?
    /// The still, non-black run under way, and the slate once one is long enough.
    private var run: (start: MediaTime, end: MediaTime, frames: Int64)?
    private var slate: (start: MediaTime, end: MediaTime, frames: Int64)?
    private var searching = true

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    /// A check of a time range that does not hold the head has nothing to say; the one that does
    /// reads on until the slate is found or the search time is over.
    private var headInRange: Bool { (context.range?.start ?? .zero) == .zero }

    public var openSince: MediaTime? { headInRange && searching ? .zero : nil }

    public func consume(video f: VideoFeatures) {
        guard searching, headInRange else { return }
        let start = first ?? f.time
        first = start
        if f.time - start >= options.within.time(frameRate: context.frameRate) && run == nil {
            searching = false
            return
        }
        // The first picture has nothing to differ from: it may open the card.
        let still = f.difference.map { $0.mean < options.still } ?? true
        if !f.isBlack && still {
            var r = run ?? (f.time, f.end, 0)
            r.end = f.end
            r.frames += 1
            run = r
        } else {
            close()
        }
    }

    private func close() {
        guard let r = run else { return }
        run = nil
        if slate == nil, lasts(r) {
            slate = r
            searching = false
        }
    }

    private func lasts(_ r: (start: MediaTime, end: MediaTime, frames: Int64)) -> Bool {
        if case .frames(let n) = options.minDuration { return r.frames >= n }
        return r.end - r.start >= options.minDuration.time(frameRate: context.frameRate)
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        guard headInRange, let first else { return CheckerResult(findings: []) }
        close()
        if let s = slate {
            return CheckerResult(findings: [context.finding(
                checker: Self.description.id, code: "slate.found", severity: .info, placement: .head, start: s.start, end: s.end,
                message: "Slate from \(context.label(s.start)) for \(s.frames) frame\(s.frames == 1 ? "" : "s") (\(formatSeconds((s.end - s.start).seconds))).",
                measurements: ["frames": Double(s.frames), "seconds": (s.end - s.start).seconds])],
                summary: ["slate": .flag(true)])
        }
        let within = options.within.time(frameRate: context.frameRate)
        return CheckerResult(findings: [context.finding(
            checker: Self.description.id, code: "slate.missing", severity: .warning, placement: .head, start: first, end: first + within,
            message: "No slate: nothing still and non-black is held for \(spoken(options.minDuration)) within \(spoken(options.within)) of the first picture.")],
            summary: ["slate": .flag(false)])
    }

    /// "1 s", "25 frames".
    private func spoken(_ d: DurationValue) -> String {
        switch d {
        case .frames(let n): return "\(n) frame\(n == 1 ? "" : "s")"
        case .seconds(let s): return formatSeconds(s)
        }
    }
}
