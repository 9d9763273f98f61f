internal import CFFmpeg
import Foundation
import GreenlightValues
import GreenlightSubtitles

/// Which streams to decode in a ``MediaReader`` pass.
public struct ReadSelection: Sendable, Hashable {
    public var video: Bool
    public var audio: Bool
    public var subtitles: Bool
    /// Decoder threads for video (0: one per core).
    public var threads: Int

    public init(video: Bool = true, audio: Bool = true, subtitles: Bool = true, threads: Int = 0) {
        self.video = video
        self.audio = audio
        self.subtitles = subtitles
        self.threads = threads
    }
}

/// What one pass over a file found out about the file itself.
public struct ReadOutcome: Sendable {
    /// Packets the decoders rejected as damaged; decoding carried on past them.
    public var decodeErrors = 0
    public var firstDecodeError: MediaError?
    /// Pictures the decoder produced but had to conceal damage in (missing references, broken slices).
    public var concealedFrames = 0
    /// Presentation times of the first and last damaged packet or concealed picture, when known.
    public var firstDamage: MediaTime?
    public var lastDamage: MediaTime?
    /// Set when reading stopped before the end of the file for a reason other than end of file.
    public var readError: MediaError?
}

/// Demuxes a file once and decodes the selected streams, handing each picture, block of sound
/// and subtitle to the caller as it is decoded. Memory does not grow with the file's length:
/// one reusable frame per decoder, and pictures are borrowed, not copied.
///
/// ```swift
/// let file = try MediaFile(path: "clip.mov")
/// let reader = try MediaReader(file: file, selection: ReadSelection(subtitles: false))
/// let outcome = try reader.run(
///     video: { frame in print(frame.time.seconds, frame.luma.width) },
///     audio: { buffer in print(buffer.sampleCount) },
///     subtitle: { _ in })
/// ```
public final class MediaReader {
    public let file: MediaFile
    /// The stream pictures come from, if any was selected.
    public let videoStream: StreamInfo?
    public let audioStreams: [StreamInfo]
    public let subtitleStreams: [StreamInfo]
    /// Audio streams that cannot be decoded at all, with the reason (0 channels declared, no
    /// decoder in this FFmpeg build); the rest of the file is still read.
    public let unreadableStreams: [(stream: StreamInfo, reason: String)]
    /// The programme's time zero: the first presentation time of the picture stream (or of the
    /// container when there is no picture). Reports count seconds, frames and timecode from here.
    public let origin: MediaTime

    private let video: StreamDecoder?
    private let audio: [Int: (StreamDecoder, AudioConverter)]
    private let subtitles: [Int: StreamDecoder]
    private let converter = LumaConverter()

    public init(file: MediaFile, selection: ReadSelection) throws(MediaError) {
        self.file = file
        let info = file.info
        var videoStream: StreamInfo?
        var video: StreamDecoder?
        if selection.video, let v = info.primaryVideo {
            video = try StreamDecoder(file: file, streamIndex: v.index, threads: selection.threads)
            videoStream = v
        }
        var audio: [Int: (StreamDecoder, AudioConverter)] = [:]
        var audioStreams: [StreamInfo] = []
        var unreadable: [(stream: StreamInfo, reason: String)] = []
        if selection.audio {
            for s in info.audioStreams {
                guard (s.channels ?? 0) > 0 else {
                    unreadable.append((s, "the stream declares \(s.channels ?? 0) channels"))
                    continue
                }
                do {
                    let d = try StreamDecoder(file: file, streamIndex: s.index, threads: 1)
                    audio[s.index] = (d, AudioConverter(path: file.path))
                    audioStreams.append(s)
                } catch {
                    unreadable.append((s, "\(error.message) (\(error.call))"))
                }
            }
        }
        self.unreadableStreams = unreadable
        var subtitles: [Int: StreamDecoder] = [:]
        var subtitleStreams: [StreamInfo] = []
        if selection.subtitles {
            for s in info.streams where s.type == .subtitle {
                // A subtitle codec this FFmpeg cannot decode is skipped, not fatal.
                if let d = try? StreamDecoder(file: file, streamIndex: s.index, threads: 1) {
                    subtitles[s.index] = d
                    subtitleStreams.append(s)
                }
            }
        }
        self.videoStream = videoStream
        self.video = video
        origin = file.origin
        self.audio = audio
        self.audioStreams = audioStreams
        self.subtitles = subtitles
        self.subtitleStreams = subtitleStreams
        for i in 0..<Int(file.context.pointee.nb_streams) {
            let used = i == video?.streamIndex || audio[i] != nil || subtitles[i] != nil
            file.stream(i).pointee.discard = used ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
    }

    /// Decodes to the end of the file (or the first unrecoverable read error, which is recorded in
    /// the outcome rather than thrown, so that what was decoded before it still counts).
    /// Errors thrown by a callback stop the pass and are rethrown.
    public func run(
        video onVideo: (borrowing VideoFrame) throws -> Void,
        audio onAudio: (borrowing AudioBuffer) throws -> Void,
        subtitle onSubtitle: (SubtitleEvent) throws -> Void
    ) throws -> ReadOutcome {
        while try step(video: onVideo, audio: onAudio, subtitle: onSubtitle) {}
        return outcome
    }

    /// What the reading found out so far about the file itself (complete once ``step(video:audio:subtitle:)``
    /// has returned false).
    public private(set) var outcome = ReadOutcome()
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var state = VideoState()
    private var finished = false

    /// Reads one packet and hands what its decoder gives to the callbacks (in decode order for
    /// that stream); at the end of the file, drains every decoder. The caller pulls the file step
    /// by step (``OrderedReader`` does, to merge streams by time and read two files side by side).
    /// - Returns: false once everything has been delivered.
    public func step(
        video onVideo: (borrowing VideoFrame) throws -> Void,
        audio onAudio: (borrowing AudioBuffer) throws -> Void,
        subtitle onSubtitle: (SubtitleEvent) throws -> Void
    ) throws -> Bool {
        guard !finished else { return false }
        if packet == nil {
            guard let p = av_packet_alloc() else {
                throw MediaError(code: cff_averror_enomem(), message: "out of memory", call: "av_packet_alloc", path: file.path)
            }
            packet = p
        }
        let packet = self.packet!
        let rc = av_read_frame(file.context, packet)
        if rc >= 0 {
            defer { av_packet_unref(packet) }
            let index = Int(packet.pointee.stream_index)
            if let v = self.video, v.streamIndex == index {
                try feed(v, packet, &outcome) { try deliverVideo(v, &state, &$0, onVideo) }
            } else if let (d, conv) = audio[index] {
                try feed(d, packet, &outcome) { try deliverAudio(d, conv, &$0, onAudio) }
            } else if let d = subtitles[index] {
                try decodeSubtitle(d, packet, &outcome, onSubtitle)
            }
            return true
        }
        if rc != cff_averror_eof() {
            outcome.readError = MediaError(ffmpeg: rc, call: "av_read_frame", path: file.path)
        }
        finished = true
        // Drain every decoder.
        if let v = self.video {
            try feed(v, nil, &outcome) { try deliverVideo(v, &state, &$0, onVideo) }
        }
        for (_, (d, conv)) in audio.sorted(by: { $0.key < $1.key }) {
            try feed(d, nil, &outcome) { try deliverAudio(d, conv, &$0, onAudio) }
            try conv.convert(nil) { count, _ in
                guard let format = conv.format else { return }
                try onAudio(AudioBuffer(streamIndex: d.streamIndex, format: format, sampleCount: count, time: nil, planes: conv.planes))
            }
        }
        return false
    }

    deinit {
        av_packet_free(&packet)
    }

    private struct VideoState {
        var ordinal: Int64 = 0
        var nextTime: MediaTime?
        var layout: LumaLayout?
    }

    /// How luma is read for one pixel format, worked out once per format rather than per frame.
    private struct LumaLayout {
        let format: Int32
        /// RGB, packed or shifted formats go through ``LumaConverter`` to planar YUV first.
        let needsConversion: Bool
        let isRGB: Bool
        let bytesPerSample: Int
        let bitDepth: Int
        /// The range to assume when the frame does not say: full for JPEG-style YUV and gray.
        let defaultRange: ColorRange

        init(format: Int32) {
            self.format = format
            var bytes: Int32 = 1, shift: Int32 = 0
            let depth = Int(cff_pix_fmt_depth(format))
            isRGB = cff_pix_fmt_is_rgb(format) != 0
            // Semi-planar chroma (NV12, P010) is interleaved in one plane: converted, so every
            // plane ``VideoFrame/plane(_:)`` hands out holds one component.
            needsConversion = cff_pix_fmt_luma_in_place(format, &bytes, &shift) == 0 || shift != 0
                || cff_pix_fmt_is_semiplanar(format) != 0
            // Converted formats become 8-bit or 16-bit planar YUV; RGB lands in limited range.
            bitDepth = needsConversion ? (depth > 8 ? 16 : 8) : depth
            bytesPerSample = needsConversion ? (depth > 8 ? 2 : 1) : Int(bytes)
            let fullByFormat = cff_pix_fmt_is_jpeg_range(format) != 0 || cff_pix_fmt_is_gray(format) != 0
            defaultRange = needsConversion && isRGB ? .limited : fullByFormat ? .full : .limited
        }
    }

    /// Sends one packet (or the drain signal) and hands every frame that comes out to `deliver`.
    private func feed(_ d: StreamDecoder, _ packet: UnsafeMutablePointer<AVPacket>?, _ outcome: inout ReadOutcome,
                      _ deliver: (inout ReadOutcome) throws -> Void) throws {
        if let p = packet {
            let time = p.pointee.pts != cff_nopts_value() ? p.pointee.pts : p.pointee.dts
            if time != cff_nopts_value() { d.lastPacketTime = MediaTime(time, timeBase: d.timeBase) }
        }
        var rc = d.send(packet)
        if rc < 0 && rc != cff_averror_eagain() && rc != cff_averror_eof() {
            noteDecodeError(rc, "avcodec_send_packet", d, packet, &outcome)
        }
        while true {
            rc = d.receive()
            if rc == cff_averror_eagain() || rc == cff_averror_eof() { return }
            if rc < 0 {
                noteDecodeError(rc, "avcodec_receive_frame", d, packet, &outcome)
                return
            }
            defer { av_frame_unref(d.frame) }
            try deliver(&outcome)
        }
    }

    private func noteDecodeError(_ rc: Int32, _ call: String, _ d: StreamDecoder, _ packet: UnsafeMutablePointer<AVPacket>?,
                                 _ outcome: inout ReadOutcome) {
        outcome.decodeErrors += 1
        if outcome.firstDecodeError == nil {
            outcome.firstDecodeError = MediaError(ffmpeg: rc, call: call, path: file.path)
        }
        if let p = packet, p.pointee.pts != cff_nopts_value() {
            noteDamage(at: MediaTime(p.pointee.pts, timeBase: d.timeBase), &outcome)
        } else if let time = d.lastPacketTime {
            noteDamage(at: time, &outcome)
        }
    }

    private func noteDamage(at time: MediaTime, _ outcome: inout ReadOutcome) {
        if outcome.firstDamage.map({ time < $0 }) ?? true { outcome.firstDamage = time }
        if outcome.lastDamage.map({ time > $0 }) ?? true { outcome.lastDamage = time }
    }

    private func deliverVideo(_ d: StreamDecoder, _ state: inout VideoState, _ outcome: inout ReadOutcome,
                              _ onVideo: (borrowing VideoFrame) throws -> Void) throws {
        let f = d.frame
        let pts = cff_frame_best_pts(f)
        let rawDuration = cff_frame_duration(f)
        let duration = rawDuration > 0 ? MediaTime(rawDuration, timeBase: d.timeBase) : videoStream?.numberingRate.map {
            MediaTime(value: $0.denominator, timescale: $0.numerator)
        }
        let time: MediaTime
        if pts != cff_nopts_value() {
            time = MediaTime(pts, timeBase: d.timeBase)
        } else {
            time = state.nextTime ?? .zero
        }
        if let duration { state.nextTime = time + duration }
        if cff_frame_decode_error_flags(f) != 0 {
            outcome.concealedFrames += 1
            noteDamage(at: time, &outcome)
        }

        if state.layout?.format != f.pointee.format { state.layout = LumaLayout(format: f.pointee.format) }
        let layout = state.layout!
        var source = f
        if layout.needsConversion {
            guard let converter else { throw MediaError(code: cff_averror_enomem(), message: "out of memory", call: "av_frame_alloc") }
            source = try converter.convert(f, highDepth: layout.bitDepth > 8)
        }
        let range: ColorRange
        switch Int32(f.pointee.color_range.rawValue) {
        case Int32(AVCOL_RANGE_JPEG.rawValue): range = layout.needsConversion && layout.isRGB ? .limited : .full
        case Int32(AVCOL_RANGE_MPEG.rawValue): range = .limited
        default: range = layout.defaultRange
        }
        let luma = PlaneLayout(baseAddress: UnsafeRawPointer(cff_frame_data(source, 0)!), width: Int(f.pointee.width),
                             height: Int(f.pointee.height), bytesPerRow: Int(cff_frame_linesize(source, 0)),
                             bytesPerSample: layout.bytesPerSample, bitDepth: layout.bitDepth)
        let frame = VideoFrame(time: time, duration: duration, ordinal: state.ordinal,
                               isKeyFrame: cff_frame_is_key(f) != 0, isInterlaced: cff_frame_is_interlaced(f) != 0,
                               width: Int(f.pointee.width), height: Int(f.pointee.height), colorRange: range,
                               luma: luma, raw: f, lumaSource: source)
        state.ordinal += 1
        try onVideo(frame)
    }

    private func deliverAudio(_ d: StreamDecoder, _ conv: AudioConverter, _ outcome: inout ReadOutcome,
                              _ onAudio: (borrowing AudioBuffer) throws -> Void) throws {
        let f = d.frame
        let pts = cff_frame_best_pts(f)
        let time = pts == cff_nopts_value() ? nil : MediaTime(pts, timeBase: d.timeBase)
        try conv.convert(f) { count, own in
            guard let format = conv.format else { return }
            try onAudio(AudioBuffer(streamIndex: d.streamIndex, format: format, sampleCount: count, time: own ? time : nil,
                                    planes: conv.planes))
        }
    }

    private func decodeSubtitle(_ d: StreamDecoder, _ packet: UnsafeMutablePointer<AVPacket>, _ outcome: inout ReadOutcome,
                                _ onSubtitle: (SubtitleEvent) throws -> Void) throws {
        var sub = AVSubtitle()
        var got: Int32 = 0
        let rc = avcodec_decode_subtitle2(d.context, &sub, &got, packet)
        if rc < 0 {
            noteDecodeError(rc, "avcodec_decode_subtitle2", d, packet, &outcome)
            return
        }
        guard got != 0 else { return }
        defer { avsubtitle_free(&sub) }
        let packetPTS = packet.pointee.pts != cff_nopts_value() ? packet.pointee.pts : packet.pointee.dts
        let base: MediaTime
        if sub.pts != cff_nopts_value() {
            base = MediaTime(value: sub.pts, timescale: Int64(cff_time_base()))
        } else if packetPTS != cff_nopts_value() {
            base = MediaTime(packetPTS, timeBase: d.timeBase)
        } else {
            return
        }
        let start = base + MediaTime(value: Int64(sub.start_display_time), timescale: 1000)
        var end: MediaTime?
        if sub.end_display_time > sub.start_display_time && sub.end_display_time != UInt32.max {
            end = base + MediaTime(value: Int64(sub.end_display_time), timescale: 1000)
        } else if packet.pointee.duration > 0, packetPTS != cff_nopts_value() {
            end = MediaTime(packetPTS + packet.pointee.duration, timeBase: d.timeBase)
        }
        var texts: [String] = []
        var bitmap = false
        for i in 0..<Int(sub.num_rects) {
            guard let rect = sub.rects[i] else { continue }
            if cff_subtitle_rect_is_bitmap(rect) != 0 {
                bitmap = true
            } else if let ass = string(rect.pointee.ass) {
                texts.append(SubtitleText.plain(fromASSEvent: ass))
            } else if let text = string(rect.pointee.text) {
                texts.append(text)
            }
        }
        try onSubtitle(SubtitleEvent(streamIndex: d.streamIndex, start: start, end: end,
                                     text: texts.isEmpty ? nil : texts.joined(separator: "\n"), isBitmap: bitmap && texts.isEmpty))
    }
}

