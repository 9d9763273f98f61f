import Dispatch
import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightMedia
import GreenlightValues

/// One file read once, in the parts ``Engine/check(path:sidecarCues:progress:)`` is made of:
/// ``open(path:features:parameters:threads:)`` opens and probes it; ``decode(sidecarCues:progress:video:audio:cue:)``
/// decodes every picture and sound stream once, measures only the features asked for and
/// watches each stream's timeline on the way; ``health(_:)`` concludes what the pass found out
/// about the file itself (where it stopped, damage, gaps, layout changes, unreadable streams).
final class FilePass {
    /// Why a file could not be opened for a pass.
    enum OpenFailure: Error {
        /// Not even the container could be read.
        case unreadable(String)
        /// The container was read, but nothing in it can be decoded.
        case undecodable(MediaInfo, String)

        var message: String {
            switch self {
            case .unreadable(let m), .undecodable(_, let m): return m
            }
        }

        func report(path: String) -> FileReport {
            switch self {
            case .unreadable(let m): return .unreadable(path, m)
            case .undecodable(let info, let m): return FileReport(path: path, verdict: .error, error: m, media: info, findings: [], summaries: [:])
            }
        }
    }

    let path: String
    let file: MediaFile
    let context: CheckContext
    let reader: MediaReader
    /// Hands the file's streams out merged by presentation time, with a watermark.
    private let ordered: OrderedReader
    /// The reference's pictures, when a checker compares with one and one was given.
    private let referenceTrack: ReferenceTrack?
    /// What the pass measures (with full-rate samples when a sound analyzer reads them).
    let features: FeatureSet
    private var segmenters: [Int: AudioSegmenter] = [:]
    private var videoTimeline = VideoTimeline()
    private var events: [TimelineEvent] = []
    private var videoEnd: MediaTime?
    private var videoFrames = 0
    private var audioSamples: Int64 = 0

    private init(path: String, file: MediaFile, context: CheckContext, ordered: OrderedReader, features: FeatureSet, plan: AnalysisPlan,
                 referenceTrack: ReferenceTrack?) {
        self.referenceTrack = referenceTrack
        self.path = path
        self.file = file
        self.context = context
        self.ordered = ordered
        reader = ordered.reader
        self.features = features
        let features = plan.readsSound ? features.union(.audioSamples) : features
        for s in reader.audioStreams {
            segmenters[s.index] = AudioSegmenter(streamIndex: s.index,
                                                 computesSamples: !features.intersection([.audioEnvelope, .audioSamples]).isEmpty)
        }
    }

    /// Opens and probes `path` for a pass that measures `features`. File health does not depend on
    /// the features: every audio stream and the picture stream are always decoded.
    /// - Parameter range: when set, reading starts at the key frame before its start less
    ///   ``warmUp`` (those pictures and sound warm the checkers up).
    static func open(path: String, features: FeatureSet, parameters: FeatureParameters, plan: AnalysisPlan = .none,
                     threads: Int, reference: String? = nil, range: CheckRange? = nil) -> Result<FilePass, OpenFailure> {
        let file: MediaFile
        do { file = try MediaFile(path: path) } catch {
            return .failure(.unreadable("Cannot open the file: \(error.message) (\(error.call))."))
        }
        if let range, range.start > .zero {
            // Strictly before the start, so a finding that began before the range is seen to.
            let from = max(.zero, range.start - warmUp)
            do { try file.seek(toProgrammeTime: from) } catch {
                return .failure(.undecodable(file.info, "Cannot seek to \(formatSeconds(from.seconds)) for --range: \(error.message) (\(error.call))."))
            }
        }
        let ordered: OrderedReader
        do {
            ordered = try OrderedReader(file: file, selection: ReadSelection(
                video: true, audio: true, subtitles: features.contains(.subtitles), threads: threads))
        } catch {
            return .failure(.undecodable(file.info, "Cannot decode the file: \(error.message) (\(error.call))."))
        }
        let reader = ordered.reader
        if reader.videoStream == nil && reader.audioStreams.isEmpty && file.info.streams.allSatisfy({ $0.type != .subtitle }) {
            let why = reader.unreadableStreams.map { "stream #\($0.stream.index) (\($0.stream.type.rawValue)): \($0.reason)" }
            return .failure(.undecodable(file.info,
                "Nothing in the file can be decoded: \(why.isEmpty ? "no picture or sound stream" : why.joined(separator: "; "))."))
        }
        var context = CheckContext(path: path, media: file.info, parameters: parameters)
        context.range = range
        context.spectrum = SpectrumFactory { PowerSpectrum(size: $0) }
        var track: ReferenceTrack?
        if let reference, features.contains(.reference) {
            do {
                let referenceFile = try MediaFile(path: reference)
                track = try ReferenceTrack(file: referenceFile)
                context.reference = referenceFile.info
            } catch {
                return .failure(.undecodable(file.info, "Cannot read the reference \(reference): \(error.message) (\(error.call))."))
            }
        }
        return .success(FilePass(path: path, file: file, context: context, ordered: ordered, features: features, plan: plan, referenceTrack: track))
    }

    /// Where the measurements go, on the thread that called ``run(_:plan:sidecarCues:progress:sink:)``.
    struct Sink {
        var video: (VideoFeatures) -> Void = { _ in }
        var audio: (AudioEnvelopeBlock) -> Void = { _ in }
        var samples: (AudioSampleBlock) -> Void = { _ in }
        var cue: (SubtitleCue) -> Void = { _ in }
        /// Records of the analyzers checkers brought, as the frame analyzers' lookahead allows.
        var frames: ([FrameRecord]) -> Void = { _ in }
        var sounds: (SoundRecord) -> Void = { _ in }
        /// Everything that starts before this time has been handed to the closures above.
        var watermark: (MediaTime) -> Void = { _ in }
    }

    /// What the decoding thread concludes about the file once it has read it.
    struct Conclusion: Sendable {
        /// Why decoding stopped early, or nil when the file was read to its end.
        var stopError: String?
        /// The engine's own findings: damage, gaps, layout changes, unreadable streams.
        var findings: [Finding] = []
        /// The programme's end as checkers see it (unknown when the file was cut short).
        var end = ProgrammeEnd(videoEnd: nil, audioEnds: [:], truncated: true)
        var videoFrames = 0
        var audioSamples: Int64 = 0
        /// Set when decoding itself failed (out of memory, a conversion libswscale refused).
        var failure: String?
        /// Set when the pass was asked to stop (Ctrl-C) before the file's end.
        var interrupted = false
        /// Set when a range's check had read far enough and stopped before the file's end.
        var rangeEnded = false
    }

    /// One unit of work from the decoding thread to the analysing one, in presentation order per stream.
    enum Work {
        /// A decoded picture, kept by reference (no pixels copied), and whether pictures are missing before it.
        case picture(RetainedVideoFrame, followsGap: Bool, reference: RetainedVideoFrame?)
        case samples(AudioSampleBlock)
        case cue(SubtitleCue)
        case progress(Double)
        /// Every picture and sound block that starts before this time (from the programme's
        /// first frame) has been sent.
        case watermark(MediaTime)
        case end(Conclusion)
    }

    /// How far before a range's start reading begins (then back to the key frame before).
    static let warmUp = MediaTime(value: 2, timescale: 1)

    /// Pictures decoded ahead of the analysis at most (each holds a decoded picture's buffers).
    static let picturesInFlight = 4

    /// Reads the file once: decoding (and the file's health) on a thread of its own, measuring
    /// and analysing on the calling thread behind a bounded queue, so that analysis costs wall
    /// time only when every core is busy. Each picture's features, envelope block, sample block,
    /// cue (then `sidecarCues`) and analyzer record goes to `sink` in presentation order per stream.
    /// - Parameter progress: called with the fraction (0…1) of the declared duration decoded.
    /// - Parameter stop: polled between packets; when it returns true the pass ends where it is.
    /// - Parameter enough: polled between packets; true when a range's check has read far enough.
    static func run(_ pass: consuming sending FilePass, plan: AnalysisPlan, sidecarCues: [SubtitleCue],
                    progress: ((Double) -> Void)?, stop: (@Sendable () -> Bool)? = nil, enough: (@Sendable () -> Bool)? = nil,
                    sink: Sink) -> (Conclusion, scannedFrames: Int) {
        let context = pass.context
        let origin = pass.reader.origin
        let extractor = VideoFeatureExtractor(features: pass.features, parameters: context.parameters,
                                              frameRate: context.frameRate, origin: origin,
                                              analyzersReadPreviousPicture: plan.readsPreviousPicture, context: context)
        let analysis = plan.isEmpty ? nil : Analysis(plan: plan, context: context)
        let features = pass.features
        let envelope = features.contains(.audioEnvelope) ? AudioEnvelopeAnalyzer(parameters: .init(), context: context) : nil
        let queue = WorkQueue<Work>(capacity: 64)
        let pictureSlots = DispatchSemaphore(value: picturesInFlight)
        let producer = Handoff(pass)
        let reportsProgress = progress != nil
        Thread {
            producer.take()?.produce(into: queue, pictureSlots: pictureSlots, sidecarCues: sidecarCues, reportsProgress: reportsProgress, stop: stop, enough: enough)
        }.start()

        var lastMark: MediaTime?
        while true {
            switch queue.pop() {
            case .picture(let kept, let followsGap, let reference):
                kept.withFrame { frame in
                    var f = extractor.extract(frame, reference: reference)
                    f.followsGap = followsGap
                    sink.video(f)
                    if let analysis, analysis.readsPictures { sink.frames(analysis.add(extractor.picture(frame, f))) }
                }
                extractor.advance(to: kept)
                pictureSlots.signal()
            case .samples(let block):
                if let envelope { for e in envelope.analyze(block) { sink.audio(e) } }
                if features.contains(.audioSamples) { sink.samples(block) }
                if let analysis, plan.readsSound { sink.sounds(analysis.add(block)) }
            case .cue(let cue):
                sink.cue(cue)
            case .progress(let fraction):
                progress?(fraction)
            case .watermark(let time):
                // Records still waiting for their lookahead, and envelope windows not yet complete,
                // have not reached the checkers.
                let held = [analysis?.earliestWaiting, envelope?.heldStart].compactMap { $0 }.min()
                let mark = held.map { min($0, time) } ?? time
                if lastMark.map({ mark > $0 }) ?? true {
                    lastMark = mark
                    sink.watermark(mark)
                }
            case .end(let conclusion):
                if let analysis { sink.frames(analysis.finish()) }
                return (conclusion, extractor.scannedFrames)
            }
        }
    }

    /// The decoding thread: decodes every picture and sound stream once, watches each stream's
    /// timeline, sends the work on, and ends with what it concludes about the file.
    private func produce(into queue: WorkQueue<Work>, pictureSlots: DispatchSemaphore, sidecarCues: [SubtitleCue], reportsProgress: Bool,
                         stop: (@Sendable () -> Bool)?, enough: (@Sendable () -> Bool)?) {
        let origin = reader.origin
        var cues = CueCollector(origin: origin)
        let declared = file.info.duration ?? 0
        var lastReported = -1.0
        func report(_ t: MediaTime) {
            guard reportsProgress, declared > 0 else { return }
            let fraction = min(1, max(0, t.seconds / declared))
            if fraction - lastReported >= 0.01 { lastReported = fraction; queue.push(.progress(fraction)) }
        }
        let hasVideo = reader.videoStream != nil
        let frameRate = context.frameRate
        var conclusion = Conclusion()
        var aligned: Set<Int> = []
        do {
            var lastWatermark: MediaTime?
            while let item = try ordered.next() {
                if let stop, stop() {
                    conclusion.interrupted = true
                    break
                }
                if let enough, enough() {
                    conclusion.rangeEnded = true
                    break
                }
                switch item {
                case .video(let kept):
                    videoFrames += 1
                    let (time, duration) = kept.withFrame { VideoFeatureExtractor.timing(of: $0, origin: origin, frameRate: frameRate) }
                    var followsGap = false
                    if let gap = videoTimeline.add(time: time, duration: duration) {
                        events.append(gap)
                        followsGap = true
                    }
                    videoEnd = time + duration
                    pictureSlots.wait()
                    if let track = referenceTrack {
                        queue.push(.picture(kept, followsGap: followsGap, reference: try track.picture(at: time)))
                    } else {
                        queue.push(.picture(kept, followsGap: followsGap, reference: nil))
                    }
                    report(time)
                case .audio(var chunk):
                    guard let segmenter = segmenters[chunk.streamIndex] else { continue }
                    if context.range != nil, !aligned.contains(chunk.streamIndex) {
                        // A range's sound starts on the 100 ms grid of programme time, so its
                        // envelope windows and loudness blocks fall where a whole-file check's do.
                        let rate = Double(max(chunk.format.sampleRate, 1)), t = (chunk.time - origin).seconds
                        let skip = Int((((t * 10 - 1e-6).rounded(.up) / 10 - t) * rate).rounded())
                        if skip >= chunk.sampleCount { continue }
                        chunk = chunk.dropping(first: skip)
                        aligned.insert(chunk.streamIndex)
                    }
                    audioSamples += Int64(chunk.sampleCount)
                    for e in segmenter.add(chunk, origin: origin) { events.append(TimelineEvent(stream: chunk.streamIndex, e)) }
                    for block in segmenter.takeSamples() { queue.push(.samples(block)) }
                    if !hasVideo, let end = segmenter.end { report(end) }
                case .subtitle(let event):
                    for c in cues.add(event) { queue.push(.cue(c)) }
                }
                // Everything before this has gone to the analysing thread (sound a segmenter
                // still holds excepted).
                if let w = ordered.watermark {
                    let held = segmenters.values.compactMap(\.heldStart).min()
                    let mark = held.map { min($0, w - origin) } ?? w - origin
                    if lastWatermark.map({ mark > $0 }) ?? true {
                        lastWatermark = mark
                        queue.push(.watermark(mark))
                    }
                }
            }
            let outcome = reader.outcome
            for segmenter in segmenters.values.sorted(by: { $0.streamIndex < $1.streamIndex }) {
                for e in segmenter.finish() { events.append(TimelineEvent(stream: segmenter.streamIndex, e)) }
                for block in segmenter.takeSamples() { queue.push(.samples(block)) }
            }
            for c in cues.finish(end: videoEnd) + sidecarCues { queue.push(.cue(c)) }
            let (stopError, findings) = health(outcome, rangeEnded: conclusion.rangeEnded)
            conclusion.stopError = stopError
            conclusion.findings = findings
            conclusion.end = programmeEnd(complete: stopError == nil && !conclusion.rangeEnded)
        } catch {
            conclusion.failure = "\(error)"
        }
        conclusion.videoFrames = videoFrames
        conclusion.audioSamples = audioSamples
        queue.push(.end(conclusion))
    }

    /// What the pass found out about the file itself: why it stopped early (nil when it was read
    /// to its end) and the engine's own findings (damage, gaps, layout changes, unreadable streams).
    /// A range's check that stopped once it had read far enough did not stop early.
    private func health(_ outcome: ReadOutcome, rangeEnded: Bool) -> (stopError: String?, findings: [Finding]) {
        // A transport stream's last packets, read once: they decide truncation and what is said of its end.
        let tail = file.info.container == "mpegts" ? TransportStreamEnd.inspect(path: path) : nil
        var stopError = rangeEnded && outcome.readError == nil ? nil : stoppedEarly(outcome, transportStreamEnd: tail)
        if let stop = stopError, outcome.decodeErrors > 0, let first = outcome.firstDecodeError {
            stopError = stop + " The decoder rejected \(outcome.decodeErrors) packet(s), first: \(first.message)."
        }
        var findings: [Finding] = []
        if stopError == nil, outcome.decodeErrors > 0 || outcome.concealedFrames > 0 {
            findings.append(damageFinding(outcome))
        }
        if stopError == nil, !rangeEnded, let note = unverifiedEnd(tail) { findings.append(note) }
        findings += timelineFindings()
        for (stream, reason) in reader.unreadableStreams {
            findings.append(context.finding(
                checker: FileHealth.checker, code: "decode.stream-unreadable", severity: .error, placement: nil, start: .zero, end: .zero,
                message: "Audio stream #\(stream.index) (\(stream.codec)) cannot be decoded: \(reason); it was not checked.",
                stream: stream.index))
        }
        return (stopError, findings)
    }

    /// The programme's end as checkers see it: unknown when decoding stopped early, so nothing
    /// that merely reaches the cut is called tail.
    private func programmeEnd(complete: Bool) -> ProgrammeEnd {
        ProgrammeEnd(videoEnd: complete ? videoEnd : nil,
                     audioEnds: complete ? segmenters.compactMapValues(\.end) : [:], truncated: !complete)
    }

    /// Why decoding did not reach the end, or nil when it did. Each stream's decoded end is
    /// judged against that stream's own declared end (audio that starts earlier or runs longer
    /// than the picture is not truncation); streams that declare no duration are judged together
    /// against the container's end.
    private func stoppedEarly(_ outcome: ReadOutcome, transportStreamEnd: TransportStreamEnd?) -> String? {
        let origin = reader.origin
        var decoded: [(stream: StreamInfo, end: MediaTime?)] = []
        if let v = reader.videoStream { decoded.append((v, videoEnd)) }
        for s in reader.audioStreams { decoded.append((s, segmenters[s.index]?.end)) }
        let lastEnd = decoded.compactMap(\.end).max()
        if let readError = outcome.readError {
            return "Reading stopped \(position(lastEnd)): \(readError.message) (\(readError.call))."
        }
        if !decoded.isEmpty, lastEnd == nil {
            return "No picture or sound could be decoded from the file."
        }
        // Half a second plus a frame absorbs audio padding and edit-list rounding, not missing media.
        // Pictures need no such room where the container's durations are exact (not guessed from
        // the bit rate): two frames, so an MP4 cut 0.4 s before its end is not called complete.
        let frame = context.frameRate.map { 1 / $0.doubleValue } ?? 0
        let slack = 0.5 + frame
        let pictureSlack = file.info.durationIsEstimate == true || frame == 0 ? slack : 2 * frame
        let containerStart = file.info.startTime ?? origin.seconds
        var undeclared: [MediaTime] = []
        for (stream, end) in decoded {
            guard let end else {
                return "The file is truncated or damaged: nothing could be decoded from \(describe(stream))."
            }
            let absoluteEnd = (origin + end).seconds
            if let duration = stream.duration, duration > 0 {
                let declaredEnd = (stream.startTime ?? containerStart) + duration
                if absoluteEnd < declaredEnd - (stream.type == .video ? pictureSlack : slack) {
                    return "The file is truncated or damaged: \(describe(stream)) stops \(position(end)) but the stream declares \(formatSeconds(declaredEnd - origin.seconds))."
                }
            } else {
                undeclared.append(end)
            }
        }
        if let end = undeclared.max(), let duration = file.info.duration, duration > 0, file.info.durationIsEstimate != true {
            let declaredEnd = containerStart + duration
            if (origin + end).seconds < declaredEnd - slack {
                return "The file is truncated or damaged: decoding stopped \(position(end)) but the container declares \(formatSeconds(declaredEnd - origin.seconds))."
            }
        }
        // A transport stream has no index and its duration comes from its last timestamps, so a
        // cut TS looks whole to everything above: its last packets and its last picture say otherwise.
        if let tail = transportStreamEnd {
            if let why = tail.truncation {
                return "The file is truncated: decoding stopped \(position(lastEnd)) where the transport stream is cut (\(why))."
            }
            if let end = videoEnd, let damage = outcome.lastDamage.map({ $0 - origin }), frame > 0,
               damage.seconds >= end.seconds - 2.5 * frame {
                return "The file is truncated: decoding stopped \(position(lastEnd)) on a picture the decoder had to conceal damage in: "
                    + "the transport stream ends on a whole packet but partway through its last picture (its video packets declare no length, so only the picture shows the cut)."
            }
        }
        return nil
    }

    /// An MPEG-TS whose end looks whole but whose video PES packets declare no length: a cut
    /// exactly between two pictures cannot be told from the real end, and the report says so.
    private func unverifiedEnd(_ tail: TransportStreamEnd?) -> Finding? {
        guard let tail, tail.truncation == nil, !tail.unboundedPIDs.isEmpty, let end = videoEnd else { return nil }
        return context.finding(
            checker: FileHealth.checker, code: "decode.end-unverified", severity: .info, placement: nil, start: end, end: end,
            message: "A transport stream has no index: its end was checked by its last packets (whole \(tail.packetSize)-byte packets, every PES packet that declares a length complete, the last picture decoded cleanly), but its video PES packets declare no length, so a cut exactly between two pictures cannot be told from the real end.",
            measurements: ["packetSize": Double(tail.packetSize)])
    }

    /// One `decode.gap` for sound missing in `count` places from `start` to `end` (one place:
    /// its length in milliseconds and samples, since an audio gap is often under a frame).
    private func soundGap(stream: Int, _ start: MediaTime, _ end: MediaTime, count: Int, total: MediaTime, longest: MediaTime) -> Finding {
        let (from, to) = (context.label(start), context.label(end))
        // Two labels alike (a gap inside one frame) say nothing: the clock time does.
        let span = from == to ? "at \(from) (\(formatSeconds(start.seconds)))" : "from \(from) to \(to)"
        let message = count == 1
            ? "Sound missing: audio stream #\(stream)'s timestamps jump \(milliseconds(total)) (\(samples(total.seconds, stream: stream))) \(span)."
            : "Sound missing in \(count) places \(span) in audio stream #\(stream): \(milliseconds(total)) (\(samples(total.seconds, stream: stream))) in all, the longest \(milliseconds(longest)); the stretch is damaged or cut."
        return context.finding(
            checker: FileHealth.checker, code: "decode.gap", severity: .warning, placement: nil, start: start, end: end, message: message,
            measurements: ["gapSeconds": total.seconds, "gaps": Double(count), "longestGapSeconds": longest.seconds], stream: stream)
    }

    private func milliseconds(_ t: MediaTime) -> String { "\(formatNumber((t.seconds * 10_000).rounded() / 10)) ms" }

    /// "1114 samples at 48000 Hz", or the seconds when the stream's rate is unknown.
    private func samples(_ seconds: Double, stream: Int) -> String {
        guard let rate = reader.audioStreams.first(where: { $0.index == stream })?.sampleRate, rate > 0 else { return formatSeconds(seconds) }
        let n = Int((seconds * Double(rate)).rounded())
        return "\(n) sample\(n == 1 ? "" : "s") at \(rate) Hz"
    }

    private func describe(_ stream: StreamInfo) -> String {
        "\(stream.type == .video ? "the picture" : "the sound") (stream #\(stream.index), \(stream.codec))"
    }

    private func damageFinding(_ outcome: ReadOutcome) -> Finding {
        let origin = reader.origin
        let start = outcome.firstDamage.map { $0 - origin } ?? .zero
        let last = outcome.lastDamage.map { $0 - origin } ?? start
        let end = last + (context.frameRate.map { MediaTime(value: $0.denominator, timescale: $0.numerator) } ?? MediaTime(value: 1, timescale: 1000))
        var parts: [String] = []
        if outcome.decodeErrors > 0 {
            parts.append("rejected \(outcome.decodeErrors) damaged packet(s) (\(outcome.firstDecodeError?.message ?? "invalid data"))")
        }
        if outcome.concealedFrames > 0 { parts.append("concealed damage in \(outcome.concealedFrames) picture(s)") }
        return context.finding(
            checker: FileHealth.checker, code: "decode.damaged", severity: .error, placement: nil, start: start, end: end,
            message: "The decoder \(parts.joined(separator: " and ")) between \(context.label(start)) and \(context.label(last)); the picture or sound there is corrupt.",
            measurements: ["packets": Double(outcome.decodeErrors), "concealedFrames": Double(outcome.concealedFrames)])
    }

    /// `decode.gap` for timestamp gaps and jumps, `audio.layout-change` for mid-stream format changes.
    /// Sound missing in several places close together (a damaged stretch drops one 21 ms AAC
    /// frame after another) is one finding with the count, not a line per frame.
    private func timelineFindings() -> [Finding] {
        var findings: [Finding] = []
        var gapsPerStream: [Int: Int] = [:]
        var lastListed: [Int: Int] = [:]
        // Per audio stream, the open group of forward gaps: (first expected, last actual, count, total, longest).
        var soundGroups: [Int: (start: MediaTime, end: MediaTime, count: Int, total: MediaTime, longest: MediaTime)] = [:]
        func list(_ finding: Finding, stream: Int) {
            let count = gapsPerStream[stream, default: 0] + 1
            gapsPerStream[stream] = count
            guard count <= Engine.gapFindingLimit else { return }
            findings.append(finding)
            if count == Engine.gapFindingLimit { lastListed[stream] = findings.count - 1 }
        }
        func closeSoundGroup(_ stream: Int) {
            guard let g = soundGroups.removeValue(forKey: stream) else { return }
            list(soundGap(stream: stream, g.start, g.end, count: g.count, total: g.total, longest: g.longest), stream: stream)
        }
        for e in events {
            switch e.kind {
            case .formatChange(let from, let to, let at):
                findings.append(context.finding(
                    checker: FileHealth.checker, code: "audio.layout-change", severity: .info, placement: nil, start: at, end: at,
                    message: "Audio stream #\(e.stream ?? -1) changes from \(from.description) to \(to.description) at \(context.label(at)); every channel of both is checked.",
                    measurements: ["channelsBefore": Double(from.channelCount), "channelsAfter": Double(to.channelCount)],
                    stream: e.stream))
            case .gap(let expected, let actual):
                let size = actual - expected
                if let stream = e.stream, size > .zero {
                    // Within a second of the group's last gap: the same damaged stretch.
                    if let g = soundGroups[stream], (expected - g.end).seconds <= 1 {
                        soundGroups[stream] = (g.start, actual, g.count + 1, g.total + size, max(g.longest, size))
                    } else {
                        closeSoundGroup(stream)
                        soundGroups[stream] = (expected, actual, 1, size, size)
                    }
                    continue
                }
                let (start, end) = size < .zero ? (actual, expected) : (expected, actual)
                let length = formatSeconds(abs(size.seconds))
                let sentence: String
                if let stream = e.stream {
                    sentence = "Audio stream #\(stream)'s timestamps jump back \(length) (\(samples(abs(size.seconds), stream: stream))) at \(context.label(expected)): that much sound overlaps what came before."
                } else {
                    let frames = context.frameRate.map { Int64((abs(size.seconds) * $0.doubleValue).rounded()) }
                    let amount = frames.map { "\($0) frame\($0 == 1 ? "" : "s") (\(length))" } ?? length
                    sentence = size < .zero
                        ? "The picture's timestamps jump back \(amount) at \(context.label(expected)): pictures overlap what came before."
                        : "Pictures missing: the timestamps jump \(amount) from \(context.label(expected)) to \(context.label(actual))."
                }
                list(context.finding(
                    checker: FileHealth.checker, code: "decode.gap", severity: .warning, placement: nil, start: start, end: end,
                    message: sentence, measurements: ["gapSeconds": size.seconds], stream: e.stream ?? context.video?.index),
                     stream: e.stream ?? -1)
            }
        }
        for stream in soundGroups.keys.sorted() { closeSoundGroup(stream) }
        for (stream, index) in lastListed {
            let more = gapsPerStream[stream, default: 0] - Engine.gapFindingLimit
            if more > 0 { findings[index].message += " \(more) more gap(s) in this stream are not listed." }
        }
        return findings
    }

    private func position(_ time: MediaTime?) -> String {
        guard let time else { return "before anything was decoded" }
        var parts = [formatSeconds(time.seconds)]
        if let f = context.frame(at: time) { parts.append("frame \(f)") }
        if let tc = context.timecode(at: time) { return "at \(tc) (\(parts.joined(separator: ", ")))" }
        return "at \(parts.joined(separator: ", "))"
    }
}

/// Why a pass could not go on (beside what the reader records about the file).
struct PassFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
