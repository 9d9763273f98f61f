import GreenlightCore
import GreenlightValues

extension BlackChecker {
    public struct Options: CheckerOptions {
        /// Luma at or below this percentage of the nominal range above black counts as black.
        public var threshold: Double
        /// Percentage of a picture's pixels that must be black for the picture to be black.
        public var pixelRatio: Double
        /// Shortest run reported.
        public var minDuration: DurationValue

        public init(_ values: OptionValues) {
            threshold = values.number("threshold")
            pixelRatio = values.number("pixel-ratio")
            minDuration = values.duration("min-duration")
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("threshold", default: .number(10), unit: "% of nominal range above black", range: 0...100,
                   "A pixel is black at or below this luma (10%: code 37 of 8-bit limited range, 25 of full range, 151 of 10-bit limited)."),
        OptionSpec("pixel-ratio", default: .number(98), unit: "% of pixels", range: 1...100,
                   "A picture is black when at least this share of its pixels is black."),
        OptionSpec("min-duration", default: .duration(.frames(1)), unit: "frames (f) or seconds (s)",
                   "Shorter runs of black pictures are not reported."),
    ]
}
