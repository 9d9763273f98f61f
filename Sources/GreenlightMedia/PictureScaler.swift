internal import CFFmpeg
import GreenlightValues

/// A picture converted out of FFmpeg's buffers: packed RGB or gray, 8 bits per sample, owned.
public struct Picture: Sendable, Hashable {
    public enum Format: Sendable, Hashable {
        /// Full-range R, G, B bytes.
        case rgb24
        /// Luma only, as stored (limited-range sources keep their 16…235 codes).
        case gray8

        var bytesPerPixel: Int { self == .rgb24 ? 3 : 1 }
    }

    public var width: Int
    public var height: Int
    public var format: Format
    /// Rows of `width * bytesPerPixel` bytes, top to bottom.
    public var pixels: [UInt8]
}

/// Converts and scales decoded pictures with libswscale (area averaging), for thumbnails and
/// colour work. YUV sources are read with the range and matrix they declare (BT.601, 709, 2020;
/// an unspecified matrix is taken as BT.709 above 576 lines, BT.601 at or below). The result is
/// R'G'B': the transfer function is not undone (no linear light).
///
/// ```swift
/// let scaler = PictureScaler(width: 192, height: 108, format: .rgb24)
/// let thumb = try scaler.scale(frame)   // inside a MediaReader video callback
/// ```
public final class PictureScaler {
    public let width: Int
    public let height: Int
    public let format: Picture.Format
    private var sws: OpaquePointer?
    private var key: [Int32] = []

    public init(width: Int, height: Int, format: Picture.Format) {
        self.width = max(1, width)
        self.height = max(1, height)
        self.format = format
    }

    deinit { sws_freeContext(sws) }

    public func scale(_ frame: borrowing VideoFrame) throws(MediaError) -> Picture {
        let f = frame.raw
        let full: Int32 = frame.colorRange == .full ? 1 : 0
        let matrix = cff_effective_colorspace(f)
        let newKey = [f.pointee.width, f.pointee.height, f.pointee.format, full, matrix]
        if sws == nil || key != newKey {
            sws_freeContext(sws)
            let target = format == .rgb24 ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_GRAY8
            sws = sws_getContext(f.pointee.width, f.pointee.height, AVPixelFormat(f.pointee.format), Int32(width), Int32(height),
                                 target, Int32(SWS_AREA), nil, nil, nil)
            guard let sws else {
                throw MediaError(code: 0, message: "libswscale cannot convert pixel format \(f.pointee.format)", call: "sws_getContext")
            }
            if format == .rgb24 { cff_sws_set_source_colour(sws, full, matrix) }
            key = newKey
        }
        let stride = width * format.bytesPerPixel
        var pixels = [UInt8](repeating: 0, count: stride * height)
        let rc = pixels.withUnsafeMutableBufferPointer { cff_sws_scale_into(sws, f, $0.baseAddress!, Int32(stride)) }
        try check(rc, "sws_scale")
        return Picture(width: width, height: height, format: format, pixels: pixels)
    }
}
