import GreenlightCore
import GreenlightValues

extension AudioHealthChecker {
    public struct Options: CheckerOptions {
        /// Samples at or above this magnitude (of full scale) are clipped…
        public var clipLevel: Double
        /// …when at least this many follow one another.
        public var clipRun: Int
        /// A channel mean at or beyond this (of full scale) is a DC offset.
        public var dcOffset: Double
        /// A channel whose peak never exceeds this (dBFS) is dead.
        public var deadLevel: Double
        /// A pair correlated at or below minus this is phase-inverted.
        public var phaseCorrelation: Double
        /// The layout delivery expects (FFmpeg's name: "stereo", "5.1", "5.1(side)"); nil for any.
        public var layout: String?

        public init(_ values: OptionValues) {
            clipLevel = values.number("clip-level")
            clipRun = Int(values.number("clip-run"))
            dcOffset = values.number("dc-offset")
            deadLevel = values.number("dead-level")
            phaseCorrelation = values.number("phase-correlation")
            let l = values.text("layout")
            layout = l == "any" ? nil : l
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("clip-level", default: .number(0.999), unit: "of full scale", range: 0.5...1,
                   "Samples at or above this magnitude count towards clipping."),
        OptionSpec("clip-run", default: .number(3), unit: "samples", range: 1...1000,
                   "This many consecutive samples at the clip level are a clip (one full-scale sample is a legal peak)."),
        OptionSpec("dc-offset", default: .number(0.01), unit: "of full scale", range: 0...1,
                   "A channel whose mean over the programme is this far from zero has a DC offset (0.01 is -40 dBFS)."),
        OptionSpec("dead-level", default: .number(-70), unit: "dBFS", range: -200...0,
                   "A channel whose peak never rises above this while another channel does is dead."),
        OptionSpec("phase-correlation", default: .number(0.7), unit: "0…1", range: 0...1,
                   "A left/right pair whose correlation over the programme is at or below minus this is phase-inverted."),
        OptionSpec("layout", default: .text("any"), unit: "FFmpeg layout name, or any",
                   "The channel layout delivery expects (stereo, 5.1, 7.1…; 5.1 also accepts 5.1(side)); anything else is an error."),
    ]
}
