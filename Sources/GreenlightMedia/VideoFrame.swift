internal import CFFmpeg
import GreenlightValues

/// A decoded picture, borrowed from the decoder for the duration of a callback.
public struct VideoFrame {
    /// Presentation time in the stream's time base (exact).
    public let time: MediaTime
    /// The frame's duration when the stream declares it.
    public let duration: MediaTime?
    /// Ordinal of this frame in presentation order, from 0.
    public let ordinal: Int64
    public let isKeyFrame: Bool
    public let isInterlaced: Bool
    public let width: Int
    public let height: Int
    public let colorRange: ColorRange
    /// Luma in place (or, for RGB and packed formats, converted once to planar YUV).
    public let luma: PlaneLayout
    let raw: UnsafeMutablePointer<AVFrame>
    let lumaSource: UnsafeMutablePointer<AVFrame>

    /// Planes of the picture as decoded (0 luma, 1 and 2 chroma, 3 alpha), in place, with each
    /// plane's own size (chroma subsampling applied). RGB and packed formats are first converted
    /// once to planar 4:4:4 YUV, as for ``luma``.
    public var planeCount: Int {
        var n = 0
        while n < 4, cff_frame_data(lumaSource, Int32(n)) != nil { n += 1 }
        return n
    }

    /// Plane `index` in place, or nil when the picture has no such plane.
    public func plane(_ index: Int) -> PlaneLayout? {
        guard index >= 0, index < planeCount else { return nil }
        if index == 0 { return luma }
        let format = lumaSource.pointee.format
        let chroma = index == 1 || index == 2
        let w = chroma ? -((-width) >> Int(cff_pix_fmt_log2_chroma_w(format))) : width
        let h = chroma ? -((-height) >> Int(cff_pix_fmt_log2_chroma_h(format))) : height
        return PlaneLayout(baseAddress: UnsafeRawPointer(cff_frame_data(lumaSource, Int32(index))!), width: w, height: h,
                         bytesPerRow: Int(cff_frame_linesize(lumaSource, Int32(index))),
                         bytesPerSample: luma.bytesPerSample, bitDepth: luma.bitDepth)
    }

    /// How the frame says it was scanned: progressive, or interlaced with the top or bottom field first.
    public var scan: PictureScan {
        guard isInterlaced else { return cff_frame_repeat_fields(raw) > 0 ? .progressiveRepeatingField : .progressive }
        return cff_frame_top_field_first(raw) != 0 ? .topFieldFirst : .bottomFieldFirst
    }

    /// Changes whenever ``colour`` would: compare it to skip rebuilding an unchanged description.
    public var colourSignature: UInt64 { cff_frame_colour_signature(raw) &+ (colorRange == .full ? 1 : 0) }

    /// What the frame declares about its colour: matrix, primaries, transfer, range (as resolved
    /// for ``colorRange``), chroma siting, and HDR side data when the frame carries it.
    public var colour: PictureColour {
        let f = raw
        let name = declaredName
        var colour = PictureColour(matrix: name(cff_color_space_name(Int32(f.pointee.colorspace.rawValue))),
                                   primaries: name(cff_color_primaries_name(Int32(f.pointee.color_primaries.rawValue))),
                                   transfer: name(cff_color_transfer_name(Int32(f.pointee.color_trc.rawValue))),
                                   range: colorRange,
                                   chromaLocation: name(cff_chroma_location_name(Int32(f.pointee.chroma_location.rawValue))))
        colour.masteringDisplay = masteringDisplay { cff_frame_mastering_display(f, $0) }
        var cll: UInt32 = 0, fall: UInt32 = 0
        if cff_frame_content_light(f, &cll, &fall) != 0 { colour.contentLight = ContentLightLevel(maxCLL: Int(cll), maxFALL: Int(fall)) }
        let dynamic = cff_frame_dynamic_hdr(f)
        if dynamic != 0 { colour.dynamicMetadata = (dynamic & 1 != 0 ? ["HDR10+"] : []) + (dynamic & 2 != 0 ? ["Dolby Vision"] : []) }
        return colour
    }

    /// Keeps this picture alive past the callback by taking a reference on its buffers
    /// (`av_frame_clone`: no pixels are copied). The result shares nothing with the decoder, so
    /// it can be sent to another thread (`sending`: the compiler checks the sender keeps no use).
    public func retained() -> sending RetainedVideoFrame? {
        guard let raw = av_frame_clone(self.raw) else { return nil }
        var converted: UnsafeMutablePointer<AVFrame>?
        if lumaSource != self.raw {
            guard let c = av_frame_clone(lumaSource) else {
                var r: UnsafeMutablePointer<AVFrame>? = raw
                av_frame_free(&r)
                return nil
            }
            converted = c
        }
        // The one place the region checker is told what it cannot see: `av_frame_clone` returns a
        // new AVFrame holding its own references on reference-counted buffers that no one writes
        // again, so it is disconnected from the decoder's frame. Its address crosses as an integer.
        return RetainedVideoFrame(raw: UInt(bitPattern: raw), converted: converted.map { UInt(bitPattern: $0) },
                                  time: time, duration: duration, ordinal: ordinal, isKeyFrame: isKeyFrame,
                                  isInterlaced: isInterlaced, width: width, height: height, colorRange: colorRange,
                                  bytesPerSample: luma.bytesPerSample, bitDepth: luma.bitDepth)
    }
}

/// A picture kept past its decode callback: holds a reference on FFmpeg's buffers (no pixels
/// copied) and drops it when released. The picture itself is lent by ``withFrame(_:)``.
public final class RetainedVideoFrame {
    private let raw: UnsafeMutablePointer<AVFrame>
    /// The converted planes when the decoded format had to be converted, else nil (then `raw`).
    private let converted: UnsafeMutablePointer<AVFrame>?
    private let template: VideoFrame
    public var time: MediaTime { template.time }
    public var duration: MediaTime? { template.duration }
    public var ordinal: Int64 { template.ordinal }

    fileprivate init(raw rawAddress: UInt, converted convertedAddress: UInt?, time: MediaTime, duration: MediaTime?, ordinal: Int64,
                     isKeyFrame: Bool, isInterlaced: Bool, width: Int, height: Int, colorRange: ColorRange,
                     bytesPerSample: Int, bitDepth: Int) {
        let raw = UnsafeMutablePointer<AVFrame>(bitPattern: rawAddress)!
        let converted = convertedAddress.flatMap { UnsafeMutablePointer<AVFrame>(bitPattern: $0) }
        let source = converted ?? raw
        self.raw = raw
        self.converted = converted
        template = VideoFrame(time: time, duration: duration, ordinal: ordinal, isKeyFrame: isKeyFrame,
                              isInterlaced: isInterlaced, width: width, height: height, colorRange: colorRange,
                              luma: PlaneLayout(baseAddress: UnsafeRawPointer(cff_frame_data(source, 0)!), width: width, height: height,
                                              bytesPerRow: Int(cff_frame_linesize(source, 0)), bytesPerSample: bytesPerSample,
                                              bitDepth: bitDepth),
                              raw: raw, lumaSource: source)
    }

    /// Lends the picture, as the decode callback lent it, to `body`.
    public func withFrame<R>(_ body: (borrowing VideoFrame) throws -> R) rethrows -> R {
        try body(template)
    }

    /// Another reference on the same buffers (no pixels copied), free to be sent to another thread.
    public func retainedAgain() -> sending RetainedVideoFrame? {
        template.retained()
    }

    deinit {
        var f: UnsafeMutablePointer<AVFrame>? = raw
        av_frame_free(&f)
        if converted != nil {
            var c = converted
            av_frame_free(&c)
        }
    }
}

/// Decoded sound of one stream, converted to 32-bit float planar by libswresample.
public struct AudioBuffer {
    public let streamIndex: Int
    /// Rate, layout and channel names of these samples (they may change mid-stream).
    public let format: AudioFormat
    public var sampleRate: Int { format.sampleRate }
    public var channelCount: Int { format.channelCount }
    /// Samples per channel in this buffer.
    public let sampleCount: Int
    /// The presentation time of the first sample, when the stream stamps it.
    public let time: MediaTime?
    let planes: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>

    /// Channel `index`'s samples, valid during the callback.
    @inline(__always)
    public func channel(_ index: Int) -> UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: planes[index]!, count: sampleCount)
    }
}

/// A subtitle as the stream carries it: its display interval and, for text codecs, its text.
public struct SubtitleEvent: Sendable, Hashable {
    public let streamIndex: Int
    public let start: MediaTime
    /// End of display (exclusive), when known.
    public let end: MediaTime?
    /// Plain text with line breaks; nil for bitmap subtitles.
    public let text: String?
    public let isBitmap: Bool

    public init(streamIndex: Int, start: MediaTime, end: MediaTime?, text: String?, isBitmap: Bool) {
        self.streamIndex = streamIndex
        self.start = start
        self.end = end
        self.text = text
        self.isBitmap = isBitmap
    }
}

/// Reads ST 2086 metadata that `fill` writes as ten doubles (see `cff_frame_mastering_display`).
func masteringDisplay(_ fill: (UnsafeMutablePointer<Double>) -> Int32) -> MasteringDisplay? {
    var values = [Double](repeating: 0, count: 10)
    let flags = values.withUnsafeMutableBufferPointer { fill($0.baseAddress!) }
    guard flags != 0 else { return nil }
    let primaries = flags & 1 != 0, luminance = flags & 2 != 0
    return MasteringDisplay(red: primaries ? [values[0], values[1]] : nil, green: primaries ? [values[2], values[3]] : nil,
                            blue: primaries ? [values[4], values[5]] : nil, whitePoint: primaries ? [values[6], values[7]] : nil,
                            minLuminance: luminance ? values[8] : nil, maxLuminance: luminance ? values[9] : nil)
}
