import GreenlightCore
import GreenlightValues

extension FreezeChecker {
    public struct Options: CheckerOptions {
        /// Largest whole-picture mean difference to the previous picture that still counts as "the same picture".
        public var noise: Double
        /// Largest difference of any 32×32 block that still counts as "the same picture".
        public var localNoise: Double
        /// Largest share of pixels whose code may change from one picture to the next.
        public var changedPixels: Double
        /// Largest drift of the block-averaged picture from the first picture of the run.
        public var drift: Double
        /// Largest whole-picture difference a key frame inside a hold may show (the codec re-codes the held picture).
        public var keyFrameNoise: Double
        public var minDuration: DurationValue

        public init(_ values: OptionValues) {
            noise = values.number("noise")
            localNoise = values.number("local-noise")
            drift = values.number("drift")
            changedPixels = values.number("changed-pixels")
            keyFrameNoise = values.number("key-frame-noise")
            minDuration = values.duration("min-duration")
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("noise", default: .number(0.15), unit: "% of nominal luma range", range: 0...100,
                   "Mean absolute luma difference to the previous picture at or below which two pictures are the same (codec noise on a held picture stays under it; live sensor noise does not)."),
        OptionSpec("local-noise", default: .number(1.5), unit: "% of nominal luma range", range: 0...100,
                   "Mean absolute difference of the most-changed 32×32 block at or below which two pictures are the same, so a small moving object breaks a freeze."),
        OptionSpec("changed-pixels", default: .number(1), unit: "% of pixels", range: 0...100,
                   "Share of pixels whose code value changes from the previous picture at or below which two pictures are the same. A repeated picture decodes to identical codes outside key frames; a still live shot renews its noise in most pixels even when the mean difference is tiny."),
        OptionSpec("drift", default: .number(0.5), unit: "% of nominal luma range", range: 0...100,
                   "Largest change of the block-averaged picture since the run's first picture, so a very slow fade or pan is not a freeze."),
        OptionSpec("key-frame-noise", default: .number(2), unit: "% of nominal luma range", range: 0...100,
                   "Inside a hold, a key frame may differ this much from the previous picture (the encoder re-codes the held picture from scratch) as long as it has not drifted."),
        OptionSpec("min-duration", default: .duration(.seconds(2)), unit: "frames (f) or seconds (s)",
                   "Shorter holds are not reported."),
    ]
}
