import GreenlightCore
import GreenlightValues

extension SubtitleTimingChecker {
    public struct Options: CheckerOptions {
        public var minDuration: DurationValue
        public var maxDuration: DurationValue
        public var minGap: DurationValue
        public var maxCPS: Double
        public var maxLineLength: Int
        public var maxLines: Int
        /// Reading-speed limits by language ("ja=4,ko=12"), over `maxCPS` for sources in those languages.
        public var cpsByLanguage: [String: Double]
        /// Words per minute a cue may ask (0: not checked).
        public var maxWPM: Double
        /// A gap of at most one frame counts as closed (the cues follow on), not as too small.
        public var closedGaps: Bool
        /// The smallest whole-file offset against speech worth a finding, and the confidence it needs.
        public var minSyncOffset: Double
        public var minConfidence: Double

        public init(_ values: OptionValues) throws {
            minDuration = values.duration("min-duration")
            maxDuration = values.duration("max-duration")
            minGap = values.duration("min-gap")
            maxCPS = values.number("max-cps")
            maxLineLength = Int(values.number("max-line-length"))
            maxLines = Int(values.number("max-lines"))
            maxWPM = values.number("max-wpm")
            closedGaps = values.flag("closed-gaps")
            var table: [String: Double] = [:]
            for entry in values.text("cps-by-language").split(separator: ",") where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
                let kv = entry.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, !kv[0].isEmpty, let v = Double(kv[1]), v > 0 else {
                    throw ProfileError(source: "profile", key: "checkers.subtitle-timing.cps-by-language",
                                       message: "'\(entry)' is not LANGUAGE=CHARACTERS-PER-SECOND (as in \"ja=4,ko=12\")")
                }
                table[kv[0].lowercased()] = v
            }
            cpsByLanguage = table
            minSyncOffset = values.number("min-sync-offset")
            minConfidence = values.number("min-confidence")
        }
    }

    // Netflix's timed-text style guide by default; the built-in `bbc` profile sets the BBC's.
    static let optionSpecs: [OptionSpec] = [
        OptionSpec("min-duration", default: .duration(.seconds(5.0 / 6)), unit: "seconds (s) or frames (f)", "A cue on screen for less than this is too short to read (5/6 s)."),
        OptionSpec("max-duration", default: .duration(.seconds(7)), unit: "seconds (s) or frames (f)", "A cue on screen longer than this is too long."),
        OptionSpec("min-gap", default: .duration(.frames(2)), unit: "seconds (s) or frames (f)", "Consecutive cues that do not overlap must be at least this far apart (2 frames at the video's rate)."),
        OptionSpec("max-cps", default: .number(20), unit: "characters per second", range: 1...100, "Reading speed limit: visible characters (no markup, line breaks not counted) per second on screen."),
        OptionSpec("max-line-length", default: .number(42), unit: "characters", range: 1...200, "Longest line allowed."),
        OptionSpec("min-sync-offset", default: .number(0.25), unit: "seconds", range: 0...60, "Subtitles shifted against the speech by at least this much (and confidently) get subtitle.sync-offset."),
        OptionSpec("min-confidence", default: .number(0.8), unit: "0…1", range: 0...1, "Confidence a sync estimate needs to be a finding; it is always in the summary."),
        OptionSpec("cps-by-language", default: .text(""), unit: "LANG=CPS,…", "Reading-speed limits for other languages, by the sidecar's language tag (A001.ja.vtt) or the stream's language (\"ja=4,ko=12\"); others use max-cps."),
        OptionSpec("max-wpm", default: .number(0), unit: "words per minute", range: 0...1000, "Reading speed in words per minute (the BBC's 160-180); 0 leaves it to max-cps."),
        OptionSpec("closed-gaps", default: .flag(false), unit: "true or false", "Let cues follow on with no gap (a gap of at most one frame), as the BBC does; other gaps still need min-gap."),
        OptionSpec("max-lines", default: .number(2), unit: "lines", range: 1...10, "Most lines a cue may have."),
    ]
}
