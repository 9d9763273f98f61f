import GreenlightCore
import GreenlightValues

extension LoudnessChecker {
    public struct Options: CheckerOptions {
        /// Integrated loudness the programme must reach (LUFS) and how far it may miss.
        public var target: Double
        public var tolerance: Double
        /// The highest true peak allowed (dBTP).
        public var maxTruePeak: Double
        /// The widest loudness range allowed (LU); 0 turns the check off.
        public var maxRange: Double
        /// The standard's name as reports say it.
        public var standard: String
        /// The target applies to the dialogue-gated loudness (Netflix), not the whole programme.
        public var dialogueGated = false

        public init(_ values: OptionValues) throws {
            maxRange = values.number("max-range")
            switch values.text("standard") {
            case "r128": (target, tolerance, maxTruePeak, standard) = (-23, 0.5, -1, "EBU R128 (-23 LUFS ±0.5 LU, true peak ≤ -1 dBTP)")
            case "atsc": (target, tolerance, maxTruePeak, standard) = (-24, 2, -2, "ATSC A/85 (-24 LKFS ±2 dB, true peak ≤ -2 dBTP)")
            case "netflix":
                (target, tolerance, maxTruePeak, standard) = (-27, 2, -2, "Netflix (-27 LKFS ±2 dialogue-gated, true peak ≤ -2 dBTP)")
                dialogueGated = true
            case "streaming":
                let t = values.number("streaming-target")
                (target, tolerance, maxTruePeak, standard) = (t, 1, -1, "streaming (\(formatNumber(t)) LUFS ±1 LU, true peak ≤ -1 dBTP)")
            case let other:
                throw ProfileError(source: "profile", key: "checkers.loudness.standard",
                                   message: "'\(other)' is not a loudness standard (r128, atsc, netflix or streaming)")
            }
        }
    }

    static let optionSpecs: [OptionSpec] = [
        OptionSpec("standard", default: .text("r128"), unit: "r128, atsc, netflix or streaming",
                   "The delivery target: EBU R128 (-23 LUFS ±0.5, ≤ -1 dBTP), ATSC A/85 (-24 LKFS ±2, ≤ -2 dBTP), Netflix (-27 LKFS ±2 over dialogue, ≤ -2 dBTP) or a streaming target (`streaming-target` ±1 LU, ≤ -1 dBTP)."),
        OptionSpec("streaming-target", default: .number(-14), unit: "LUFS", range: -40...0,
                   "The integrated loudness of the `streaming` standard (-14 for most music services, -16 for some)."),
        OptionSpec("max-range", default: .number(20), unit: "LU", range: 0...60,
                   "A loudness range (EBU Tech 3342) wider than this is reported; 0 turns it off."),
    ]
}
