internal import CFFmpeg
import GreenlightValues

/// One stream's libavcodec decoder. Owns the codec context and a reusable frame.
final class StreamDecoder {
    let streamIndex: Int
    let timeBase: Rational
    let context: UnsafeMutablePointer<AVCodecContext>
    let frame: UnsafeMutablePointer<AVFrame>
    /// The time of the last packet sent that had one: where damage is placed when the decoder
    /// reports it later (frame threads) or on a packet without a time.
    var lastPacketTime: MediaTime?

    init(file: MediaFile, streamIndex: Int, threads: Int) throws(MediaError) {
        let stream = file.stream(streamIndex)
        let par = stream.pointee.codecpar!
        guard let codec = avcodec_find_decoder(par.pointee.codec_id) else {
            let name = string(cff_codec_name(par.pointee.codec_id)) ?? "unknown"
            throw MediaError(code: cff_averror_decoder_not_found(), message: "no decoder for codec \(name) in this FFmpeg build",
                             call: "avcodec_find_decoder", path: file.path)
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError(code: cff_averror_enomem(), message: "out of memory", call: "avcodec_alloc_context3", path: file.path)
        }
        var owned: UnsafeMutablePointer<AVCodecContext>? = ctx
        do {
            try check(avcodec_parameters_to_context(ctx, par), "avcodec_parameters_to_context", path: file.path)
            ctx.pointee.pkt_timebase = stream.pointee.time_base
            if par.pointee.codec_type == AVMEDIA_TYPE_VIDEO { cff_codec_enable_threads(ctx, Int32(threads)) }
            try check(avcodec_open2(ctx, codec, nil), "avcodec_open2", path: file.path)
        } catch {
            avcodec_free_context(&owned)
            throw error
        }
        guard let frame = av_frame_alloc() else {
            avcodec_free_context(&owned)
            throw MediaError(code: cff_averror_enomem(), message: "out of memory", call: "av_frame_alloc", path: file.path)
        }
        self.streamIndex = streamIndex
        self.timeBase = Rational(Int64(stream.pointee.time_base.num), Int64(stream.pointee.time_base.den))
        self.context = ctx
        self.frame = frame
    }

    deinit {
        var f: UnsafeMutablePointer<AVFrame>? = frame
        av_frame_free(&f)
        var c: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&c)
    }

    /// Sends a packet (nil drains). Returns 0, EAGAIN, or a decode error code.
    func send(_ packet: UnsafeMutablePointer<AVPacket>?) -> Int32 {
        avcodec_send_packet(context, packet)
    }

    /// 0 when `frame` holds a new frame; EAGAIN or EOF when none is ready; another code on error.
    func receive() -> Int32 {
        avcodec_receive_frame(context, frame)
    }
}

/// Converts pictures whose luma is not planar in place (RGB, packed YUV, big-endian) to planar
/// YUV once per frame, into a fresh refcounted buffer so a retained frame keeps its own pixels.
final class LumaConverter {
    private var sws: OpaquePointer?
    private var key: (Int32, Int32, Int32) = (0, 0, -1)
    let output: UnsafeMutablePointer<AVFrame>

    init?() {
        guard let f = av_frame_alloc() else { return nil }
        output = f
    }

    deinit {
        sws_freeContext(sws)
        var f: UnsafeMutablePointer<AVFrame>? = output
        av_frame_free(&f)
    }

    func convert(_ src: UnsafeMutablePointer<AVFrame>, highDepth: Bool) throws(MediaError) -> UnsafeMutablePointer<AVFrame> {
        let dstFormat = highDepth ? AV_PIX_FMT_YUV444P16LE : AV_PIX_FMT_YUV444P
        let w = src.pointee.width, h = src.pointee.height, fmt = src.pointee.format
        if sws == nil || key != (w, h, fmt) {
            sws_freeContext(sws)
            sws = sws_getContext(w, h, AVPixelFormat(fmt), w, h, dstFormat, Int32(SWS_POINT), nil, nil, nil)
            key = (w, h, fmt)
            guard sws != nil else { throw MediaError(code: 0, message: "cannot convert pixel format \(fmt)", call: "sws_getContext") }
        }
        av_frame_unref(output)
        output.pointee.width = w
        output.pointee.height = h
        output.pointee.format = dstFormat.rawValue
        try check(av_frame_get_buffer(output, 0), "av_frame_get_buffer")
        try check(cff_sws_scale_frames(sws, src, output), "sws_scale")
        return output
    }
}

extension AudioFormat {
    /// The format of one decoded audio frame.
    init(_ f: UnsafePointer<AVFrame>) {
        let channelCount = Int(cff_frame_channels(f))
        let names = (0..<channelCount).map { c in cString { cff_frame_channel_name(f, Int32(c), $0, $1) } ?? "" }
        self.init(sampleRate: Int(f.pointee.sample_rate), channelCount: channelCount,
                  layout: cString { cff_frame_layout_name(f, $0, $1) },
                  channelNames: names.isEmpty || names.contains("") ? nil : names,
                  sampleFormat: string(cff_sample_fmt_name(f.pointee.format)) ?? "\(f.pointee.format)")
    }
}

/// Resamples one audio stream's frames to float planar at their own rate and layout. Each
/// frame's format, layout and rate are followed: when they change mid-stream (an AC-3 5.1
/// programme cut to a stereo ad break) the samples still held for the old format are flushed
/// and a new resampler is set up, so every channel of every frame is converted.
final class AudioConverter {
    private var swr: OpaquePointer?
    private(set) var planes: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>
    private var capacity = 0
    private var allocatedChannels = 0
    /// The format of the samples in ``planes``: the last frame's, once one was converted.
    private(set) var format: AudioFormat?
    let path: String

    init(path: String) {
        self.path = path
        planes = .allocate(capacity: 1)
        planes.initialize(to: nil)
        allocatedChannels = 1
    }

    deinit {
        release()
        planes.deallocate()
    }

    private func release() {
        for c in 0..<allocatedChannels { planes[c]?.deallocate(); planes[c] = nil }
        capacity = 0
        var s: OpaquePointer? = swr
        swr_free(&s)
        swr = nil
    }

    var channels: Int { format?.channelCount ?? 0 }

    private func reserve(_ samples: Int) {
        let channels = self.channels
        if channels > allocatedChannels {
            for c in 0..<allocatedChannels { planes[c]?.deallocate() }
            planes.deallocate()
            planes = .allocate(capacity: channels)
            planes.initialize(repeating: nil, count: channels)
            allocatedChannels = channels
            capacity = 0
        }
        guard samples > capacity else { return }
        let newCapacity = max(samples, capacity * 2, 4096)
        for c in 0..<allocatedChannels {
            planes[c]?.deallocate()
            planes[c] = .allocate(capacity: newCapacity)
        }
        capacity = newCapacity
    }

    /// Converts `frame` (nil flushes) and hands each run of converted samples to `emit` with its
    /// count and whether they are `frame`'s own (false for samples flushed from before a format
    /// change or at the end); ``planes`` and ``format`` describe that run while `emit` runs.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>?, emit: (Int, Bool) throws -> Void) throws {
        if let frame {
            let incoming = AudioFormat(frame)
            if incoming != format {
                if swr != nil { try drain(emit) }
                release()
                guard let made = cff_swr_frame_to_float_planar(frame) else {
                    throw MediaError(code: 0, message: "cannot set up libswresample for \(incoming.description) in sample format \(incoming.sampleFormat)",
                                     call: "swr_init", path: path)
                }
                swr = made
                format = incoming
            }
            let inSamples = Int(frame.pointee.nb_samples)
            reserve(max(Int(swr_get_out_samples(swr, Int32(inSamples))), 1))
            let produced = try check(cff_swr_convert_frame_to(swr, frame, planes, Int32(capacity)), "swr_convert", path: path)
            if produced > 0 { try emit(Int(produced), true) }
        } else if swr != nil {
            try drain(emit)
        }
    }

    private func drain(_ emit: (Int, Bool) throws -> Void) throws {
        reserve(max(Int(swr_get_out_samples(swr, 0)), 1))
        let produced = try check(cff_swr_convert_frame_to(swr, nil, planes, Int32(capacity)), "swr_convert", path: path)
        if produced > 0 { try emit(Int(produced), false) }
    }
}
