import GreenlightCore
import GreenlightValues

extension GamutChecker {
    public struct Options: CheckerOptions {
        public var low: Double
        public var high: Double
        public var area: Double

        public init(_ values: OptionValues) {
            low = values.number("low")
            high = values.number("high")
            area = values.number("area")
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("low", default: .number(-5), unit: "% of nominal range", range: -50...50,
                   "Lowest legal level of Y' and of R', G', B' (EBU R103: -5 %; its preferred tolerance is -1 %)."),
        OptionSpec("high", default: .number(105), unit: "% of nominal range", range: 50...150,
                   "Highest legal level of Y' and of R', G', B' (EBU R103: 105 %; its preferred tolerance is 103 %)."),
        OptionSpec("area", default: .number(1), unit: "% of the picture", range: 0...100,
                   "A picture is out of range when more than this share of it is outside, after the low-pass filter."),
    ]
}
