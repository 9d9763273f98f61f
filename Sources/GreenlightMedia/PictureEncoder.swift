internal import CFFmpeg
import Foundation
import GreenlightValues

/// Encodes ``Picture``s (RGB 8-bit) as PNG with libavcodec, for thumbnails in reports.
public enum PictureEncoder {
    /// The picture as a PNG file's bytes.
    public static func png(_ picture: Picture) throws(MediaError) -> Data {
        guard picture.format == .rgb24 else {
            throw MediaError(code: 0, message: "only RGB pictures are encoded", call: "png")
        }
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else {
            throw MediaError(code: cff_averror_decoder_not_found(), message: "this FFmpeg has no PNG encoder", call: "avcodec_find_encoder")
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError(code: cff_averror_enomem(), message: "out of memory", call: "avcodec_alloc_context3")
        }
        var context: UnsafeMutablePointer<AVCodecContext>? = ctx
        defer { avcodec_free_context(&context) }
        ctx.pointee.width = Int32(picture.width)
        ctx.pointee.height = Int32(picture.height)
        ctx.pointee.pix_fmt = AV_PIX_FMT_RGB24
        ctx.pointee.time_base = AVRational(num: 1, den: 25)
        try check(avcodec_open2(ctx, codec, nil), "avcodec_open2")
        guard let frame = av_frame_alloc() else {
            throw MediaError(code: cff_averror_enomem(), message: "out of memory", call: "av_frame_alloc")
        }
        var owned: UnsafeMutablePointer<AVFrame>? = frame
        defer { av_frame_free(&owned) }
        frame.pointee.width = Int32(picture.width)
        frame.pointee.height = Int32(picture.height)
        frame.pointee.format = AV_PIX_FMT_RGB24.rawValue
        try check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer")
        let rowBytes = picture.width * 3
        let stride = Int(cff_frame_linesize(frame, 0))
        picture.pixels.withUnsafeBytes { source in
            let base = cff_frame_data(frame, 0)!
            for y in 0..<picture.height {
                (base + y * stride).update(from: source.baseAddress!.assumingMemoryBound(to: UInt8.self) + y * rowBytes, count: rowBytes)
            }
        }
        try check(avcodec_send_frame(ctx, frame), "avcodec_send_frame")
        try check(avcodec_send_frame(ctx, nil), "avcodec_send_frame")
        guard let packet = av_packet_alloc() else {
            throw MediaError(code: cff_averror_enomem(), message: "out of memory", call: "av_packet_alloc")
        }
        var ownedPacket: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&ownedPacket) }
        var out = Data()
        while true {
            let rc = avcodec_receive_packet(ctx, packet)
            if rc == cff_averror_eof() || rc == cff_averror_eagain() { break }
            try check(rc, "avcodec_receive_packet")
            out.append(packet.pointee.data, count: Int(packet.pointee.size))
            av_packet_unref(packet)
        }
        return out
    }
}

extension MediaFile {
    /// The picture shown at `time` (programme time: from the first picture), scaled by `scaler`:
    /// seeks to the key frame before it and decodes forward. Reads only the picture stream.
    public static func picture(path: String, at time: MediaTime, scaler: PictureScaler) throws -> Picture? {
        let file = try MediaFile(path: path)
        let target = file.origin + time
        try file.seek(to: target - (file.info.startTime.map { MediaTime(seconds: $0) } ?? .zero))
        let reader = try MediaReader(file: file, selection: ReadSelection(video: true, audio: false, subtitles: false))
        struct Found: Error { let picture: Picture }
        var last: Picture?
        do {
            _ = try reader.run(video: { frame in
                // The picture shown at `target` is the last one starting at or before it.
                if frame.time > target {
                    let shown = try last ?? scaler.scale(frame)
                    throw Found(picture: shown)
                }
                last = try scaler.scale(frame)
                if frame.time == target { throw Found(picture: last!) }
            }, audio: { _ in }, subtitle: { _ in })
        } catch let found as Found {
            return found.picture
        }
        return last
    }
}
