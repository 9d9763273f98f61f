import Foundation
import GreenlightValues


/// The outcome of checking a file (or a whole run): the gate reads this.
public enum Verdict: String, Sendable, Hashable, Codable, Comparable {
    /// No finding above info.
    case pass
    /// Warnings, no errors.
    case warn
    /// At least one finding at error severity.
    case fail
    /// The file could not be read (or not to its end).
    case error

    private var rank: Int { [.pass: 0, .warn: 1, .fail: 2, .error: 3][self]! }
    public static func < (lhs: Verdict, rhs: Verdict) -> Bool { lhs.rank < rhs.rank }

    public init(findings: [Finding]) {
        let worst = findings.map(\.severity).max() ?? .info
        self = worst == .error ? .fail : worst == .warning ? .warn : .pass
    }
}

/// What the engine reports about a file itself, whatever checkers run: these findings carry
/// checker `decode` and one of these codes (profiles may remap their severity).
public enum FileHealth {
    public static let checker = "decode"
    public static let codes = ["decode.damaged", "decode.gap", "decode.stream-unreadable", "decode.end-unverified", "audio.layout-change"]
}

public enum Greenlight {
    public static let name = "greenlight"
    public static let version = "0.1.0"
    /// Bumped when a field of the JSON report changes meaning or disappears.
    public static let schemaVersion = 1
}

/// One file's report.
public struct FileReport: Sendable, Codable {
    public var path: String
    public var verdict: Verdict
    /// Why the file could not be read, or where decoding stopped; nil when it was read to the end.
    public var error: String?
    public var media: MediaInfo?
    public var findings: [Finding]
    /// Each checker's run-level numbers, keyed by checker id.
    public var summaries: [String: [String: SummaryValue]]
    /// Checkers' lines and swatches over the programme, for plots, in the profile's checker order.
    public var series: [Series] = []
    /// Small pictures of visual findings' first frames, when the engine was asked to keep them
    /// (for the HTML report). Not part of the JSON report.
    public var thumbnails: [Thumbnail] = []
    /// Set when the check was stopped before the file's end (Ctrl-C): the file counts as not
    /// checked, and the run as incomplete. Not part of the JSON report.
    public var interrupted = false
    /// Set when only a time range of the file was checked (`--range`).
    public var range: RangeReport?
    /// The checkers that ran on the file, those that measured, and why the others could not.
    public var checkers: CheckerStatus?

    /// Which checkers ran on a file and which of them could measure.
    public struct CheckerStatus: Sendable, Codable, Hashable {
        public var ran: [String]
        public var measured: [String]
        /// Checker id → why it could not measure.
        public var notMeasured: [String: String]

        public init(ran: [String], notMeasured: [String: String]) {
            self.ran = ran
            self.notMeasured = notMeasured
            measured = ran.filter { notMeasured[$0] == nil }
        }
    }

    /// The code ending of the finding a checker that could not measure gets (`av-sync.not-measured`).
    public static let notMeasuredSuffix = ".not-measured"

    public init(path: String, verdict: Verdict, error: String?, media: MediaInfo?, findings: [Finding], summaries: [String: [String: SummaryValue]]) {
        self.path = path
        self.verdict = verdict
        self.error = error
        self.media = media
        self.findings = findings
        self.summaries = summaries
    }

    /// A report for a file that could not be opened at all.
    public static func unreadable(_ path: String, _ error: String) -> FileReport {
        FileReport(path: path, verdict: .error, error: error, media: nil, findings: [], summaries: [:])
    }

    enum CodingKeys: String, CodingKey { case path, verdict, error, media, findings, summaries, series, range, checkers }

    // `error` and `media` are always present (null when absent): the shape is stable.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(error, forKey: .error)
        try c.encode(media, forKey: .media)
        try c.encode(findings, forKey: .findings)
        try c.encode(summaries, forKey: .summaries)
        try c.encode(series, forKey: .series)
        try c.encodeIfPresent(range, forKey: .range)
        try c.encodeIfPresent(checkers, forKey: .checkers)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        path = try c.decode(String.self, forKey: .path)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        media = try c.decodeIfPresent(MediaInfo.self, forKey: .media)
        findings = try c.decode([Finding].self, forKey: .findings)
        summaries = try c.decode([String: [String: SummaryValue]].self, forKey: .summaries)
        series = try c.decodeIfPresent([Series].self, forKey: .series) ?? []
        range = try c.decodeIfPresent(RangeReport.self, forKey: .range)
        checkers = try c.decodeIfPresent(CheckerStatus.self, forKey: .checkers)
    }
}

extension Finding {
    /// The order findings are reported in: by start, then checker, stream and channel.
    public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        (a.start, a.checker, a.stream ?? -1, a.channel ?? "") < (b.start, b.checker, b.stream ?? -1, b.channel ?? "")
    }

    /// Findings of one code a file's report lists; past it, the last listed says how many more
    /// there were and until when (a subtitle file of 100,000 cues off the frame grid would
    /// otherwise be 100,000 lines in every report).
    public static let listedPerCode = 500

    /// Findings of one code left out of a report: how many, and the latest end among them.
    public struct Unlisted: Sendable, Hashable {
        public var count: Int
        public var end: Double
        public init(count: Int, end: Double) {
            self.count = count
            self.end = end
        }
    }

    /// `findings` (in report order) with at most ``listedPerCode`` of each code: the first ones,
    /// the last of them saying what was left out, counting `alsoUnlisted` (findings checkers
    /// counted without making them).
    public static func listed(_ findings: [Finding], alsoUnlisted: [String: Unlisted] = [:]) -> [Finding] {
        var seen: [String: Int] = [:]
        var lastListed: [String: Int] = [:]
        var unlisted: [String: (count: Int, end: Double)] = alsoUnlisted.mapValues { ($0.count, $0.end) }
        var out: [Finding] = []
        for f in findings {
            let n = seen[f.code, default: 0] + 1
            seen[f.code] = n
            if n <= listedPerCode {
                out.append(f)
                lastListed[f.code] = out.count - 1
            } else {
                let more = unlisted[f.code, default: (0, f.end)]
                unlisted[f.code] = (more.count + 1, max(more.end, f.end))
            }
        }
        for (code, more) in unlisted {
            guard let i = lastListed[code] else { continue }
            out[i].message += " \(more.count) more \(code) finding(s), up to \(formatSeconds(more.end)), are not listed (a report lists \(listedPerCode) of each kind)."
            out[i].measurements["unlisted"] = Double(more.count)
        }
        return out
    }
}

/// The time range a report of part of a file covers: it holds the findings that start in it.
public struct RangeReport: Sendable, Codable, Hashable {
    /// Seconds from the programme's first frame.
    public var start: Double
    /// Exclusive; nil: to the file's end.
    public var end: Double?
    /// Whether the check read to the end of the file (the last range does; a range that reads
    /// on past its end to finish a finding may too).
    public var reachedEnd: Bool

    public init(start: Double, end: Double?, reachedEnd: Bool) {
        self.start = start
        self.end = end
        self.reachedEnd = reachedEnd
    }
}

/// A small picture of a finding's first frame, as an image file's bytes (JPEG from the engine).
public struct Thumbnail: Sendable, Hashable {
    /// The finding it shows, by index into ``FileReport/findings``.
    public var finding: Int
    /// Seconds from the first frame, of the picture shown.
    public var time: Double
    public var width: Int
    public var height: Int
    public var image: Data
    /// The image's media type: `image/jpeg` or `image/png`.
    public var mediaType: String

    public init(finding: Int, time: Double, width: Int, height: Int, image: Data, mediaType: String = "image/jpeg") {
        self.finding = finding
        self.time = time
        self.width = width
        self.height = height
        self.image = image
        self.mediaType = mediaType
    }
}

/// Which thumbnails the engine keeps: the first frame of each visual finding, up to a count and
/// a byte budget per file, at a width (the height follows the picture's display shape).
public struct ThumbnailPolicy: Sendable, Hashable {
    public var maximumCount: Int
    public var maximumBytes: Int
    public var width: Int

    public init(maximumCount: Int = 20, maximumBytes: Int = 2 << 20, width: Int = 192) {
        self.maximumCount = maximumCount
        self.maximumBytes = maximumBytes
        self.width = width
    }

    /// Pictures a whole run may hold (image bytes; base64 in the page adds a third).
    public static let runBytes = 3 << 19

    /// The policy for each file of a run of `files`: up to 2 MB each for a few files, a share of
    /// ``runBytes`` for many (at least 5 KB: one or two small JPEGs), smaller pictures past 20
    /// files. An HTML report of hundreds of files stays under 10 MB.
    public static func forRun(files: Int) -> ThumbnailPolicy {
        ThumbnailPolicy(maximumCount: 20, maximumBytes: max(5 << 10, min(2 << 20, runBytes / max(1, files))), width: files > 20 ? 128 : 192)
    }
}

/// The whole run: what `--json` writes.
public struct RunReport: Sendable, Codable {
    public struct Tool: Sendable, Codable, Hashable {
        public var name: String
        public var version: String
    }

    /// What a run left unchecked when it was stopped (Ctrl-C, SIGTERM) or when parts are missing from a merge.
    public struct Incomplete: Sendable, Codable, Hashable {
        public var reason: String
        /// Files given to the run and not (wholly) checked, in the run's order.
        public var unchecked: [String]

        public init(reason: String, unchecked: [String]) {
            self.reason = reason
            self.unchecked = unchecked
        }
    }

    /// Which part of a larger run this report is (`--shard K/N`), so `greenlight merge` can join the parts.
    public struct Part: Sendable, Codable, Hashable {
        /// K of K/N (1-based).
        public var shard: Int
        /// N of K/N.
        public var shards: Int
        /// Every file of the whole run, in its order (each shard checks its share of them).
        public var runFiles: [String]

        public init(shard: Int, shards: Int, runFiles: [String]) {
            self.shard = shard
            self.shards = shards
            self.runFiles = runFiles
        }
    }

    public var schemaVersion: Int
    public var tool: Tool
    public var profile: String
    /// The checkers the run ran, by id in the profile's order (the profile less any left out by `--checkers`).
    public var checkers: [String]?
    public var verdict: Verdict
    public var files: [FileReport]
    /// Set when the run did not check everything it was given; the verdict covers only what was checked.
    public var incomplete: Incomplete?
    /// Set on a shard's report.
    public var part: Part?

    public init(profile: String, checkers: [String]? = nil, files: [FileReport], incomplete: Incomplete? = nil, part: Part? = nil) {
        schemaVersion = Greenlight.schemaVersion
        tool = Tool(name: Greenlight.name, version: Greenlight.version)
        self.profile = profile
        self.checkers = checkers
        self.files = files
        self.incomplete = incomplete
        self.part = part
        verdict = files.map(\.verdict).max() ?? .pass
    }
}
