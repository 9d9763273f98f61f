import GreenlightValues

/// Decoded sound owned past its callback: one buffer of one stream, float planar.
public struct AudioChunk: Sendable {
    public let streamIndex: Int
    public let format: AudioFormat
    /// Presentation time of the first sample: the stream's stamp, or where the previous chunk
    /// ended when the decoder gave none.
    public let time: MediaTime
    /// Whether ``time`` is the stream's own stamp (false: counted on from the previous chunk).
    public let isStamped: Bool
    /// `channels[c][i]`: sample `i` of channel `c`.
    public let channels: [[Float]]

    public var sampleCount: Int { channels.first?.count ?? 0 }

    /// The chunk without its first `count` samples (it starts that much later).
    public func dropping(first count: Int) -> AudioChunk {
        let n = min(max(0, count), sampleCount)
        return AudioChunk(streamIndex: streamIndex, format: format,
                          time: time + MediaTime(value: Int64(n), timescale: Int64(max(format.sampleRate, 1))),
                          isStamped: isStamped, channels: channels.map { Array($0[n...]) })
    }

    public var end: MediaTime { time + MediaTime(value: Int64(sampleCount), timescale: Int64(max(format.sampleRate, 1))) }
}

/// Reads a file's streams merged by presentation time, one item per pull, so that a caller can
/// read two files side by side (``next()`` on each in turn).
///
/// Items of every picture and sound stream come out in order of their start time; subtitle events,
/// which are sparse, come out once every other stream has reached their start. ``watermark`` says
/// how far the merge is complete: every item that starts before it has been handed out. Times are
/// the streams' own (absolute) presentation times; ``origin`` is the programme's time zero.
///
/// Streams of a badly interleaved file (all sound after all pictures) or a stream that stops early
/// would make the merge hold the whole file; the queues are bounded (``pictureLimit`` pictures,
/// 16 times as many sound buffers), and past that the earliest queued item goes out even though a
/// stream with nothing queued might still hold earlier items: ``watermark`` never claims more
/// than is true.
public final class OrderedReader {
    public enum Item {
        case video(RetainedVideoFrame)
        case audio(AudioChunk)
        case subtitle(SubtitleEvent)

        /// The item's presentation start.
        public var time: MediaTime {
            switch self {
            case .video(let f): return f.time
            case .audio(let a): return a.time
            case .subtitle(let s): return s.start
            }
        }
    }

    public let reader: MediaReader
    /// The programme's time zero (the first picture's presentation time).
    public var origin: MediaTime { reader.origin }
    /// Everything that starts before this time has been handed out (nil before the first pull).
    public private(set) var watermark: MediaTime?
    /// Most pictures held while waiting for another stream (each holds a decoded picture).
    public let pictureLimit: Int

    /// Streams that give pictures or sound, which the merge waits for.
    private let dense: [Int]
    /// Per stream, the items read and not yet handed out, each in a box that hands it on
    /// (`sending`: an item handed out shares nothing with the reader).
    private var queues: [Int: [(time: MediaTime, item: Handoff<Item>)]] = [:]
    private var lastEnd: [Int: MediaTime] = [:]
    private var subtitles: [SubtitleEvent] = []
    private var ended = false

    public init(file: MediaFile, selection: ReadSelection = ReadSelection(), pictureLimit: Int = 16) throws(MediaError) {
        reader = try MediaReader(file: file, selection: selection)
        dense = (reader.videoStream.map { [$0.index] } ?? []) + reader.audioStreams.map(\.index)
        self.pictureLimit = max(1, pictureLimit)
        for s in dense { queues[s] = [] }
    }

    /// The earliest item not yet handed out, or nil at the end of the file.
    /// - Throws: what a decoder callback threw; read errors end the file and are in `reader.outcome`.
    public func next() throws -> sending Item? {
        while !ended && !ready { try fill() }
        let head = dense.filter { !(queues[$0]?.isEmpty ?? true) }.min { queues[$0]![0].time < queues[$1]![0].time }
        let headTime = head.map { queues[$0]![0].time }
        if let first = subtitles.first, headTime.map({ first.start <= $0 }) ?? true {
            subtitles.removeFirst()
            advanceWatermark()
            return .subtitle(first)
        }
        guard let head else { return nil }
        let box = queues[head]!.removeFirst().item
        advanceWatermark()
        return box.take()
    }

    /// True when every stream that can still give items has one queued (the earliest is known),
    /// or one stream's queue is full.
    private var ready: Bool {
        var allQueued = true
        for s in dense {
            let n = queues[s]!.count
            if n >= (s == reader.videoStream?.index ? pictureLimit : pictureLimit * 16) { return true }
            if n == 0 { allQueued = false }
        }
        return allQueued && !dense.isEmpty
    }

    private func fill() throws {
        let more = try reader.step(
            video: { frame in
                guard let kept = frame.retained(), let stream = reader.videoStream?.index else { return }
                lastEnd[stream] = frame.time + (frame.duration ?? .zero)
                queues[stream, default: []].append((frame.time, Handoff(.video(kept))))
            },
            audio: { buffer in
                let start = buffer.time ?? lastEnd[buffer.streamIndex] ?? origin
                let chunk = AudioChunk(streamIndex: buffer.streamIndex, format: buffer.format, time: start, isStamped: buffer.time != nil,
                                       channels: (0..<buffer.channelCount).map { Array(buffer.channel($0)) })
                lastEnd[buffer.streamIndex] = chunk.end
                queues[buffer.streamIndex, default: []].append((chunk.time, Handoff(.audio(chunk))))
            },
            subtitle: { event in
                let at = subtitles.firstIndex { $0.start > event.start } ?? subtitles.endIndex
                subtitles.insert(event, at: at)
            })
        if !more { ended = true }
    }

    /// Everything before the earliest item still queued has gone out. A stream with nothing
    /// queued bounds it by where its last item ended (it may give more from there), one that has
    /// given nothing yet holds it where it is; after the end of the file, everything has gone out.
    private func advanceWatermark() {
        var bound: MediaTime?
        func lower(_ t: MediaTime) { bound = bound.map { min($0, t) } ?? t }
        for s in dense {
            if let head = queues[s]!.first {
                lower(head.time)
            } else if !ended {
                guard let end = lastEnd[s] else { return }
                lower(end)
            }
        }
        if let first = subtitles.first { lower(first.start) }
        if bound == nil { bound = lastEnd.values.max() }  // all delivered
        guard let bound else { return }
        if watermark.map({ bound > $0 }) ?? true { watermark = bound }
    }
}

/// A reference file's pictures, looked up by programme time (its time from its own first
/// picture): ``picture(at:)`` steps through the reference, decoding only its pictures and holding
/// at most two.
public final class ReferenceTrack {
    public let reader: OrderedReader
    /// The reference picture that started last at or before the time asked for.
    private var current: RetainedVideoFrame?
    /// The reference picture after ``current``, read to know where ``current`` ends.
    private var upcoming: RetainedVideoFrame?
    private var ended = false

    public init(file: MediaFile) throws(MediaError) {
        reader = try OrderedReader(file: file, selection: ReadSelection(video: true, audio: false, subtitles: false))
    }

    /// The reference picture shown at programme time `t` (nil before its start, after its end or
    /// in a gap), as a reference of its own the caller may send to another thread. Times asked
    /// for must not go backwards.
    public func picture(at t: MediaTime) throws -> sending RetainedVideoFrame? {
        // Step the reference until its next picture starts after t.
        while !ended, upcoming.map({ $0.time - reader.origin <= t }) ?? true {
            if let up = upcoming { current = up; upcoming = nil }
            switch try reader.next() {
            case .video(let f)?: upcoming = f
            case nil: ended = true
            default: continue
            }
        }
        if ended, let up = upcoming, up.time - reader.origin <= t { current = up; upcoming = nil }
        guard let shown = current else { return nil }
        let start = shown.time - reader.origin
        // A picture is shown for its duration, or until the next one when it declares none.
        let end = shown.duration.map { start + $0 } ?? upcoming.map { $0.time - reader.origin } ?? start
        return start <= t && t < end ? shown.retainedAgain() : nil
    }
}

/// Reads a file and a reference side by side, matched by programme time (each file's time from
/// its own first picture, so a transport stream that starts at 11.4 s lines up with a QuickTime
/// file that starts at 0): every item of the main file comes out in time order, each picture
/// with the reference picture shown at the same programme time (nil where the reference has none:
/// before its start, after its end or in a gap).
///
/// Only the reference's pictures are decoded, and at most two of them are held.
public final class LockStepReader {
    public let main: OrderedReader
    public let track: ReferenceTrack
    public var reference: OrderedReader { track.reader }

    public init(main: MediaFile, reference: MediaFile) throws(MediaError) {
        self.main = try OrderedReader(file: main)
        track = try ReferenceTrack(file: reference)
    }

    /// The main file's next item, with the reference picture for it when it is a picture.
    public func next() throws -> (item: OrderedReader.Item, reference: RetainedVideoFrame?)? {
        guard let item = try main.next() else { return nil }
        guard case .video(let frame) = item else { return (item, nil) }
        return (item, try track.picture(at: frame.time - main.origin))
    }
}
