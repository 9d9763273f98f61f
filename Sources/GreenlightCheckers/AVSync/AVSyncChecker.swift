import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Whether picture and sound line up: from the streams' timing, from test signals (flash and
/// beep, 2-pop) when the file has them, else from the content (picture events against sound
/// onsets). Offset = time of an event's sound − time of its picture: positive, audio late.
public final class AVSyncChecker: Checker {
    public static let description = CheckerDescription(
        id: "av-sync", title: "Audio/video sync",
        catches: "Sound that leads or lags the picture, drifts or steps along the file; streams that start or end apart; a misplaced 2-pop.",
        why: "Out-of-sync sound is rejected at delivery and is distracting at 2 frames; container timestamps alone hide it.",
        defaultSeverity: .error,
        codes: ["sync.offset", "sync.offset-suspected", "sync.drift", "sync.step", "sync.stream-offset", "sync.duration-mismatch", "sync.two-pop"],
        options: optionSpecs)
    public static let features: FeatureSet = [.lumaHistogram, .frameDifference, .audioSamples]
    /// Lip sync reads the mouths of the faces in the picture and the speech detector's levels.
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] {
        options.lips ? [.picture(MouthAnalyzer.self), .sound(SpeechAnalyzer.self)] : []
    }
    /// Its findings are about the whole programme: not run on a time range.
    public static var needsWholeProgramme: Bool { true }

    private let options: Options
    private let context: CheckContext
    private let pictures = PictureEventDetector()
    private let sounds = SoundOnsetDetector()
    /// The audio stream measured: the first one.
    private let soundStream: Int?
    private var firstPicture: Double?
    private var firstSound: [Int: Double] = [:]
    private var soundSegments: [Int: Int] = [:]
    private var lips = LipSyncCollector()

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
        soundStream = context.audioStreams.map(\.index).min()
    }

    public func consume(video: VideoFeatures) {
        if firstPicture == nil { firstPicture = video.time.seconds }
        pictures.add(video)
    }

    public func consume(frame: FrameRecord) {
        guard options.lips else { return }
        let mouths = frame.value(MouthAnalyzer.self)
        if !mouths.isEmpty { lips.add(mouths: mouths, at: frame.features.time.seconds) }
    }

    public func consume(sound: SoundRecord) {
        guard options.lips, sound.block.streamIndex == soundStream else { return }
        let speech = sound.value(SpeechAnalyzer.self)
        lips.add(levels: speech.levels, speech: speech.intervals)
    }

    public func consume(samples: AudioSampleBlock) {
        if firstSound[samples.streamIndex] == nil { firstSound[samples.streamIndex] = samples.start.seconds }
        soundSegments[samples.streamIndex] = max(soundSegments[samples.streamIndex] ?? 0, samples.segment)
        if samples.streamIndex == soundStream { sounds.add(samples) }
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        pictures.finish(videoEnd: end.videoEnd?.seconds)
        sounds.finish()
        guard let stream = soundStream, let videoStart = firstPicture, let audioStart = firstSound[stream] else {
            return CheckerResult(findings: [], summary: ["method": .text("none"), "measurable": .flag(false),
                                                         "note": .text("needs both picture and sound")])
        }
        let frame = pictures.frameDuration
        var report = SyncReport(checker: Self.description.id, context: context, frameDuration: frame,
                                window: options.window(frameDuration: frame), rule: options.rule)

        // What the content says, before the streams' timing is explained with it.
        let measurement = measure(frameDuration: frame)
        report.streamLevel(stream: stream, videoStart: videoStart, audioStart: audioStart,
                           videoEnd: end.videoEnd?.seconds, audioEnd: end.audioEnds[stream]?.seconds,
                           gaps: soundSegments[stream] ?? 0,
                           durationTolerance: options.durationTolerance.time(frameRate: context.frameRate).seconds, measured: measurement)
        report.measured(measurement, minimumConfidence: options.minimumConfidence)
        return CheckerResult(findings: report.findings, summary: report.summary,
                             series: offsetSeries(report.summary, window: options.window(frameDuration: frame)),
                             notMeasured: report.notMeasured)
    }

    /// The offset along the file, from the summary's windows that can be trusted (milliseconds).
    private func offsetSeries(_ summary: [String: SummaryValue], window: ClosedRange<Double>) -> [Series] {
        guard case .list(let windows)? = summary["windows"] else { return [] }
        var line = SeriesBuilder(span: 1)
        for case .record(let w) in windows {
            guard case .number(let time)? = w["time"], case .number(let offset)? = w["offset"] else { continue }
            if case .number(let confidence)? = w["confidence"], confidence < options.minimumConfidence { continue }
            line.add(offset * 1000, at: time)
        }
        let points = line.points
        guard !points.isEmpty else { return [] }
        return [Series(id: "av-sync.offset", checker: Self.description.id, title: "Sound offset (positive: sound late)", unit: "ms",
                       points: points,
                       guides: [Series.Guide(value: window.upperBound * 1000, label: "latest allowed"), Series.Guide(value: 0, label: "in sync"),
                                Series.Guide(value: window.lowerBound * 1000, label: "earliest allowed")],
                       shade: [Self.description.id])]
    }

    /// Test signals first (a 2-pop, then flash-and-beep pairs), else the content.
    private func measure(frameDuration frame: Double) -> SyncMeasurement {
        let beeps = sounds.onsets.filter { $0.toneFrequency != nil && $0.duration <= 0.5 }
        let flashes = pictures.events.filter(\.isFlash)

        // A 2-pop: a beep at most two frames long with black for a second or more starting within
        // four frames of it (a leader's '2' frame, then black to first frame of action), in a
        // file with at most one flash (a flash-and-beep leader flashes again and again).
        let blackAfter = { (pop: SoundOnset) in
            self.pictures.blackRuns.first { run in
                let startTime = Double(run.start) * frame
                return abs(startTime - pop.time) <= 4 * frame
            }
        }
        if flashes.count <= 1, let pop = beeps.first(where: { $0.duration <= 2 * frame + 0.002 && blackAfter($0) != nil }),
           let black = blackAfter(pop) {
            let rate = context.frameRate.map { Double($0.numerator) / Double($0.denominator) } ?? 1 / frame
            let nominal = Int64((2 * rate).rounded())  // 2 s at the nominal rate: 48 at 23.976
            let ffoa = black.end
            let popFrame = ffoa - nominal
            let popTime = context.frameRate.map { Double(popFrame) * Double($0.denominator) / Double($0.numerator) }
                ?? Double(popFrame) * frame
            let flash = flashes.first { abs($0.time - pop.time) <= 0.5 }
            let picture = flash?.time ?? popTime
            return .twoPop(TwoPop(popSound: pop.time, popFrame: popFrame, popFrameTime: popTime, ffoaFrame: ffoa,
                                  flashFrame: flash?.frame, event: SyncEvent(pictureTime: picture, soundTime: pop.time)))
        }

        if !flashes.isEmpty, !beeps.isEmpty {
            // Flashes once a second or more apart: pair within half the spacing, at most 0.5 s.
            let spacing = zip(flashes.dropFirst(), flashes).map { $0.time - $1.time }.min() ?? 1
            let pairs = pairFlashes(flashes.map(\.time), withBeeps: beeps.map(\.time), maximumDistance: min(0.5, spacing / 2))
            if !pairs.isEmpty {
                return .flashBeep(pairs, OffsetTrend(pairs, minimumChange: max(0.010, frame / 4)))
            }
        }

        let estimate = estimateContentOffset(pictures: pictures.events.map(\.time), sounds: sounds.onsets.map(\.time),
                                             frameDuration: frame)
        guard options.lips else { return .content(estimate, lips: nil) }
        var lipEstimate = lips.estimate(frameDuration: frame)
        if case .failure(.noFace) = lipEstimate, let reason = MouthAnalyzer.unavailableReason { lipEstimate = .failure(.unavailable(reason)) }
        return .content(estimate, lips: lipEstimate)
    }
}

/// What the measurement found.
enum SyncMeasurement {
    case twoPop(TwoPop)
    case flashBeep([SyncEvent], OffsetTrend)
    /// Picture changes against sound onsets, and the lips against the speech (nil when lip sync is off).
    case content(ContentEstimate, lips: Result<LipSyncEstimate, LipSyncUnmeasured>?)

    /// The offset, when it can be trusted (a test signal, or content at `minimumConfidence`).
    func trusted(minimumConfidence: Double) -> Double? {
        switch self {
        case .twoPop(let p): return p.event.offset
        case .flashBeep(_, let trend): return trend.offset
        case .content(let e, let lips):
            if let lip = try? lips?.get(), lip.confidence >= minimumConfidence, lip.confidence > e.confidence { return lip.offset }
            return e.confidence >= minimumConfidence ? e.offset : nil
        }
    }
}

struct TwoPop {
    var popSound: Double
    /// Where the pop belongs: 2 s at the nominal rate before first frame of action.
    var popFrame: Int64
    var popFrameTime: Double
    var ffoaFrame: Int64
    var flashFrame: Int64?
    var event: SyncEvent
}
