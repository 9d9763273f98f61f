import GreenlightMedia
import GreenlightCore
import GreenlightValues

/// Watches one audio stream's timeline and, when something reads sound, copies its decoded
/// samples into ``AudioSampleBlock``s placed at their exact time (the ``AudioEnvelopeAnalyzer``
/// and the sound analyzers read those blocks).
///
/// A stream is cut into *segments* of contiguous samples in one format. A new segment starts
/// when the rate, the channel count or the layout changes (``Event/formatChange``) and when the
/// packets' timestamps move away from the decoded sample count by more than
/// ``AudioSegmenter/gapTolerance`` (``Event/gap``): the samples after a gap are then placed
/// where their timestamps say, not where counting would put them.
final class AudioSegmenter {
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
    /// True when something reads the sound (envelopes, full-rate samples, a sound analyzer): each
    /// buffer is copied into an ``AudioSampleBlock``. Else the timeline is still watched.
    let computesSamples: Bool
    /// Sample blocks made since the caller last took them (``takeSamples()``).
    private var samplesOut: [AudioSampleBlock] = []
    /// The last block made, held until the next one says whether it ends its segment.
    private var lastBlock: AudioSampleBlock?
    private var format: AudioFormat?
    /// Which segment the samples belong to (0 for the first).
    private(set) var segment = -1
    /// Where the current segment starts, from the programme's first frame.
    private var segmentStart: MediaTime = .zero
    private var segmentSamples: Int64 = 0

    init(streamIndex: Int, computesSamples: Bool) {
        self.streamIndex = streamIndex
        self.computesSamples = computesSamples
    }

    /// The full-rate blocks made by the calls since the last take, in time order.
    func takeSamples() -> [AudioSampleBlock] {
        defer { samplesOut = [] }
        return samplesOut
    }

    /// Where the sound this segmenter still holds starts (a buffer waiting to be told from
    /// jitter, or the block waiting to know whether it ends its segment), from the programme's
    /// first frame; nil when it holds none.
    var heldStart: MediaTime? {
        [pending?.stamped, lastBlock?.start].compactMap { $0 }.min()
    }

    /// The end of the last sample seen, from the programme's first frame.
    var end: MediaTime? {
        format.map { segmentStart + MediaTime(value: segmentSamples, timescale: Int64(max($0.sampleRate, 1))) }
    }

    /// Adds one buffer; returns what happened to the stream's timeline on the way (the sample
    /// blocks it completes wait in ``takeSamples()``).
    func add(_ buffer: AudioChunk, origin: MediaTime) -> [Event] {
        var events: [Event] = []
        let stamped = buffer.isStamped ? buffer.time - origin : nil
        let incoming = buffer.format
        if let held = pending {
            pending = nil
            let heldEnd = held.stamped + MediaTime(value: Int64(held.count), timescale: Int64(max(held.format.sampleRate, 1)))
            let confirmed = stamped.map { abs($0 - heldEnd) <= Self.gapTolerance } ?? false
            release(held, believed: confirmed, &events)
        }
        if let stamped, let expected = end, format != nil, abs(stamped - expected) > Self.gapTolerance {
            // Hold it: only the next buffer can tell a gap from jitter.
            pending = Pending(stamped: stamped, format: incoming, samples: buffer.channels, count: buffer.sampleCount)
            return events
        }
        place(incoming, stamped: stamped, &events)
        if computesSamples {
            append(count: buffer.sampleCount, buffer.channels)
        } else {
            segmentSamples += Int64(buffer.sampleCount)
        }
        return events
    }

    /// Folds a held buffer: where its stamp says when the stamp is `believed` (a gap), else where
    /// the count puts it (jitter).
    private func release(_ held: Pending, believed: Bool, _ events: inout [Event]) {
        place(held.format, stamped: believed ? held.stamped : nil, &events)
        if computesSamples {
            append(count: held.count, held.samples)
        } else {
            segmentSamples += Int64(held.count)
        }
    }

    /// Starts a segment when the samples about to be folded do not continue the current one:
    /// they are stamped away from the count (a gap) or come in another layout or rate.
    private func place(_ incoming: AudioFormat, stamped: MediaTime?, _ events: inout [Event]) {
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
            endSegment()
            startSegment(incoming, at: restartAt)
        }
        format = incoming
    }

    /// Ends the stream: places a buffer still held (a lone stray stamp is believed when it is far
    /// off, over 100 ms, else taken for jitter) and lets the last block go, marked as the end of
    /// its segment.
    func finish() -> [Event] {
        var events: [Event] = []
        if let held = pending, let expected = end {
            release(held, believed: abs(held.stamped - expected) > MediaTime(value: 1, timescale: 10), &events)
        }
        pending = nil
        endSegment()
        return events
    }

    private static func sameLayout(_ a: AudioFormat, _ b: AudioFormat) -> Bool {
        a.sampleRate == b.sampleRate && a.channelCount == b.channelCount && a.layout == b.layout
    }

    private func startSegment(_ format: AudioFormat, at start: MediaTime) {
        segment += 1
        segmentStart = start
        segmentSamples = 0
    }

    /// Lets the held block go, marked as the last of its segment.
    private func endSegment() {
        guard var last = lastBlock else { return }
        last.endsSegment = true
        samplesOut.append(last)
        lastBlock = nil
    }

    /// Makes the block of `count` samples that continues the current segment; the one before it
    /// goes out (it did not end its segment).
    private func append(count: Int, _ channels: [[Float]]) {
        guard let f = format, count > 0 else { return }
        if let last = lastBlock { samplesOut.append(last) }
        lastBlock = AudioSampleBlock(streamIndex: streamIndex, format: f, segment: segment, firstSample: segmentSamples,
                                     segmentStart: segmentStart, channels: channels)
        segmentSamples += Int64(count)
    }
}

private func abs(_ t: MediaTime) -> MediaTime { t < .zero ? MediaTime(value: -t.value, timescale: t.timescale) : t }
