import GreenlightCore
import GreenlightValues

extension HDRChecker {
    public struct Options: CheckerOptions {
        /// Content over its declared MaxCLL / MaxFALL by more than this share is a mismatch.
        public var tolerance: Double
        /// A picture is outside P3 when more than this share of it is.
        public var p3Area: Double
        /// Apply HDR10 delivery's format rules (`hdr.delivery`).
        public var requireHDR10: Bool

        public init(_ values: OptionValues) {
            tolerance = values.number("light-level-tolerance")
            p3Area = values.number("p3-area")
            requireHDR10 = values.flag("require-hdr10")
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("light-level-tolerance", default: .number(10), unit: "%", range: 0...100,
                   "Measured MaxCLL or MaxFALL over the declared value by more than this is hdr.light-level-mismatch (declared values more than twice the content, and 100 cd/m² over it, are too)."),
        OptionSpec("p3-area", default: .number(0.5), unit: "% of the picture", range: 0...100,
                   "A BT.2020 picture with more than this share of its colour outside P3-D65 is hdr.outside-p3."),
        OptionSpec("require-hdr10", default: .flag(false), unit: "true or false",
                   "Hold the file to HDR10 delivery's format: PQ, BT.2020 primaries and matrix, 10 bits or more, ST 2086 mastering display of P3-D65 or BT.2020 primaries with D65 white and at least 1000 cd/m², MaxCLL and MaxFALL (hdr.delivery; the hdr10-delivery profile sets it)."),
    ]
}
