import GreenlightValues


/// A checker's static description: what `greenlight checkers` prints and the docs show.
public struct CheckerDescription: Sendable {
    /// Short, stable identifier used in profiles, `--checkers` and reports (`black`).
    public var id: String
    public var title: String
    /// What it catches.
    public var catches: String
    /// Why it matters to someone delivering or cutting the programme.
    public var why: String
    public var defaultSeverity: Severity
    /// The finding codes it emits.
    public var codes: [String]
    public var options: [OptionSpec]

    public init(id: String, title: String, catches: String, why: String, defaultSeverity: Severity, codes: [String], options: [OptionSpec]) {
        self.id = id
        self.title = title
        self.catches = catches
        self.why = why
        self.defaultSeverity = defaultSeverity
        self.codes = codes
        self.options = options
    }
}

/// A checker's typed options, built from validated ``OptionValues``.
public protocol CheckerOptions: Sendable {
    init(_ values: OptionValues) throws
}

/// A QC check. The engine decodes each file once and streams the features a checker asked for
/// into it, in presentation order; the checker never decodes. `finish` returns its findings.
///
/// A checker instance checks one file, within one task.
///
/// ```swift
/// final class MyChecker: Checker {
///     static let description = CheckerDescription(id: "mine", ...)
///     static let features: FeatureSet = [.lumaHistogram]
///     init(options: Options, context: CheckContext) { ... }
///     func consume(video: VideoFeatures) { ... }
///     func finish(_ end: ProgrammeEnd) -> CheckerResult { ... }
/// }
/// ```
public protocol Checker: AnyObject, SendableMetatype {
    associatedtype Options: CheckerOptions

    static var description: CheckerDescription { get }
    /// The features the engine must compute for this checker.
    static var features: FeatureSet { get }
    /// The analyzers this checker reads (their outputs arrive in ``consume(frame:)`` and
    /// ``consume(sound:)``), as its options set them.
    static func analyzers(_ options: Options) -> [AnalyzerRequest]

    init(options: Options, context: CheckContext)

    /// Lets a checker's options tune a shared feature (black's threshold sets the black criterion).
    static func configure(_ parameters: inout FeatureParameters, with options: Options)

    func consume(video: VideoFeatures)
    func consume(audio: AudioEnvelopeBlock)
    /// Full-rate samples, for checkers whose features include ``FeatureSet/audioSamples``.
    func consume(samples: AudioSampleBlock)
    func consume(cue: SubtitleCue)
    /// Each picture with the outputs of the picture and frame analyzers the checker declared,
    /// in presentation order (later than ``consume(video:)`` by the analyzers' lookahead).
    func consume(frame: FrameRecord)
    /// Each block of full-rate samples with the outputs of the sound analyzers it declared.
    func consume(sound: SoundRecord)
    /// Every picture and sound block the checker reads that starts before `time` (from the
    /// programme's first frame) has been handed to it, in every stream: a checker that correlates
    /// streams may decide up to there. (Subtitle cues arrive once complete.)
    func consume(watermark time: MediaTime)
    func finish(_ end: ProgrammeEnd) -> CheckerResult

    /// Whether the checker's findings are about the programme as a whole (a sync offset, shots
    /// compared with each other): such a checker is not run on a time range (`--range`), and
    /// a merge of ranges says so.
    static var needsWholeProgramme: Bool { get }
    /// Whether the default profile runs it. Checks of camera originals (focus, exposure, sensor
    /// defects) are not: on a graded master a crushed black or a soft shot is intended and a
    /// logo's dot is no dead pixel; the dailies profile, `--checkers` and profiles name them.
    static var runsByDefault: Bool { get }
    /// The start of a finding the checker is still measuring (a black run not yet ended), or
    /// nil. A check of a time range owns the findings that start inside it, and reads on past
    /// its end until none that started inside is still open, so each is reported whole, once.
    var openSince: MediaTime? { get }
    /// The whole programme's result from the results of its time ranges, in order (each holds
    /// the findings that start in its range). By default findings are joined,
    /// series set end to end, run-level numbers left out; a checker whose numbers matter
    /// (loudness gates all blocks together) keeps mergeable state in its range summaries and
    /// overrides this.
    static func merge(ranges: [CheckerResult], options: Options, context: CheckContext) -> CheckerResult
}

extension Checker {
    public static func configure(_ parameters: inout FeatureParameters, with options: Options) {}
    public func consume(video: VideoFeatures) {}
    public func consume(audio: AudioEnvelopeBlock) {}
    public func consume(samples: AudioSampleBlock) {}
    public func consume(cue: SubtitleCue) {}
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] { [] }
    public func consume(frame: FrameRecord) {}
    public func consume(sound: SoundRecord) {}
    public func consume(watermark time: MediaTime) {}
    public static var needsWholeProgramme: Bool { false }
    public static var runsByDefault: Bool { true }
    public var openSince: MediaTime? { nil }

    public static func merge(ranges: [CheckerResult], options: Options, context: CheckContext) -> CheckerResult {
        mergeByDefault(ranges)
    }

    /// The default merge: findings joined, series set end to end. A range's run-level numbers
    /// count its warm-up and read-on too, so they are not added up: the summary says so.
    public static func mergeByDefault(_ ranges: [CheckerResult]) -> CheckerResult {
        let summary: [String: SummaryValue] = ranges.allSatisfy(\.summary.isEmpty) ? [:]
            : ["note": .text("joined from \(ranges.count) time ranges: the findings are the whole file's; run-level numbers are not joined")]
        var series: [Series] = []
        for r in ranges {
            for s in r.series {
                if let i = series.firstIndex(where: { $0.id == s.id }) { series[i] = series[i].followed(by: s) } else { series.append(s) }
            }
        }
        return CheckerResult(findings: ranges.flatMap(\.findings), summary: summary, series: series)
    }

    /// Builds the typed options from validated values (once per run, when the profile is read).
    static func parse(_ values: OptionValues) throws -> any CheckerOptions { try Options(values) }

    /// Builds the checker for one file from options ``parse(_:)`` made.
    static func make(parsed: any CheckerOptions, context: CheckContext) -> Self {
        guard let options = parsed as? Options else { preconditionFailure("options of another checker given to \(description.id)") }
        return Self(options: options, context: context)
    }

    static func analyzers(parsed: any CheckerOptions) -> [AnalyzerRequest] {
        guard let options = parsed as? Options else { return [] }
        return analyzers(options)
    }

    static func merge(ranges: [CheckerResult], parsed: any CheckerOptions, context: CheckContext) -> CheckerResult {
        guard let options = parsed as? Options else { return mergeByDefault(ranges) }
        return merge(ranges: ranges, options: options, context: context)
    }

    static func parameters(parsed: any CheckerOptions, into parameters: inout FeatureParameters) {
        guard let options = parsed as? Options else { return }
        configure(&parameters, with: options)
    }
}

/// A checker type, erased so lists of different checkers can be held and searched.
public struct AnyCheckerType: Sendable {
    public let type: any Checker.Type
    public var description: CheckerDescription { type.description }
    public var features: FeatureSet { type.features }

    public init(_ type: any Checker.Type) { self.type = type }

    package func parse(_ values: OptionValues) throws -> any CheckerOptions {
        try type.parse(values)
    }

    package func make(parsed: any CheckerOptions, context: CheckContext) -> any Checker {
        type.make(parsed: parsed, context: context)
    }

    package func analyzers(parsed: any CheckerOptions) -> [AnalyzerRequest] {
        type.analyzers(parsed: parsed)
    }

    package func configure(_ parameters: inout FeatureParameters, parsed: any CheckerOptions) {
        type.parameters(parsed: parsed, into: &parameters)
    }

    package func merge(ranges: [CheckerResult], parsed: any CheckerOptions, context: CheckContext) -> CheckerResult {
        type.merge(ranges: ranges, parsed: parsed, context: context)
    }
}

/// What a checker returns when the programme ends.
public struct CheckerResult: Sendable {
    public var findings: [Finding]
    public var summary: [String: SummaryValue]
    /// What the checker followed over time, for reports to plot (bounded: see ``SeriesBuilder``).
    public var series: [Series]
    /// Findings the checker counted but did not make, by code (how many, the latest end): a
    /// checker past ``Finding/listedPerCode`` of one code in one source need not build the rest,
    /// which the report would not list, and says how many there were.
    public var unlisted: [String: Finding.Unlisted]
    /// Why the checker, given what it needs, could not measure (no speech, too few picture
    /// changes, an estimate too unsure to report): the engine says so in every report, so a
    /// file is never a bare PASS for a check that did not happen. Nil when it measured.
    public var notMeasured: String?

    public init(findings: [Finding], summary: [String: SummaryValue] = [:], series: [Series] = [], unlisted: [String: Finding.Unlisted] = [:],
                notMeasured: String? = nil) {
        self.findings = findings
        self.summary = summary
        self.series = series
        self.unlisted = unlisted
        self.notMeasured = notMeasured
    }
}
