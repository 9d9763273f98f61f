import Foundation
import GreenlightCore
import GreenlightValues

/// Finds silence per channel and across all channels of each audio stream, located to 1 ms.
public final class SilenceChecker: Checker {
    public static let description = CheckerDescription(
        id: "silence",
        title: "Silence",
        catches: "Runs of digital silence or near-silence (RMS over 1 ms windows at or below -60 dBFS) lasting at least 2 s, on all channels of a stream together or on one channel while the others carry sound. Located to 1 ms.",
        why: "A dropout across the mix is dead air; one silent channel is a lost feed, a bad patch or a mis-mapped track. Head and tail silence is usually intended padding.",
        defaultSeverity: .warning,
        codes: ["silence.segment"],
        options: optionSpecs)
    public static let features: FeatureSet = [.audioEnvelope]

    /// One run of silent windows, in samples from the stream's first sample.
    private struct Run {
        var start: Int64
        var end: Int64
        var maxMeanSquare: Float
        var maxPeak: Float
    }

    /// Run tracking for one channel, or (channel == nil) for all channels together.
    private struct Track {
        var open: Run?
        var closed: [Run] = []

        mutating func step(silent: Bool, start: Int64, end: Int64, meanSquare: Float, peak: Float) {
            if silent {
                if var r = open {
                    r.end = end
                    r.maxMeanSquare = max(r.maxMeanSquare, meanSquare)
                    r.maxPeak = max(r.maxPeak, peak)
                    open = r
                } else {
                    open = Run(start: start, end: end, maxMeanSquare: meanSquare, maxPeak: peak)
                }
            } else if let r = open {
                closed.append(r)
                open = nil
            }
        }

        mutating func close() -> [Run] {
            if let r = open { closed.append(r); open = nil }
            return closed
        }
    }

    /// A closed run placed in time, with the channel it is about.
    private struct Span {
        var start: MediaTime
        var end: MediaTime
        var maxMeanSquare: Float
        var maxPeak: Float
        var channel: String
    }

    /// One stream: the tracks of its current segment (contiguous samples in one layout) and the
    /// spans closed so far. A new segment (layout change, timestamp gap) closes every open run.
    private struct StreamState {
        var segment: Int
        var segmentStart: MediaTime
        var sampleRate: Int
        var names: [String]
        var channels: [Track]
        var mix = Track()
        /// The stream's first sample: where its head is.
        var firstSample: MediaTime
        var mixSpans: [Span] = []
        var channelSpans: [Span] = []
        var seconds = 0.0
        var position: Int64 = 0

        init(_ block: AudioEnvelopeBlock) {
            segment = block.segment
            segmentStart = block.streamStart
            sampleRate = block.sampleRate
            names = []
            channels = []
            firstSample = block.streamStart
            startSegment(block)
        }

        /// Takes on the layout and start of `block`'s segment with fresh tracks; spans stay.
        mutating func startSegment(_ block: AudioEnvelopeBlock) {
            segment = block.segment
            segmentStart = block.streamStart
            sampleRate = block.sampleRate
            names = (0..<block.channelCount).map { c in block.channelNames.flatMap { c < $0.count ? $0[c] : nil } ?? "channel \(c + 1)" }
            channels = Array(repeating: Track(), count: block.channelCount)
            mix = Track()
            position = 0
        }

        /// Closes the segment's open runs into spans.
        mutating func closeSegment() {
            let rate = Int64(sampleRate)
            func span(_ r: Run, _ channel: String) -> Span {
                Span(start: segmentStart + MediaTime(value: r.start, timescale: rate), end: segmentStart + MediaTime(value: r.end, timescale: rate),
                     maxMeanSquare: r.maxMeanSquare, maxPeak: r.maxPeak, channel: channel)
            }
            let mixLabel = names.count == 1 ? names[0] : "all channels"
            mixSpans += mix.close().map { span($0, mixLabel) }
            if names.count > 1 {
                for c in channels.indices { channelSpans += channels[c].close().map { span($0, names[c]) } }
            }
            seconds += Double(position) / Double(rate)
        }
    }

    private let options: Options
    private let context: CheckContext
    private let limit: Float
    private var streams: [Int: StreamState] = [:]
    /// Each stream's level (its loudest channel, dBFS RMS) over time, for the report's plot.
    private var levels: [Int: SeriesBuilder] = [:]

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
        let amplitude = pow(10, options.threshold / 20)
        limit = Float(amplitude * amplitude)
    }

    public func consume(audio block: AudioEnvelopeBlock) {
        let n = block.channelCount
        guard n > 0 else { return }
        var s = streams[block.streamIndex] ?? StreamState(block)
        if s.segment != block.segment {
            s.closeSegment()
            s.startSegment(block)
        }
        var position = block.firstWindow * Int64(block.windowSamples)
        var level = levels[block.streamIndex] ?? SeriesBuilder(span: Double(block.windowSamples) / Double(max(1, block.sampleRate)))
        defer { levels[block.streamIndex] = level }
        for w in 0..<block.windowCount {
            let end = position + Int64(block.sampleCount(ofWindow: w))
            var allSilent = true
            var loudest: Float = 0, peak: Float = 0
            for c in 0..<n {
                let ms = block.meanSquare[w * n + c], pk = block.peak[w * n + c]
                let silent = ms <= limit
                allSilent = allSilent && silent
                loudest = max(loudest, ms)
                peak = max(peak, pk)
                s.channels[c].step(silent: silent, start: position, end: end, meanSquare: ms, peak: pk)
            }
            s.mix.step(silent: allSilent, start: position, end: end, meanSquare: loudest, peak: peak)
            level.add(max(-100, 10 * log10(Double(loudest))), at: (s.segmentStart + MediaTime(value: position, timescale: Int64(s.sampleRate))).seconds)
            position = end
        }
        s.position = position
        streams[block.streamIndex] = s
    }

    public var openSince: MediaTime? {
        streams.values.compactMap { s in
            let starts = ([s.mix] + s.channels).compactMap { $0.open?.start }
            return starts.min().map { s.segmentStart + MediaTime(value: $0, timescale: Int64(s.sampleRate)) }
        }.min()
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        var findings: [Finding] = []
        var summary: [String: SummaryValue] = [:]
        var silentSeconds = 0.0
        let minimum = options.minDuration.time(frameRate: context.frameRate)
        // Lossy codecs ring for a few ms after a cut, so channels fall silent a little apart: a
        // channel run that a silence of every channel covers to within 20 ms is that silence.
        let slack = MediaTime(value: 1, timescale: 50)
        for index in streams.keys.sorted() {
            var s = streams[index]!
            s.closeSegment()
            // Durations to within the stream's granularity: one coded frame (a 2 s dropout in
            // AAC decodes as 1.994 s), or the 1 ms envelope window for PCM.
            let granularity = context.audioStreams.first { $0.index == index }?.frameSize
                .map { MediaTime(value: Int64($0), timescale: Int64(max(1, s.sampleRate))) } ?? MediaTime(value: 1, timescale: 1000)
            let minimum = max(minimum - granularity, MediaTime(value: 1, timescale: 1000))
            let mixSpans = s.mixSpans.filter { $0.end - $0.start >= minimum }
            for r in mixSpans {
                findings.append(finding(r, s, stream: index, streamEnd: end.audioEnds[index], allChannels: true))
                silentSeconds += (r.end - r.start).seconds
            }
            for r in s.channelSpans where r.end - r.start >= minimum {
                if mixSpans.contains(where: { $0.start <= r.start + slack && $0.end + slack >= r.end }) { continue }
                findings.append(finding(r, s, stream: index, streamEnd: end.audioEnds[index], allChannels: false))
            }
            summary["stream\(index)Seconds"] = .number(s.seconds)
        }
        summary["segments"] = .integer(Int64(findings.count))
        summary["silentSeconds"] = .number(silentSeconds)
        summary["thresholdDBFS"] = .number(options.threshold)
        let series = levels.keys.sorted().map { index in
            Series(id: "silence.level.\(index)", checker: Self.description.id, title: "Sound level, stream \(index) (loudest channel)",
                   unit: "dBFS", stream: index, points: levels[index]!.points,
                   guides: [Series.Guide(value: options.threshold, label: "silence threshold")], shade: [Self.description.id], lower: -100, upper: 0)
        }
        return CheckerResult(findings: findings, summary: summary, series: series)
    }

    private func finding(_ r: Span, _ s: StreamState, stream: Int, streamEnd: MediaTime?, allChannels: Bool) -> Finding {
        let start = r.start, end = r.end, channel = r.channel
        let lfe = !allChannels && channel.hasPrefix("LFE")
        let where_ = placement(start: start, end: end, programmeStart: s.firstSample, programmeEnd: streamEnd)
        let seconds = (end - start).seconds
        let level = 10 * log10(Double(max(r.maxMeanSquare, 1e-20)))
        let levelText = r.maxMeanSquare == 0 ? "digital silence" : "at most \(formatNumber(level, decimals: 1)) dBFS"
        let subject = allChannels ? (channel == "all channels" ? "Silence on all channels of stream \(stream)" : "Silence on stream \(stream) (\(channel))")
                                  : "Channel \(channel) of stream \(stream) silent while the others carry sound"
        let length = formatSeconds(seconds)
        let when: String
        switch where_ {
        case .head: when = "for \(length) at the head"
        case .tail: when = "for \(length) at the tail from \(context.label(start))"
        case .whole: when = "for the whole programme (\(length))"
        case .programme: when = "for \(length) mid-programme from \(context.label(start))"
        }
        // LFE is often legitimately empty; one silent channel elsewhere, or the mix mid-programme, is a problem.
        let severity: Severity = lfe ? .info : edgeAware(where_)
        return context.finding(
            checker: Self.description.id, code: "silence.segment", severity: severity, placement: where_,
            start: start, end: end,
            message: "\(subject) \(when) (\(levelText))",
            measurements: ["seconds": seconds, "maxLevelDBFS": max(level, -200),
                           "maxPeakDBFS": max(20 * log10(Double(max(r.maxPeak, 1e-10))), -200)],
            stream: stream, channel: channel)
    }
}
