import GreenlightCore
import GreenlightValues

extension SilenceChecker {
    public struct Options: CheckerOptions {
        /// RMS level (over 1 ms windows) at or below which sound counts as silence.
        public var threshold: Double
        public var minDuration: DurationValue

        public init(_ values: OptionValues) {
            threshold = values.number("threshold")
            minDuration = values.duration("min-duration")
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("threshold", default: .number(-60), unit: "dBFS RMS", range: -200...0,
                   "Sound whose RMS over each 1 ms window stays at or below this level is silence (digital silence or near-silence such as hiss)."),
        OptionSpec("min-duration", default: .duration(.seconds(2)), unit: "seconds (s) or frames (f)",
                   "Shorter silences are not reported."),
    ]
}
