import GreenlightCore
import GreenlightValues

extension ColourConsistencyChecker {
    public struct Options: CheckerOptions {
        public var deltaE: Double
        public var mired: Double
        public var blackStep: Double
        public var jumpDeltaE: Double
        public var jumpDuration: DurationValue
        public var sameSetUp: Double

        public init(_ values: OptionValues) {
            deltaE = values.number("delta-e")
            mired = values.number("mired")
            blackStep = values.number("black-step")
            jumpDeltaE = values.number("jump-delta-e")
            jumpDuration = values.duration("jump-duration")
            sameSetUp = values.number("same-set-up")
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("delta-e", default: .number(3), unit: "ΔE00", range: 0...100,
                   "A shot whose mid-tone median differs this much (CIEDE2000) from the other shots of its set-up is flagged."),
        OptionSpec("mired", default: .number(10), unit: "mired", range: 0...1000,
                   "A shot whose white balance (grey-world colour temperature of its mid-tones) differs this much from its set-up's is flagged."),
        OptionSpec("black-step", default: .number(2), unit: "% of nominal luma range", range: 0...100,
                   "A shot whose black level (1st percentile luma) differs this much from its set-up's is flagged."),
        OptionSpec("jump-delta-e", default: .number(2), unit: "ΔE00", range: 0...100,
                   "A step of the mid-tone colour inside a shot (no cut) at least this large is a grade jump."),
        OptionSpec("jump-duration", default: .duration(.frames(12)), unit: "frames (f) or seconds (s)",
                   "A grade jump must hold at least this long on both sides of the step."),
        OptionSpec("same-set-up", default: .number(0.8), unit: "correlation", range: 0...1,
                   "Two shots are of one set-up when their rank-normalised luma thumbnails (grade-invariant) correlate at least this well, allowing a small reframe."),
    ]
}
