import Foundation
import GreenlightMedia
import GreenlightSubtitles

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
    public static let codes = ["decode.damaged"]

    public init(profile: Profile, threads: Int = 0) {
        self.profile = profile
        self.threads = threads
    }

    /// The union of what the enabled checkers need.
    public var features: FeatureSet {
        profile.checkers.reduce(into: FeatureSet()) { $0.formUnion($1.type.features) }
    }

    /// Checks one file. Never throws: a file that cannot be read gets a report with verdict
    /// `error` and a sentence saying why; what was decoded before damage is still reported.
    /// - Parameter progress: called with the fraction (0…1) of the declared duration decoded.
    public func check(path: String, sidecarCues: [SubtitleCue] = [], progress: ((Double) -> Void)? = nil) -> FileReport {
        let file: MediaFile
        do { file = try MediaFile(path: path) } catch {
            return .unreadable(path, "Cannot open the file: \(error.message) (\(error.call)).")
        }
        let needs = features
        let parameters = profile.featureParameters()
        let context = CheckContext(path: path, media: file.info, parameters: parameters)
        let reader: MediaReader
        do {
            reader = try MediaReader(file: file, selection: ReadSelection(
                video: !needs.intersection(.video).isEmpty, audio: needs.contains(.audioEnvelope),
                subtitles: needs.contains(.subtitles), threads: threads))
        } catch {
            return FileReport(path: path, verdict: .error, error: "Cannot decode the file: \(error.message) (\(error.call)).",
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
            envelopes[s.index] = AudioEnvelopeBuilder(streamIndex: s.index, sampleRate: s.sampleRate ?? 48000, channels: s.channels ?? 0)
        }
        var cues = CueCollector(origin: origin)
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
                    let f = extractor.extract(frame)
                    for c in videoCheckers { c.consume(video: f) }
                    videoEnd = f.end
                    report(f.time)
                },
                audio: { buffer in
                    guard let builder = envelopes[buffer.streamIndex], let block = builder.add(buffer, origin: origin) else { return }
                    for c in audioCheckers { c.consume(audio: block) }
                    if videoCheckers.isEmpty, let end = builder.end { report(end) }
                },
                subtitle: { event in
                    for cue in cues.add(event) { for c in cueCheckers { c.consume(cue: cue) } }
                })
        } catch {
            return FileReport(path: path, verdict: .error, error: "Decoding failed: \(error)", media: file.info, findings: [], summaries: [:])
        }
        for builder in envelopes.values.sorted(by: { $0.streamIndex < $1.streamIndex }) {
            if let block = builder.flush() { for c in audioCheckers { c.consume(audio: block) } }
        }
        for cue in cues.finish(end: videoEnd) + sidecarCues { for c in cueCheckers { c.consume(cue: cue) } }

        // Did decoding reach the end the container declares?
        let decodedEnd = ([videoEnd] + envelopes.values.map(\.end)).compactMap { $0 }.max()
        var stopError: String?
        if let readError = outcome.readError {
            stopError = "Reading stopped \(position(decodedEnd, context)): \(readError.message) (\(readError.call))."
        } else if declared > 0, file.info.durationIsEstimate != true, let decodedEnd,
                  decodedEnd.seconds < declared - 0.5 - (context.frameRate.map { 1 / $0.doubleValue } ?? 0) {
            // Half a second plus a frame absorbs audio padding and edit-list rounding, not missing media.
            stopError = "The file is truncated or damaged: decoding stopped \(position(decodedEnd, context)) but the container declares \(formatSeconds(declared))."
        } else if decodedEnd == nil, reader.videoStream != nil || !reader.audioStreams.isEmpty {
            stopError = "No picture or sound could be decoded from the file."
        }
        if let stop = stopError, outcome.decodeErrors > 0, let first = outcome.firstDecodeError {
            stopError = stop + " The decoder rejected \(outcome.decodeErrors) packet(s), first: \(first.message)."
        }

        let complete = stopError == nil
        let end = ProgrammeEnd(videoEnd: complete ? videoEnd : nil,
                               audioEnds: complete ? envelopes.mapValues { $0.end ?? .zero } : [:], truncated: !complete)
        var findings: [Finding] = []
        var summaries: [String: [String: SummaryValue]] = [:]
        for (id, checker) in checkers {
            let result = checker.finish(end)
            findings += result.findings
            summaries[id] = result.summary
        }
        if stopError == nil, outcome.decodeErrors > 0 || outcome.concealedFrames > 0 {
            let start = outcome.firstDamage.map { $0 - origin } ?? .zero
            let last = outcome.lastDamage.map { $0 - origin } ?? start
            let end = last + (context.frameRate.map { MediaTime(value: $0.denominator, timescale: $0.numerator) } ?? MediaTime(value: 1, timescale: 1000))
            var parts: [String] = []
            if outcome.decodeErrors > 0 {
                parts.append("rejected \(outcome.decodeErrors) damaged packet(s) (\(outcome.firstDecodeError?.message ?? "invalid data"))")
            }
            if outcome.concealedFrames > 0 { parts.append("concealed damage in \(outcome.concealedFrames) picture(s)") }
            findings.append(context.finding(
                checker: "decode", code: "decode.damaged", severity: .error, placement: nil, start: start, end: end,
                message: "The decoder \(parts.joined(separator: " and ")) between \(context.label(start)) and \(context.label(last)); the picture or sound there is corrupt.",
                measurements: ["packets": Double(outcome.decodeErrors), "concealedFrames": Double(outcome.concealedFrames)]))
        }
        for i in findings.indices { findings[i].severity = profile.severity(for: findings[i]) }
        findings.sort { ($0.start, $0.checker, $0.stream ?? -1, $0.channel ?? "") < ($1.start, $1.checker, $1.stream ?? -1, $1.channel ?? "") }
        let verdict: Verdict = stopError != nil ? .error : Verdict(findings: findings)
        return FileReport(path: path, verdict: verdict, error: stopError, media: file.info, findings: findings, summaries: summaries)
    }

    private func position(_ time: MediaTime?, _ context: CheckContext) -> String {
        guard let time else { return "before anything was decoded" }
        var parts = [formatSeconds(time.seconds)]
        if let f = context.frame(at: time) { parts.append("frame \(f)") }
        if let tc = context.timecode(at: time) { return "at \(tc) (\(parts.joined(separator: ", ")))" }
        return "at \(parts.joined(separator: ", "))"
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
        let reader = try MediaReader(file: file, selection: ReadSelection(video: true, audio: false, subtitles: false))
        let extractor = VideoFeatureExtractor(features: .video, parameters: parameters,
                                              frameRate: file.info.primaryVideo?.numberingRate, origin: reader.origin)
        let outcome = try reader.run(video: { each(extractor.extract($0)) }, audio: { _ in }, subtitle: { _ in })
        return outcome.readError?.description
    }
}
