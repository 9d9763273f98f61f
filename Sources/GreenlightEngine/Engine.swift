import Foundation
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
    public func check(path: String, sidecarCues: [SubtitleCue] = [], progress: ((Double) -> Void)? = nil) -> FileReport {
        var stats = EngineStats()
        return check(path: path, sidecarCues: sidecarCues, progress: progress, stats: &stats)
    }

    /// ``check(path:sidecarCues:progress:)``, also counting the work done (for tests).
    func check(path: String, sidecarCues: [SubtitleCue] = [], progress: ((Double) -> Void)? = nil, stats: inout EngineStats) -> FileReport {
        let file: MediaFile
        do { file = try MediaFile(path: path) } catch {
            return .unreadable(path, "Cannot open the file: \(error.message) (\(error.call)).")
        }
        let needs = features
        let parameters = profile.featureParameters()
        let context = CheckContext(path: path, media: file.info, parameters: parameters)
        // File health does not depend on the checkers chosen: every audio stream and the picture
        // stream are always decoded (damage, gaps, truncation); only the features are optional.
        let reader: MediaReader
        do {
            reader = try MediaReader(file: file, selection: ReadSelection(
                video: true, audio: true, subtitles: needs.contains(.subtitles), threads: threads))
        } catch {
            return FileReport(path: path, verdict: .error, error: "Cannot decode the file: \(error.message) (\(error.call)).",
                              media: file.info, findings: [], summaries: [:])
        }
        if reader.videoStream == nil && reader.audioStreams.isEmpty && file.info.streams.allSatisfy({ $0.type != .subtitle }) {
            let why = reader.unreadableStreams.map { "stream #\($0.stream.index) (\($0.stream.type.rawValue)): \($0.reason)" }
            return FileReport(path: path, verdict: .error,
                              error: "Nothing in the file can be decoded: \(why.isEmpty ? "no picture or sound stream" : why.joined(separator: "; ")).",
                              media: file.info, findings: [], summaries: [:])
        }
        let checkers: [(id: String, checker: any Checker)]
        do {
            checkers = try profile.checkers.map { ($0.type.description.id, try $0.type.make(values: $0.options, context: context)) }
        } catch {
            return FileReport(path: path, verdict: .error, error: "Checker options are invalid: \(error)", media: file.info, findings: [], summaries: [:])
        }
        let videoCheckers = checkers.filter { !type(of: $0.checker).features.intersection(.video).isEmpty }.map(\.checker)
        let audioCheckers = checkers.filter { type(of: $0.checker).features.contains(.audioEnvelope) }.map(\.checker)
        let cueCheckers = checkers.filter { type(of: $0.checker).features.contains(.subtitles) }.map(\.checker)

        let origin = reader.origin
        let extractor = VideoFeatureExtractor(features: needs, parameters: parameters, frameRate: context.frameRate, origin: origin)
        var envelopes: [Int: AudioEnvelopeBuilder] = [:]
        for s in reader.audioStreams {
            envelopes[s.index] = AudioEnvelopeBuilder(streamIndex: s.index, computesEnvelope: needs.contains(.audioEnvelope))
        }
        var cues = CueCollector(origin: origin)
        var videoTimeline = VideoTimeline()
        var events: [TimelineEvent] = []
        var videoEnd: MediaTime?
        let declared = file.info.duration ?? 0
        var lastReported = -1.0

        func report(_ t: MediaTime) {
            guard let progress, declared > 0 else { return }
            let fraction = min(1, max(0, t.seconds / declared))
            if fraction - lastReported >= 0.01 { lastReported = fraction; progress(fraction) }
        }

        let outcome: ReadOutcome
        do {
            outcome = try reader.run(
                video: { frame in
                    var f = extractor.extract(frame)
                    stats.videoFrames += 1
                    if let gap = videoTimeline.add(time: f.time, duration: f.duration) {
                        events.append(gap)
                        f.followsGap = true
                    }
                    for c in videoCheckers { c.consume(video: f) }
                    videoEnd = f.end
                    report(f.time)
                },
                audio: { buffer in
                    guard let builder = envelopes[buffer.streamIndex] else { return }
                    stats.audioSamples += Int64(buffer.sampleCount)
                    let (blocks, happened) = builder.add(buffer, origin: origin)
                    for e in happened { events.append(TimelineEvent(stream: buffer.streamIndex, e)) }
                    for block in blocks { for c in audioCheckers { c.consume(audio: block) } }
                    if reader.videoStream == nil, let end = builder.end { report(end) }
                },
                subtitle: { event in
                    for cue in cues.add(event) { for c in cueCheckers { c.consume(cue: cue) } }
                })
        } catch {
            return FileReport(path: path, verdict: .error, error: "Decoding failed: \(error)", media: file.info, findings: [], summaries: [:])
        }
        stats.scannedFrames = extractor.scannedFrames
        for builder in envelopes.values.sorted(by: { $0.streamIndex < $1.streamIndex }) {
            let (blocks, happened) = builder.finish()
            for e in happened { events.append(TimelineEvent(stream: builder.streamIndex, e)) }
            for block in blocks { for c in audioCheckers { c.consume(audio: block) } }
        }
        for cue in cues.finish(end: videoEnd) + sidecarCues { for c in cueCheckers { c.consume(cue: cue) } }

        var stopError = stoppedEarly(file: file, reader: reader, outcome: outcome, videoEnd: videoEnd, envelopes: envelopes, context: context)
        if let stop = stopError, outcome.decodeErrors > 0, let first = outcome.firstDecodeError {
            stopError = stop + " The decoder rejected \(outcome.decodeErrors) packet(s), first: \(first.message)."
        }

        let complete = stopError == nil
        let end = ProgrammeEnd(videoEnd: complete ? videoEnd : nil,
                               audioEnds: complete ? envelopes.compactMapValues(\.end) : [:], truncated: !complete)
        var findings: [Finding] = []
        var summaries: [String: [String: SummaryValue]] = [:]
        for (id, checker) in checkers {
            let result = checker.finish(end)
            findings += result.findings
            summaries[id] = result.summary
        }
        if stopError == nil, outcome.decodeErrors > 0 || outcome.concealedFrames > 0 {
            findings.append(damageFinding(outcome, origin: origin, context: context))
        }
        findings += timelineFindings(events, context: context)
        for (stream, reason) in reader.unreadableStreams {
            findings.append(context.finding(
                checker: "decode", code: "decode.stream-unreadable", severity: .error, placement: nil, start: .zero, end: .zero,
                message: "Audio stream #\(stream.index) (\(stream.codec)) cannot be decoded: \(reason); it was not checked.",
                stream: stream.index))
        }
        for i in findings.indices { findings[i].severity = profile.severity(for: findings[i]) }
        findings.sort { ($0.start, $0.checker, $0.stream ?? -1, $0.channel ?? "") < ($1.start, $1.checker, $1.stream ?? -1, $1.channel ?? "") }
        let verdict: Verdict = stopError != nil ? .error : Verdict(findings: findings)
        return FileReport(path: path, verdict: verdict, error: stopError, media: file.info, findings: findings, summaries: summaries)
    }

    /// Why decoding did not reach the end, or nil when it did. Each stream's decoded end is
    /// judged against that stream's own declared end (audio that starts earlier or runs longer
    /// than the picture is not truncation); streams that declare no duration are judged together
    /// against the container's end.
    private func stoppedEarly(file: MediaFile, reader: MediaReader, outcome: ReadOutcome, videoEnd: MediaTime?,
                              envelopes: [Int: AudioEnvelopeBuilder], context: CheckContext) -> String? {
        let origin = reader.origin
        var decoded: [(stream: StreamInfo, end: MediaTime?)] = []
        if let v = reader.videoStream { decoded.append((v, videoEnd)) }
        for s in reader.audioStreams { decoded.append((s, envelopes[s.index]?.end)) }
        let lastEnd = decoded.compactMap(\.end).max()
        if let readError = outcome.readError {
            return "Reading stopped \(position(lastEnd, context)): \(readError.message) (\(readError.call))."
        }
        if !decoded.isEmpty, lastEnd == nil {
            return "No picture or sound could be decoded from the file."
        }
        // Half a second plus a frame absorbs audio padding and edit-list rounding, not missing media.
        let slack = 0.5 + (context.frameRate.map { 1 / $0.doubleValue } ?? 0)
        let containerStart = file.info.startTime ?? origin.seconds
        var undeclared: [MediaTime] = []
        for (stream, end) in decoded {
            guard let end else {
                return "The file is truncated or damaged: nothing could be decoded from \(describe(stream))."
            }
            let absoluteEnd = (origin + end).seconds
            if let duration = stream.duration, duration > 0 {
                let declaredEnd = (stream.startTime ?? containerStart) + duration
                if absoluteEnd < declaredEnd - slack {
                    return "The file is truncated or damaged: \(describe(stream)) stops \(position(end, context)) but the stream declares \(formatSeconds(declaredEnd - origin.seconds))."
                }
            } else {
                undeclared.append(end)
            }
        }
        if let end = undeclared.max(), let duration = file.info.duration, duration > 0, file.info.durationIsEstimate != true {
            let declaredEnd = containerStart + duration
            if (origin + end).seconds < declaredEnd - slack {
                return "The file is truncated or damaged: decoding stopped \(position(end, context)) but the container declares \(formatSeconds(declaredEnd - origin.seconds))."
            }
        }
        return nil
    }

    private func describe(_ stream: StreamInfo) -> String {
        "\(stream.type == .video ? "the picture" : "the sound") (stream #\(stream.index), \(stream.codec))"
    }

    private func damageFinding(_ outcome: ReadOutcome, origin: MediaTime, context: CheckContext) -> Finding {
        let start = outcome.firstDamage.map { $0 - origin } ?? .zero
        let last = outcome.lastDamage.map { $0 - origin } ?? start
        let end = last + (context.frameRate.map { MediaTime(value: $0.denominator, timescale: $0.numerator) } ?? MediaTime(value: 1, timescale: 1000))
        var parts: [String] = []
        if outcome.decodeErrors > 0 {
            parts.append("rejected \(outcome.decodeErrors) damaged packet(s) (\(outcome.firstDecodeError?.message ?? "invalid data"))")
        }
        if outcome.concealedFrames > 0 { parts.append("concealed damage in \(outcome.concealedFrames) picture(s)") }
        return context.finding(
            checker: "decode", code: "decode.damaged", severity: .error, placement: nil, start: start, end: end,
            message: "The decoder \(parts.joined(separator: " and ")) between \(context.label(start)) and \(context.label(last)); the picture or sound there is corrupt.",
            measurements: ["packets": Double(outcome.decodeErrors), "concealedFrames": Double(outcome.concealedFrames)])
    }

    /// `decode.gap` for timestamp gaps and jumps, `audio.layout-change` for mid-stream format changes.
    private func timelineFindings(_ events: [TimelineEvent], context: CheckContext) -> [Finding] {
        var findings: [Finding] = []
        var gapsPerStream: [Int: Int] = [:]
        var lastListed: [Int: Int] = [:]
        for e in events {
            switch e.kind {
            case .formatChange(let from, let to, let at):
                findings.append(context.finding(
                    checker: "decode", code: "audio.layout-change", severity: .info, placement: nil, start: at, end: at,
                    message: "Audio stream #\(e.stream ?? -1) changes from \(from.description) to \(to.description) at \(context.label(at)); every channel of both is checked.",
                    measurements: ["channelsBefore": Double(from.channelCount), "channelsAfter": Double(to.channelCount)],
                    stream: e.stream))
            case .gap(let expected, let actual):
                let count = gapsPerStream[e.stream ?? -1, default: 0] + 1
                gapsPerStream[e.stream ?? -1] = count
                guard count <= Self.gapFindingLimit else { continue }
                let size = actual - expected
                let (start, end) = size < .zero ? (actual, expected) : (expected, actual)
                let length = formatSeconds(abs(size.seconds))
                let sentence: String
                if let stream = e.stream {
                    sentence = size < .zero
                        ? "Audio stream #\(stream)'s timestamps jump back \(length) at \(context.label(expected)): that much sound overlaps what came before."
                        : "Sound missing: audio stream #\(stream)'s timestamps jump \(length) from \(context.label(expected)) to \(context.label(actual))."
                } else {
                    let frames = context.frameRate.map { Int64((abs(size.seconds) * $0.doubleValue).rounded()) }
                    let amount = frames.map { "\($0) frame\($0 == 1 ? "" : "s") (\(length))" } ?? length
                    sentence = size < .zero
                        ? "The picture's timestamps jump back \(amount) at \(context.label(expected)): pictures overlap what came before."
                        : "Pictures missing: the timestamps jump \(amount) from \(context.label(expected)) to \(context.label(actual))."
                }
                findings.append(context.finding(
                    checker: "decode", code: "decode.gap", severity: .warning, placement: nil, start: start, end: end,
                    message: sentence, measurements: ["gapSeconds": size.seconds], stream: e.stream ?? context.video?.index))
                if count == Self.gapFindingLimit { lastListed[e.stream ?? -1] = findings.count - 1 }
            }
        }
        for (stream, index) in lastListed {
            let more = gapsPerStream[stream, default: 0] - Self.gapFindingLimit
            if more > 0 { findings[index].message += " \(more) more gap(s) in this stream are not listed." }
        }
        return findings
    }

    private func position(_ time: MediaTime?, _ context: CheckContext) -> String {
        guard let time else { return "before anything was decoded" }
        var parts = [formatSeconds(time.seconds)]
        if let f = context.frame(at: time) { parts.append("frame \(f)") }
        if let tc = context.timecode(at: time) { return "at \(tc) (\(parts.joined(separator: ", ")))" }
        return "at \(parts.joined(separator: ", "))"
    }
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
    var kind: AudioEnvelopeBuilder.Event

    init(stream: Int?, _ kind: AudioEnvelopeBuilder.Event) {
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

/// Streams the per-frame video features of a file to a closure (for `greenlight features`).
public enum FeatureDump {
    /// - Returns: nil when the whole file was read, else why it stopped.
    public static func run(path: String, parameters: FeatureParameters = FeatureParameters(), each: (VideoFeatures) -> Void) throws -> String? {
        let file: MediaFile
        do { file = try MediaFile(path: path) } catch { return error.description }
        guard file.info.primaryVideo != nil else {
            let kinds = file.info.streams.map(\.type.rawValue)
            return "\(path) has no picture stream (it holds \(kinds.joined(separator: ", "))): features are measured on pictures"
        }
        let reader = try MediaReader(file: file, selection: ReadSelection(video: true, audio: false, subtitles: false))
        let extractor = VideoFeatureExtractor(features: .video, parameters: parameters,
                                              frameRate: file.info.primaryVideo?.numberingRate, origin: reader.origin)
        let outcome = try reader.run(video: { each(extractor.extract($0)) }, audio: { _ in }, subtitle: { _ in })
        return outcome.readError?.description
    }
}
