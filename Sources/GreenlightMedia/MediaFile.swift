internal import CFFmpeg
import Foundation
import GreenlightValues

/// An open media file: owns libavformat's demuxer context and frees it when released.
///
/// A `MediaFile` is confined to the task that opened it. Open one per file; probe it with
/// ``info``, then decode it once with ``MediaReader``.
///
/// ```swift
/// let file = try MediaFile(path: "dailies/A001C003.mov")
/// print(file.info.primaryVideo?.frameRate ?? "no video")
/// ```
public final class MediaFile {
    public let path: String
    /// What the container and its streams declare.
    public private(set) var info: MediaInfo
    let context: UnsafeMutablePointer<AVFormatContext>

    public init(path: String) throws(MediaError) {
        FFmpegLog.installed
        self.path = path
        try MediaFile.requireRegularFile(path)
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        // The path is a file, never a URL: "file:" keeps a name like `take:2.mov` or `concat:a|b`
        // from being read as a protocol, and the whitelist keeps a playlist inside the file (HLS,
        // ffconcat) from opening anything but local files.
        var options: OpaquePointer?
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        defer { av_dict_free(&options) }
        let opened = FFmpegLog.capturing { avformat_open_input(&ctx, "file:" + path, nil, &options) }
        if opened.code < 0 {
            var error = MediaError(ffmpeg: opened.code, call: "avformat_open_input", path: path, saying: opened.lines)
            if opened.lines.contains("moov atom not found") {
                error.message += ": the index (moov) is missing, so the file was cut short or never finished writing"
            } else if opened.lines.isEmpty && opened.code == cff_averror_invaliddata() {
                error.message += ": no container format was recognised in the file"
            }
            throw error
        }
        guard let owned = ctx else { throw MediaError(code: cff_averror_enomem(), message: "no context", call: "avformat_open_input", path: path) }
        // Until `context` is stored, this initialiser owns the demuxer and frees it on every
        // early exit; once stored, only deinit frees it (a throw after that point runs deinit).
        func fail(_ error: MediaError) -> MediaError {
            var doomed: UnsafeMutablePointer<AVFormatContext>? = owned
            avformat_close_input(&doomed)
            return error
        }
        let found = FFmpegLog.capturing { avformat_find_stream_info(owned, nil) }
        if found.code < 0 { throw fail(MediaError(ffmpeg: found.code, call: "avformat_find_stream_info", path: path, saying: found.lines)) }
        let info = MediaFile.probe(owned, path: path)
        if info.streams.allSatisfy({ $0.type != .video && $0.type != .audio && $0.type != .subtitle }) {
            let what = info.streams.isEmpty ? "the container holds no streams"
                : "the container holds only \(info.streams.map { "\($0.type.rawValue) (\($0.codec))" }.joined(separator: ", "))"
            throw fail(MediaError(code: cff_averror_invaliddata(), message: "no video, audio or subtitle stream found: \(what)",
                                  call: "probe", path: path))
        }
        self.info = info
        self.context = owned
    }

    /// Refuses what is not a regular file before libavformat opens it: a folder, a FIFO or a
    /// device (opening those can block or read forever), a missing path, an empty file.
    static func requireRegularFile(_ path: String) throws(MediaError) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let code = errno
            throw MediaError(code: -code, message: String(cString: strerror(code)), call: "stat", path: path)
        }
        if let why = InputFile.problem(at: path) { throw MediaError(code: 0, message: why, call: "open", path: path) }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&ctx)
    }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        context.pointee.streams[index]!
    }

    /// The programme's time zero: the first presentation time of the picture stream (or of the
    /// first audio stream, or of the container). Reports count seconds, frames and timecode from here.
    public var origin: MediaTime {
        let startStream = info.primaryVideo.map { stream($0.index) } ?? info.audioStreams.first.map { stream($0.index) }
        if let st = startStream, st.pointee.start_time != cff_nopts_value() {
            return MediaTime(st.pointee.start_time, timeBase: Rational(Int64(st.pointee.time_base.num), Int64(st.pointee.time_base.den)))
        }
        if context.pointee.start_time != cff_nopts_value() {
            return MediaTime(value: context.pointee.start_time, timescale: Int64(cff_time_base()))
        }
        return .zero
    }

    /// Seeks every stream to the key frame at or before `time` from the programme's first frame
    /// (``origin``), the time reports and checkers count in.
    public func seek(toProgrammeTime time: MediaTime) throws(MediaError) {
        try seek(to: origin + time - (info.startTime.map { MediaTime(seconds: $0) } ?? .zero))
    }

    /// Seeks every stream to the key frame at or before `time` (seconds from the container's start).
    public func seek(to time: MediaTime) throws(MediaError) {
        let ts = time.converted(to: Int64(cff_time_base())).value + (context.pointee.start_time == cff_nopts_value() ? 0 : context.pointee.start_time)
        try check(avformat_seek_file(context, -1, Int64.min, ts, ts, 0), "avformat_seek_file", path: path)
    }
}

extension MediaFile {
    static func seconds(_ value: Int64, _ tb: AVRational) -> Double? {
        value == cff_nopts_value() ? nil : Double(value) * Double(tb.num) / Double(tb.den)
    }

    static func rational(_ r: AVRational) -> Rational? {
        r.num == 0 || r.den == 0 ? nil : Rational(Int64(r.num), Int64(r.den))
    }

    static func probe(_ ctx: UnsafeMutablePointer<AVFormatContext>, path: String) -> MediaInfo {
        let fmt = ctx.pointee.iformat.pointee
        let usTimeBase = AVRational(num: 1, den: cff_time_base())
        var info = MediaInfo(
            path: path,
            container: string(fmt.name) ?? "unknown",
            containerLongName: string(fmt.long_name),
            duration: ctx.pointee.duration > 0 ? seconds(ctx.pointee.duration, usTimeBase) : nil,
            bitRate: ctx.pointee.bit_rate > 0 ? ctx.pointee.bit_rate : nil,
            startTime: seconds(ctx.pointee.start_time, usTimeBase),
            startTimecode: string(cff_dict_get(ctx.pointee.metadata, "timecode")),
            streams: []
        )
        if cff_duration_is_estimate(ctx) != 0 { info.durationIsEstimate = true }
        let isISO = info.container.hasPrefix("mov,mp4")
        let colr = isISO ? ContainerColour.read(path: path) : []
        for i in 0..<Int(ctx.pointee.nb_streams) {
            var stream = probeStream(ctx.pointee.streams[i]!)
            if stream.type == .video, i < colr.count { stream.containerColour = colr[i] }
            if info.startTimecode == nil, let tc = stream.timecode { info.startTimecode = tc }
            info.streams.append(stream)
        }
        return info
    }

    static func probeStream(_ st: UnsafeMutablePointer<AVStream>) -> StreamInfo {
        let par = st.pointee.codecpar.pointee
        let type: StreamType
        switch Int32(par.codec_type.rawValue) {
        case cff_media_type_video(): type = .video
        case cff_media_type_audio(): type = .audio
        case cff_media_type_subtitle(): type = .subtitle
        case cff_media_type_data(): type = .data
        default: type = .unknown
        }
        let tb = st.pointee.time_base
        var s = StreamInfo(index: Int(st.pointee.index), type: type,
                           codec: string(cff_codec_name(par.codec_id)) ?? "unknown",
                           timeBase: Rational(Int64(tb.num), Int64(tb.den)))
        if let desc = avcodec_descriptor_get(par.codec_id) { s.codecLongName = string(desc.pointee.long_name) }
        if s.codec == "none", let tag = cString(capacity: 64, { cff_codec_tag_string(st.pointee.codecpar, $0, $1) }) {
            s.codec = tag.trimmingCharacters(in: .whitespaces)
        }
        s.profile = string(cff_profile_name(st.pointee.codecpar))
        s.startTime = seconds(st.pointee.start_time, tb)
        s.duration = st.pointee.duration > 0 ? seconds(st.pointee.duration, tb) : nil
        s.bitRate = par.bit_rate > 0 ? par.bit_rate : nil
        s.language = string(cff_dict_get(st.pointee.metadata, "language"))
        s.title = string(cff_dict_get(st.pointee.metadata, "title"))
        s.timecode = string(cff_dict_get(st.pointee.metadata, "timecode"))
        let names: [String] = ["default", "forced", "hearing_impaired", "visual_impaired", "attached_pic", "original", "comment", "captions"]
        let flags = names.filter { cff_disposition_has(st.pointee.disposition, $0) != 0 }
        s.disposition = flags.isEmpty ? nil : flags
        switch type {
        case .video:
            s.frameCount = st.pointee.nb_frames > 0 ? st.pointee.nb_frames : nil
            s.width = Int(par.width)
            s.height = Int(par.height)
            s.sampleAspectRatio = rational(par.sample_aspect_ratio)
            if let sar = s.sampleAspectRatio, par.height > 0 {
                let n = Int64(par.width) * sar.numerator, d = Int64(par.height) * sar.denominator
                let g = gcd(n, d)
                s.displayAspectRatio = Rational(n / g, d / g)
            }
            s.frameRate = rational(st.pointee.r_frame_rate)
            s.averageFrameRate = rational(st.pointee.avg_frame_rate)
            s.fieldOrder = string(cff_field_order_name(Int32(par.field_order.rawValue)))
            s.pixelFormat = string(cff_pix_fmt_name(par.format))
            let depth = cff_pix_fmt_depth(par.format)
            s.bitDepth = depth > 0 ? Int(depth) : nil
            s.colorPrimaries = declaredName(cff_color_primaries_name(Int32(par.color_primaries.rawValue)))
            s.colorTransfer = declaredName(cff_color_transfer_name(Int32(par.color_trc.rawValue)))
            s.colorMatrix = declaredName(cff_color_space_name(Int32(par.color_space.rawValue)))
            s.colorRange = declaredName(cff_color_range_name(Int32(par.color_range.rawValue)))
            s.masteringDisplay = masteringDisplay { cff_stream_mastering_display(st, $0) }
            var cll: UInt32 = 0, fall: UInt32 = 0
            if cff_stream_content_light(st, &cll, &fall) != 0 { s.contentLight = ContentLightLevel(maxCLL: Int(cll), maxFALL: Int(fall)) }
            var profile: Int32 = 0, level: Int32 = 0, compatibility: Int32 = 0, layers: Int32 = 0
            if cff_stream_dolby_vision(st, &profile, &level, &compatibility, &layers) != 0 {
                s.dolbyVision = DolbyVisionConfiguration(profile: Int(profile), level: Int(level), compatibility: Int(compatibility),
                                                         hasRPU: layers & 1 != 0, hasEnhancementLayer: layers & 2 != 0, hasBaseLayer: layers & 4 != 0)
            }
        case .audio:
            s.sampleRate = Int(par.sample_rate)
            if par.frame_size > 0 { s.frameSize = Int(par.frame_size) }
            let channels = Int(cff_codecpar_channels(st.pointee.codecpar))
            s.channels = channels
            // FFmpeg describes a layout it does not know as "N channels": that is no layout.
            let layout = cString { cff_codecpar_layout_name(st.pointee.codecpar, $0, $1) }
            s.channelLayout = layout?.hasSuffix(" channels") == true ? nil : layout
            // A damaged header can declare -1249361729 or 2^31 channels (the fuzzer made both):
            // no names then, rather than a trap or a 17 GB list. 1024 is past any real layout.
            let labels = (0..<(channels <= 1024 ? max(0, channels) : 0)).map { c in cString { cff_codecpar_channel_name(st.pointee.codecpar, Int32(c), $0, $1) } ?? "" }
            s.channelNames = labels.isEmpty || labels.contains("") ? nil : labels
            s.sampleFormat = string(cff_sample_fmt_name(par.format))
            if st.pointee.duration > 0, par.sample_rate > 0 {
                // In doubles: a damaged header's duration times its time base can pass Int64.
                let samples = (Double(st.pointee.duration) * s.timeBase.doubleValue * Double(par.sample_rate)).rounded()
                if samples < 0x1p53 { s.sampleCount = Int64(samples) }
            }
        default:
            break
        }
        return s
    }
}
