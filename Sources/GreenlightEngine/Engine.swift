import Foundation
import Synchronization
import GreenlightMedia
import GreenlightSubtitles
import GreenlightCore
import GreenlightValues

/// Checks files: decodes each exactly once, computes the features the profile's checkers asked
/// for once per frame, streams them to every checker, and collects a ``FileReport``.
///
/// ```swift
/// let engine = Engine(profile: .builtIn(BuiltInCheckers.all))
/// let report = engine.check(path: "dailies/A001C003.mov")
/// print(report.verdict, report.findings.count)
/// ```
public struct Engine: Sendable {
    public var profile: Profile
    /// Video decoder threads (0: one per core).
    public var threads: Int
    /// When set, reports keep a thumbnail of each visual finding's first frame (for HTML).
    public var thumbnails: ThumbnailPolicy?
    /// Polled while a file is read: when it returns true the check ends where it is and the
    /// report says so (``FileReport/interrupted``). Ctrl-C sets it in the CLI.
    public var stop: (@Sendable () -> Bool)?

    /// Finding codes the engine itself emits (about the file, not from a checker).
    public static var codes: [String] { FileHealth.codes }

    /// At most this many `decode.gap` findings per stream; the last one says how many more there were.
    static let gapFindingLimit = 20

    public init(profile: Profile, threads: Int = 0) {
        self.profile = profile
        self.threads = threads
    }

    /// What a file's container and streams declare (`greenlight probe`), without decoding.
    /// - Throws: the reason the file cannot be opened, naming the FFmpeg call that failed.
    public static func probe(path: String) throws -> MediaInfo {
        try MediaFile(path: path).info
    }

    /// The union of what the enabled checkers need.
    public var features: FeatureSet {
        profile.checkers.reduce(into: FeatureSet()) { $0.formUnion($1.type.features) }
    }

    /// Checks one file. Never throws: a file that cannot be read gets a report with verdict
    /// `error` and a sentence saying why; what was decoded before damage is still reported.
    /// - Parameter progress: called with the fraction (0…1) of the declared duration decoded.
    /// - Parameter subtitles: sidecar subtitle files read for this file: their cues reach the
    ///   checkers after the file's own, their parse errors through `CheckContext.subtitles`.
    /// - Parameter reference: a reference file (a master) for the checkers that compare with one.
    /// - Parameter range: check only this time range: reading starts a little before it (to warm
    ///   the checkers up) and goes on past its end until no finding that started inside is still
    ///   open; the report holds the findings that start in the range. Checkers that need the whole
    ///   programme are not run (their summary says so); `greenlight merge` joins ranges.
    /// - Parameter sound: production sound files (`--sound`): the one whose timecode overlaps the
    ///   clip's most is read over it for the sound-sync checker.
    public func check(path: String, subtitles: [SubtitleDocument] = [], reference: String? = nil, range: CheckRange? = nil,
                      sound: [ProductionSound] = [], progress: ((Double) -> Void)? = nil) -> FileReport {
        var stats = EngineStats()
        return check(path: path, subtitles: subtitles, reference: reference, range: range, sound: sound, progress: progress, stats: &stats)
    }

    /// ``check(path:subtitles:progress:)``, also counting the work done (for tests). The parts,
    /// in order: open and probe, build the checkers, decode and measure (with the file's health
    /// watched on the way), conclude the health, let the checkers finish, assemble the report.
    func check(path: String, subtitles: [SubtitleDocument] = [], reference: String? = nil, range: CheckRange? = nil,
               sound: [ProductionSound] = [], progress: ((Double) -> Void)? = nil, stats: inout EngineStats) -> FileReport {
        let sidecarCues = subtitles.flatMap(\.cues)
        // 1. Open and probe (the analyzers' plan was checked when the profile was read).
        let plan: AnalysisPlan
        do { plan = try AnalysisPlan(profile: profile) } catch {
            return FileReport(path: path, verdict: .error, error: "The profile's analyzers cannot run: \(error)", media: nil, findings: [], summaries: [:])
        }
        let pass: FilePass
        switch FilePass.open(path: path, features: features, parameters: profile.featureParameters(), plan: plan, threads: threads,
                             reference: reference, range: range) {
        case .success(let opened): pass = opened
        case .failure(let failure): return failure.report(path: path)
        }
        let info = pass.file.info
        var context = pass.context
        context.subtitles = subtitles
        if !sound.isEmpty { context.productionSound = ProductionSoundMatcher.match(clip: info, sounds: sound) }
        // 2. The checkers, with this file's context (their options were parsed with the profile).
        let wholeProgramme = range == nil ? [] : profile.checkers.filter { $0.type.type.needsWholeProgramme }.map(\.type.description.id)
        let checkers: [(id: String, checker: any Checker)] = profile.checkers.filter { !wholeProgramme.contains($0.type.description.id) }.map {
            ($0.type.description.id, $0.type.make(parsed: $0.parsed, context: context))
        }
        let videoCheckers = checkers.filter { !type(of: $0.checker).features.intersection(.pictures).isEmpty }.map(\.checker)
        let audioCheckers = checkers.filter { type(of: $0.checker).features.contains(.audioEnvelope) }.map(\.checker)
        let sampleCheckers = checkers.filter { type(of: $0.checker).features.contains(.audioSamples) }.map(\.checker)
        let cueCheckers = checkers.filter { type(of: $0.checker).features.contains(.subtitles) }.map(\.checker)
        let kinds = profile.checkers.map { Set($0.analyzers.map(\.kindName)) }
        let frameCheckers = checkers.indices.filter { !kinds[$0].isDisjoint(with: ["picture", "frame"]) }.map { checkers[$0].checker }
        let soundCheckers = checkers.indices.filter { kinds[$0].contains("sound") }.map { checkers[$0].checker }
        // 3. Decode once (on a thread of its own), measure and analyse what the checkers read (on
        // this one), hand it to them in presentation order; the decoding thread watches the file's
        // health on the way.
        var sink = FilePass.Sink()
        sink.video = { f in for c in videoCheckers { c.consume(video: f) } }
        sink.audio = { block in for c in audioCheckers { c.consume(audio: block) } }
        sink.samples = { block in for c in sampleCheckers { c.consume(samples: block) } }
        sink.cue = { cue in for c in cueCheckers { c.consume(cue: cue) } }
        sink.frames = { records in for r in records { for c in frameCheckers { c.consume(frame: r) } } }
        sink.sounds = { record in for c in soundCheckers { c.consume(sound: record) } }
        // A range reads on past its end until every finding that started inside it has ended.
        let readEnough = Flag()
        sink.watermark = { time in
            for (_, c) in checkers { c.consume(watermark: time) }
            if let end = range?.end, time >= end, checkers.allSatisfy({ $0.checker.openSince.map { $0 >= end } ?? true }) { readEnough.set() }
        }
        let enough: (@Sendable () -> Bool)? = range?.end == nil ? nil : { @Sendable in readEnough.isSet }
        let (conclusion, scanned) = FilePass.run(pass, plan: plan, sidecarCues: sidecarCues, progress: progress, stop: stop,
                                                 enough: enough, sink: sink)
        stats = EngineStats(videoFrames: conclusion.videoFrames, scannedFrames: scanned, audioSamples: conclusion.audioSamples)
        if conclusion.interrupted {
            var report = FileReport(path: path, verdict: .error, error: "The check was interrupted before the end of the file.", media: info,
                                    findings: [], summaries: [:])
            report.interrupted = true
            return report
        }
        if let failure = conclusion.failure {
            return FileReport(path: path, verdict: .error, error: "Decoding failed: \(failure)", media: info, findings: [], summaries: [:])
        }
        // Frame threads conceal damage differently from run to run (the first damaged picture
        // moves by one, gamut shares change): a file found damaged or cut is read again on one
        // thread, whose concealment is the same every time, so the same file gives the same
        // report. Healthy files keep their frame threads; a damaged one costs a second pass.
        if threads != 1, conclusion.stopError != nil || conclusion.findings.contains(where: { $0.code == "decode.damaged" }) {
            var single = self
            single.threads = 1
            return single.check(path: path, subtitles: subtitles, reference: reference, range: range, sound: sound, progress: progress, stats: &stats)
        }
        // 4. Health: where decoding stopped, damage, gaps, layout changes, unreadable streams.
        let health = (stopError: conclusion.stopError, findings: conclusion.findings)
        // 5. Checkers finish against the programme's end (unknown when the file was cut short).
        var findings: [Finding] = []
        var summaries: [String: [String: SummaryValue]] = [:]
        var series: [Series] = []
        let end = conclusion.end
        var unlisted: [String: Finding.Unlisted] = [:]
        var notMeasured: [String: String] = [:]
        for (id, checker) in checkers {
            let result = checker.finish(end)
            findings += result.findings
            if let why = result.notMeasured {
                // Never a bare PASS for a check that did not happen: said as a finding too
                // (information unless the profile's notMeasured makes it more).
                notMeasured[id] = why
                findings.append(context.finding(checker: id, code: id + FileReport.notMeasuredSuffix, severity: .info, placement: nil,
                                                start: .zero, end: .zero, message: "\(id) could not measure: \(why)"))
            }
            unlisted.merge(result.unlisted) { Finding.Unlisted(count: $0.count + $1.count, end: max($0.end, $1.end)) }
            summaries[id] = result.summary
            series += result.series
        }
        for id in wholeProgramme { summaries[id] = ["note": .text("not run on a time range: it needs the whole programme")] }
        if let range {
            // The range owns the findings that start in it (the next range owns the rest).
            findings = findings.filter { range.owns($0.start) }
            series = series.map { $0.clipped(from: range.start.seconds, to: range.end?.seconds) }
        }
        // 6. The report.
        findings += health.findings
        for i in findings.indices { findings[i].severity = profile.severity(for: findings[i]) }
        findings.sort(by: Finding.reportOrder)
        // The same finding twice says nothing more (two pictures with one timestamp, both black).
        var seen = Set<Finding>()
        findings = findings.filter { seen.insert($0).inserted }
        let verdict: Verdict = health.stopError != nil ? .error : Verdict(findings: findings)
        var report = FileReport(path: path, verdict: verdict, error: health.stopError, media: info,
                                findings: Finding.listed(findings, alsoUnlisted: unlisted), summaries: summaries)
        report.series = series
        report.checkers = FileReport.CheckerStatus(ran: checkers.map(\.id), notMeasured: notMeasured)
        if let range {
            report.range = RangeReport(start: range.start.seconds, end: range.end?.seconds, reachedEnd: !conclusion.rangeEnded)
        }
        // 7. Thumbnails: the findings exist only now, after their frames are gone, so each first
        // (or worst) frame is fetched again by seeking (bounded in count and bytes).
        if let policy = thumbnails, health.stopError == nil {
            let visual = Set(profile.checkers.filter { !$0.type.features.intersection(.pictures).isEmpty }.map(\.type.description.id))
            report.thumbnails = Self.thumbnails(for: report, visual: visual, context: context, policy: policy)
        }
        return report
    }

    /// Thumbnails of the report's findings from checkers in `visual`: each one's worst picture when
    /// it names one (`worstFrame`), else its first.
    static func thumbnails(for report: FileReport, visual: Set<String>, context: CheckContext, policy: ThumbnailPolicy) -> [Thumbnail] {
        guard let video = context.video, let w = video.width, let h = video.height, w > 0, h > 0 else { return [] }
        let aspect = video.displayAspectRatio?.doubleValue ?? Double(w) / Double(h)
        let width = max(16, policy.width), height = max(2, Int((Double(width) / aspect / 2).rounded()) * 2)
        let scaler = PictureScaler(width: width, height: height, format: .rgb24)
        var out: [Thumbnail] = []
        var bytes = 0
        for (i, f) in report.findings.enumerated() where visual.contains(f.checker) && f.startFrame != nil
            && !f.code.hasSuffix(FileReport.notMeasuredSuffix) {
            guard out.count < policy.maximumCount else { break }
            // A finding that names its worst picture (`worstFrame`) is shown by it, else by its first.
            let frame = f.measurements["worstFrame"].map { Int64($0) } ?? f.startFrame!
            let start = context.frameRate.map { MediaTime.frameStart(frame, rate: $0) } ?? MediaTime(seconds: f.start)
            guard var picture = try? MediaFile.picture(path: report.path, at: start, scaler: scaler) else { continue }
            // Exposure findings are shown in false colour: what is clipped red, what is crushed blue.
            if f.code.hasPrefix("exposure.") { picture = Self.falseColour(picture) }
            guard let jpeg = try? PictureEncoder.jpeg(picture), bytes + jpeg.count <= policy.maximumBytes else { continue }
            bytes += jpeg.count
            out.append(Thumbnail(finding: i, time: start.seconds, width: picture.width, height: picture.height, image: jpeg))
        }
        return out
    }
}

extension Engine {
    /// `picture` (full-range R′G′B′) with clipped pixels (luma at 99 % of the range or above)
    /// painted red and crushed ones (1 % or below) blue, as exposure's false colour.
    static func falseColour(_ picture: Picture) -> Picture {
        guard picture.format == .rgb24 else { return picture }
        var out = picture
        for i in stride(from: 0, to: out.pixels.count - 2, by: 3) {
            let y = 0.2126 * Double(out.pixels[i]) + 0.7152 * Double(out.pixels[i + 1]) + 0.0722 * Double(out.pixels[i + 2])
            if y >= 252.45 { out.pixels[i] = 255; out.pixels[i + 1] = 0; out.pixels[i + 2] = 0 }
            else if y <= 2.55 { out.pixels[i] = 0; out.pixels[i + 1] = 0; out.pixels[i + 2] = 255 }
        }
        return out
    }
}

/// A flag one thread sets and another reads.
final class Flag: Sendable {
    private let value = Atomic(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// How much work one check did (tests read it to see what was decoded and measured).
struct EngineStats {
    var videoFrames = 0
    /// Pictures whose pixels were scanned for features.
    var scannedFrames = 0
    var audioSamples: Int64 = 0
}

/// A change in a stream's timeline: a gap or jump in its timestamps, or an audio format change.
struct TimelineEvent {
    /// The audio stream, or nil for the picture.
    var stream: Int?
    var kind: AudioSegmenter.Event

    init(stream: Int?, _ kind: AudioSegmenter.Event) {
        self.stream = stream
        self.kind = kind
    }
}

/// Watches the picture's timestamps: a frame that starts more than 1.5 frame durations after
/// the previous one started is a gap (frames are missing); one that starts before the previous
/// one is a jump back.
struct VideoTimeline {
    private var last: (time: MediaTime, duration: MediaTime)?

    mutating func add(time: MediaTime, duration: MediaTime) -> TimelineEvent? {
        defer { last = (time, duration) }
        guard let last else { return nil }
        let step = time - last.time
        let allowed = MediaTime(value: last.duration.value * 3, timescale: last.duration.timescale * 2)
        if step > allowed || step <= .zero {
            return TimelineEvent(stream: nil, .gap(expected: last.time + last.duration, actual: time))
        }
        return nil
    }
}

/// Turns decoded subtitle events into cues, closing an event without an end at the next one.
struct CueCollector {
    let origin: MediaTime
    private var pending: [Int: SubtitleEvent] = [:]
    private var numbers: [Int: Int] = [:]

    init(origin: MediaTime) { self.origin = origin }

    mutating func add(_ event: SubtitleEvent) -> [SubtitleCue] {
        var out: [SubtitleCue] = []
        if let open = pending.removeValue(forKey: event.streamIndex) {
            out.append(cue(open, end: event.start))
        }
        if let end = event.end {
            out.append(cue(event, end: end))
        } else if event.text != nil || event.isBitmap {
            pending[event.streamIndex] = event  // shown until the next event (or a clear) arrives
        }
        return out
    }

    mutating func finish(end: MediaTime?) -> [SubtitleCue] {
        let open = pending.values.sorted { $0.start < $1.start }
        pending = [:]
        return open.map { cue($0, end: end.map { $0 + origin } ?? $0.start) }
    }

    private mutating func cue(_ e: SubtitleEvent, end: MediaTime) -> SubtitleCue {
        numbers[e.streamIndex, default: 0] += 1
        return SubtitleCue(source: "stream \(e.streamIndex)", number: numbers[e.streamIndex]!, start: e.start - origin,
                           end: end - origin, text: e.text ?? "", isBitmap: e.isBitmap)
    }
}

/// Streams the per-frame video features of a file to a closure (for `greenlight features`),
/// through the same open, decode and health steps as ``Engine/check(path:subtitles:progress:)``.
public enum FeatureDump {
    /// - Returns: nil when the whole file was read, else why it stopped.
    public static func run(path: String, parameters: FeatureParameters = FeatureParameters(), each: @escaping (VideoFeatures) -> Void) throws -> String? {
        switch FilePass.open(path: path, features: .video, parameters: parameters, threads: 0) {
        case .failure(let failure):
            return failure.message
        case .success(let pass):
            guard pass.reader.videoStream != nil else {
                let kinds = pass.file.info.streams.map(\.type.rawValue)
                return "\(path) has no picture stream (it holds \(kinds.joined(separator: ", "))): features are measured on pictures"
            }
            let (conclusion, _) = FilePass.run(pass, plan: .none, sidecarCues: [], progress: nil, sink: FilePass.Sink(video: each))
            if let failure = conclusion.failure { throw PassFailure(failure) }
            return conclusion.stopError
        }
    }
}
