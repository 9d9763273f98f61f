import GreenlightMedia
import GreenlightCore
import GreenlightValues

/// Folds one audio stream's decoded samples into 1 ms envelope windows (per-channel mean
/// square and peak), aligned to the first sample of each contiguous run whatever the decoder's
/// frame size, and watches the stream's timeline while it does.
///
/// A stream is cut into *segments* of contiguous samples in one format. A new segment starts
/// when the rate, the channel count or the layout changes (``Event/formatChange``) and when the
/// packets' timestamps move away from the decoded sample count by more than
/// ``AudioEnvelopeBuilder/gapTolerance`` (``Event/gap``): the samples after a gap are then placed
/// where their timestamps say, not where counting would put them.
final class AudioEnvelopeBuilder {
    /// How far a buffer's timestamp may stray from where the sample count puts it before it is a
    /// gap (or an overlap): a few milliseconds absorbs millisecond-rounded container timestamps.
    static let gapTolerance = MediaTime(value: 10, timescale: 1000)

    /// A buffer whose timestamp strayed, held (copied) until the next one says whether the
    /// stream really moved (a gap: the next timestamp agrees with this one) or the stamp was
    /// jitter (the next agrees with the count again, as Vorbis in WebM does by ±11 ms).
    private struct Pending {
        var stamped: MediaTime
        var format: AudioFormat
        var samples: [[Float]]
        var count: Int
    }
    private var pending: Pending?

    enum Event {
        /// The samples after `at` have another rate, channel count or layout.
        case formatChange(from: AudioFormat, to: AudioFormat, at: MediaTime)
        /// The timestamps say the sound continues at `actual`, the count said `expected`.
        case gap(expected: MediaTime, actual: MediaTime)
    }

    let streamIndex: Int
    /// False when no checker reads envelopes: the timeline is still watched, nothing is summed.
    let computesEnvelope: Bool
    /// True when a checker reads full-rate samples: each buffer is copied into an ``AudioSampleBlock``.
    let computesSamples: Bool
    /// Sample blocks made since the caller last took them (``takeSamples()``).
    private var samplesOut: [AudioSampleBlock] = []
    private var format: AudioFormat?
    /// Which segment the samples belong to (0 for the first).
    private(set) var segment = -1
    /// Where the current segment starts, from the programme's first frame.
    private var segmentStart: MediaTime = .zero
    private var segmentSamples: Int64 = 0
    private var windowSamples = 48
    private var windowIndex: Int64 = 0
    private var filled = 0
    private var partialSquares: [Double] = []
    private var partialPeaks: [Float] = []

    init(streamIndex: Int, computesEnvelope: Bool = true, computesSamples: Bool = false) {
        self.streamIndex = streamIndex
        self.computesEnvelope = computesEnvelope
        self.computesSamples = computesSamples
    }

    /// The full-rate blocks made by the calls since the last take, in time order.
    func takeSamples() -> [AudioSampleBlock] {
        defer { samplesOut = [] }
        return samplesOut
    }

    /// The end of the last sample seen, from the programme's first frame.
    var end: MediaTime? {
        format.map { segmentStart + MediaTime(value: segmentSamples, timescale: Int64(max($0.sampleRate, 1))) }
    }

    /// Adds one buffer; returns the envelope windows it completed (a block per segment touched)
    /// and what happened to the stream's timeline on the way.
    func add(_ buffer: borrowing AudioBuffer, origin: MediaTime) -> (blocks: [AudioEnvelopeBlock], events: [Event]) {
        var blocks: [AudioEnvelopeBlock] = []
        var events: [Event] = []
        let stamped = buffer.time.map { $0 - origin }
        let incoming = buffer.format
        if let held = pending {
            pending = nil
            let heldEnd = held.stamped + MediaTime(value: Int64(held.count), timescale: Int64(max(held.format.sampleRate, 1)))
            let confirmed = stamped.map { abs($0 - heldEnd) <= Self.gapTolerance } ?? false
            release(held, believed: confirmed, &blocks, &events)
        }
        if let stamped, let expected = end, format != nil, abs(stamped - expected) > Self.gapTolerance {
            // Hold it: only the next buffer can tell a gap from jitter.
            let samples = (0..<buffer.channelCount).map { Array(buffer.channel($0)) }
            pending = Pending(stamped: stamped, format: incoming, samples: samples, count: buffer.sampleCount)
            return (blocks, events)
        }
        place(incoming, stamped: stamped, &blocks, &events)
        let block = fold(count: buffer.sampleCount, channels: buffer.channelCount) { c, body in body(buffer.channel(c)) }
        if let block { blocks.append(block) }
        return (blocks, events)
    }

    /// Folds a held buffer: where its stamp says when the stamp is `believed` (a gap), else where
    /// the count puts it (jitter).
    private func release(_ held: Pending, believed: Bool, _ blocks: inout [AudioEnvelopeBlock], _ events: inout [Event]) {
        place(held.format, stamped: believed ? held.stamped : nil, &blocks, &events)
        let block = fold(count: held.count, channels: held.format.channelCount) { c, body in held.samples[c].withUnsafeBufferPointer(body) }
        if let block { blocks.append(block) }
    }

    /// Starts a segment when the samples about to be folded do not continue the current one:
    /// they are stamped away from the count (a gap) or come in another layout or rate.
    private func place(_ incoming: AudioFormat, stamped: MediaTime?, _ blocks: inout [AudioEnvelopeBlock], _ events: inout [Event]) {
        guard let current = format, let expected = end else {
            startSegment(incoming, at: stamped ?? .zero)
            format = incoming
            return
        }
        var restartAt: MediaTime?
        if let stamped, abs(stamped - expected) > Self.gapTolerance {
            events.append(.gap(expected: expected, actual: stamped))
            restartAt = stamped
        }
        if !Self.sameLayout(current, incoming) {
            events.append(.formatChange(from: current, to: incoming, at: stamped ?? expected))
            restartAt = restartAt ?? stamped ?? expected
        }
        if let restartAt {
            if let tail = flush() { blocks.append(tail) }
            startSegment(incoming, at: restartAt)
        }
        format = incoming
    }

    /// Ends the stream: places a buffer still held (a lone stray stamp is believed when it is far
    /// off, over 100 ms, else taken for jitter) and returns the last, short window.
    func finish() -> (blocks: [AudioEnvelopeBlock], events: [Event]) {
        var blocks: [AudioEnvelopeBlock] = [], events: [Event] = []
        if let held = pending, let expected = end {
            release(held, believed: abs(held.stamped - expected) > MediaTime(value: 1, timescale: 10), &blocks, &events)
        }
        pending = nil
        if let tail = flush() { blocks.append(tail) }
        return (blocks, events)
    }

    private static func sameLayout(_ a: AudioFormat, _ b: AudioFormat) -> Bool {
        a.sampleRate == b.sampleRate && a.channelCount == b.channelCount && a.layout == b.layout
    }

    private func startSegment(_ format: AudioFormat, at start: MediaTime) {
        segment += 1
        segmentStart = start
        segmentSamples = 0
        windowSamples = max(1, (format.sampleRate + 500) / 1000)
        windowIndex = 0
        filled = 0
        partialSquares = Array(repeating: 0, count: format.channelCount)
        partialPeaks = Array(repeating: 0, count: format.channelCount)
    }

    /// Folds `n` samples of each channel into windows; `withChannel(c, body)` hands channel `c`'s
    /// samples to `body`.
    private func fold(count n: Int, channels: Int,
                      _ withChannel: (Int, (UnsafeBufferPointer<Float>) -> Void) -> Void) -> AudioEnvelopeBlock? {
        if computesSamples, let f = format, n > 0 {
            var copies: [[Float]] = []
            copies.reserveCapacity(channels)
            for c in 0..<channels { withChannel(c) { copies.append(Array($0.prefix(n))) } }
            samplesOut.append(AudioSampleBlock(streamIndex: streamIndex, format: f, segment: segment, firstSample: segmentSamples,
                                               segmentStart: segmentStart, channels: copies))
        }
        segmentSamples += Int64(n)
        let completed = (filled + n) / windowSamples
        guard computesEnvelope else {
            windowIndex += Int64(completed)
            filled = (filled + n) % windowSamples
            return nil
        }
        var meanSquare = [Float](repeating: 0, count: completed * channels)
        var peak = [Float](repeating: 0, count: completed * channels)
        let w = windowSamples
        for c in 0..<channels {
            withChannel(c) { samples in
                var pos = filled
                var acc = partialSquares[c]
                var pk = partialPeaks[c]
                var out = 0
                for s in 0..<n {
                    let x = samples[s]
                    acc += Double(x * x)
                    pk = max(pk, abs(x))
                    pos += 1
                    if pos == w {
                        meanSquare[out * channels + c] = Float(acc / Double(w))
                        peak[out * channels + c] = pk
                        out += 1
                        pos = 0
                        acc = 0
                        pk = 0
                    }
                }
                partialSquares[c] = acc
                partialPeaks[c] = pk
            }
        }
        let first = windowIndex
        windowIndex += Int64(completed)
        filled = (filled + n) % windowSamples
        guard completed > 0 else { return nil }
        return block(firstWindow: first, count: completed, meanSquare: meanSquare, peak: peak, lastWindowSamples: w)
    }

    private func block(firstWindow: Int64, count: Int, meanSquare: [Float], peak: [Float], lastWindowSamples: Int) -> AudioEnvelopeBlock {
        let f = format!
        return AudioEnvelopeBlock(streamIndex: streamIndex, sampleRate: f.sampleRate, channelCount: f.channelCount,
                                  channelNames: f.channelNames, segment: segment, windowSamples: windowSamples,
                                  firstWindow: firstWindow, windowCount: count, streamStart: segmentStart,
                                  meanSquare: meanSquare, peak: peak, lastWindowSamples: lastWindowSamples)
    }

    /// The current segment's last, short window, if samples are left in it.
    private func flush() -> AudioEnvelopeBlock? {
        guard computesEnvelope, filled > 0, format != nil else { filled = 0; return nil }
        let meanSquare = partialSquares.map { Float($0 / Double(filled)) }
        let out = block(firstWindow: windowIndex, count: 1, meanSquare: meanSquare, peak: partialPeaks, lastWindowSamples: filled)
        windowIndex += 1
        filled = 0
        for c in partialSquares.indices { partialSquares[c] = 0; partialPeaks[c] = 0 }
        return out
    }
}

private func abs(_ t: MediaTime) -> MediaTime { t < .zero ? MediaTime(value: -t.value, timescale: t.timescale) : t }
