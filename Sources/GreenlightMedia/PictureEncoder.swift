internal import CFFmpeg
import Foundation
import GreenlightValues

/// Encodes ``Picture``s (RGB 8-bit) as PNG or JPEG with libavcodec, for thumbnails in reports.
public enum PictureEncoder {
    /// The picture as a PNG file's bytes (lossless).
    public static func png(_ picture: Picture) throws(MediaError) -> Data {
        try encode(picture, codec: AV_CODEC_ID_PNG, name: "PNG", format: AV_PIX_FMT_RGB24, quality: nil)
    }

    /// The picture as a baseline JPEG (JFIF: full-range BT.601 Y'CbCr, 4:4:4), at `quality` 2 (best)
    /// to 31: a photograph's thumbnail in a fifth of its PNG's bytes.
    public static func jpeg(_ picture: Picture, quality: Int = 4) throws(MediaError) -> Data {
        try encode(picture, codec: AV_CODEC_ID_MJPEG, name: "JPEG", format: AV_PIX_FMT_YUVJ444P, quality: min(31, max(2, quality)))
    }

    /// Packed RGB is copied as it is; planar 4:4:4 Y'CbCr is converted from it here.
    private static func encode(_ picture: Picture, codec id: AVCodecID, name: String, format: AVPixelFormat, quality: Int?) throws(MediaError) -> Data {
        guard picture.format == .rgb24 else {
            throw MediaError(code: 0, message: "only RGB pictures are encoded", call: name.lowercased())
        }
        guard let codec = avcodec_find_encoder(id) else {
            throw MediaError(code: cff_averror_decoder_not_found(), message: "this FFmpeg has no \(name) encoder", call: "avcodec_find_encoder")
        }
        guard let ctx = avcodec_alloc_context3(codec) else {
            throw MediaError(code: cff_averror_enomem(), message: "out of memory", call: "avcodec_alloc_context3")
        }
        var context: UnsafeMutablePointer<AVCodecContext>? = ctx
        defer { avcodec_free_context(&context) }
        ctx.pointee.width = Int32(picture.width)
        ctx.pointee.height = Int32(picture.height)
        ctx.pointee.pix_fmt = format
        ctx.pointee.time_base = AVRational(num: 1, den: 25)
        if let quality {
            ctx.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
            ctx.pointee.global_quality = Int32(quality) * FF_QP2LAMBDA
            ctx.pointee.color_range = AVCOL_RANGE_JPEG
        }
        try check(avcodec_open2(ctx, codec, nil), "avcodec_open2")
        guard let frame = av_frame_alloc() else {
            throw MediaError(code: cff_averror_enomem(), message: "out of memory", call: "av_frame_alloc")
        }
        var owned: UnsafeMutablePointer<AVFrame>? = frame
        defer { av_frame_free(&owned) }
        frame.pointee.width = Int32(picture.width)
        frame.pointee.height = Int32(picture.height)
        frame.pointee.format = format.rawValue
        if let quality { frame.pointee.quality = Int32(quality) * FF_QP2LAMBDA }
        try check(av_frame_get_buffer(frame, 0), "av_frame_get_buffer")
        picture.pixels.withUnsafeBufferPointer { source in
            let rgb = source.baseAddress!
            if format == AV_PIX_FMT_RGB24 {
                let rowBytes = picture.width * 3, stride = Int(cff_frame_linesize(frame, 0))
                let base = cff_frame_data(frame, 0)!
                for y in 0..<picture.height { (base + y * stride).update(from: rgb + y * rowBytes, count: rowBytes) }
            } else {
                // JFIF's Y'CbCr: BT.601 coefficients over the full 0-255 range.
                let (yp, cbp, crp) = (cff_frame_data(frame, 0)!, cff_frame_data(frame, 1)!, cff_frame_data(frame, 2)!)
                let (ys, cbs, crs) = (Int(cff_frame_linesize(frame, 0)), Int(cff_frame_linesize(frame, 1)), Int(cff_frame_linesize(frame, 2)))
                func code(_ v: Double) -> UInt8 { UInt8(min(255, max(0, v.rounded()))) }
                for y in 0..<picture.height {
                    for x in 0..<picture.width {
                        let p = rgb + (y * picture.width + x) * 3
                        let r = Double(p[0]), g = Double(p[1]), b = Double(p[2])
                        yp[y * ys + x] = code(0.299 * r + 0.587 * g + 0.114 * b)
                        cbp[y * cbs + x] = code(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)
                        crp[y * crs + x] = code(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)
                    }
                }
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
        // The first picture needs no seek (and a seek in a pipe-like demuxer, a lone JPEG's, can skip it).
        if time > .zero { try file.seek(toProgrammeTime: time) }
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
