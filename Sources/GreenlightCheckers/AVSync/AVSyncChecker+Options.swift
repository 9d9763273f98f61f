import GreenlightCore
import GreenlightValues

extension AVSyncChecker {
    public struct Options: CheckerOptions {
        /// How far sound may lead (a negative offset) or lag (positive) before it is an error.
        public var earliest: Double
        public var latest: Double
        /// The rule's name as the report says it.
        public var rule: String
        /// Content estimates below this confidence are reported in the summary only.
        public var minimumConfidence: Double

        /// Sound and picture may end this far apart before it is a finding.
        public var durationTolerance: DurationValue

        /// Whether faces' mouths are lined up with the speech (lip sync).
        public var lips: Bool

        public init(_ values: OptionValues) throws {
            lips = values.flag("lips")
            minimumConfidence = values.number("min-confidence")
            durationTolerance = values.duration("duration-tolerance")
            let frames = values.number("frames")
            switch values.text("tolerance") {
            case "r37": (earliest, latest, rule) = (-0.040, 0.060, "EBU R37 (audio early ≤ 40 ms, late ≤ 60 ms)")
            case "atsc": (earliest, latest, rule) = (-0.015, 0.045, "ATSC IS-191 (audio early ≤ 15 ms, late ≤ 45 ms)")
            case "bt1359": (earliest, latest, rule) = (-0.045, 0.125, "ITU-R BT.1359 detectability (audio early ≤ 45 ms, late ≤ 125 ms)")
            case "frames": (earliest, latest, rule) = (.nan, .nan, "± \(formatNumber(frames)) frame(s)")
            case let other:
                throw ProfileError(source: "profile", key: "checkers.av-sync.tolerance",
                                   message: "'\(other)' is not a tolerance rule (r37, atsc, bt1359 or frames)")
            }
            framesAllowed = frames
        }

        /// For the `frames` rule: how many frames either way.
        public var framesAllowed: Double

        /// The allowed range in seconds at `frameDuration`.
        func window(frameDuration: Double) -> ClosedRange<Double> {
            earliest.isNaN ? (-framesAllowed * frameDuration)...(framesAllowed * frameDuration) : earliest...latest
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("tolerance", default: .text("r37"), unit: "r37, atsc, bt1359 or frames",
                   "Which sync rule an offset is judged by: EBU R37 (−40/+60 ms), ATSC IS-191 (−15/+45 ms), ITU-R BT.1359 detectability (−45/+125 ms), or ± `frames` frames."),
        OptionSpec("frames", default: .number(1), unit: "frames", range: 0...100,
                   "The allowed offset either way under the `frames` rule."),
        OptionSpec("duration-tolerance", default: .duration(.frames(2)), unit: "seconds (s) or frames (f)",
                   "Sound and picture whose lengths and ends differ by more than this get sync.duration-mismatch (codec framing leaves up to a frame or so)."),
        OptionSpec("lips", default: .flag(true), unit: "true or false",
                   "Line the mouths of faces facing the camera up with the speech (lip sync), beside picture changes against sound onsets; false skips face detection."),
        OptionSpec("min-confidence", default: .number(0.8), unit: "0…1", range: 0...1,
                   "An offset measured from the content (no test signal) is reported as a finding only at this confidence or above; it is always in the summary."),
    ]
}
