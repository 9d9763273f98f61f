internal import CFFmpeg
import GreenlightValues

/// An error from FFmpeg or from reading a media file: the AVERROR code, FFmpeg's own text
/// for it (`av_strerror`), and the call that failed.
///
/// ```swift
/// do { _ = try MediaFile(path: "missing.mov") }
/// catch let error as MediaError { print(error) }
/// // avformat_open_input failed for missing.mov: No such file or directory (AVERROR -2)
/// ```
public struct MediaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The negative AVERROR code FFmpeg returned, or 0 when the error is Greenlight's own.
    public var code: Int32
    /// FFmpeg's text for `code`, or Greenlight's explanation.
    public var message: String
    /// The FFmpeg function (or Greenlight step) that failed.
    public var call: String
    /// The file being read, when known.
    public var path: String?

    public init(code: Int32, message: String, call: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.call = call
        self.path = path
    }

    /// An error carrying FFmpeg's text for `code`, and what FFmpeg logged while failing
    /// (`Invalid data found when processing input; FFmpeg: "moov atom not found"`).
    init(ffmpeg code: Int32, call: String, path: String? = nil, saying lines: [String] = []) {
        let said = lines.isEmpty ? "" : "; FFmpeg: " + lines.map { "\"\($0)\"" }.joined(separator: ", ")
        self.init(code: code, message: MediaError.text(for: code) + said, call: call, path: path)
    }

    public var description: String {
        let subject = path.map { " for \($0)" } ?? ""
        let codeText = code != 0 ? " (AVERROR \(code))" : ""
        return "\(call) failed\(subject): \(message)\(codeText)"
    }

    /// FFmpeg's text for an AVERROR code.
    public static func text(for code: Int32) -> String {
        cString { cff_strerror(code, $0, $1) } ?? "unknown error \(code)"
    }
}

/// Turns a negative FFmpeg return code into a thrown ``MediaError``; returns non-negative codes.
@discardableResult
func check(_ rc: Int32, _ call: @autoclosure () -> String, path: String? = nil) throws(MediaError) -> Int32 {
    if rc < 0 { throw MediaError(ffmpeg: rc, call: call(), path: path) }
    return rc
}

/// Converts a C string that may be null into a Swift string.
func string(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    let value = String(cString: pointer)
    return value.isEmpty ? nil : value
}

/// A colour property's name as FFmpeg spells it, or nil when the value is not declared
/// (FFmpeg names that "unknown" or "unspecified").
func declaredName(_ pointer: UnsafePointer<CChar>?) -> String? {
    string(pointer).flatMap { $0 == "unknown" || $0 == "unspecified" ? nil : $0 }
}

/// Lets a C function fill a temporary buffer with a NUL-terminated string and returns it
/// (nil when empty).
func cString(capacity: Int = 256, _ fill: (UnsafeMutablePointer<CChar>, Int) -> Void) -> String? {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
        buffer.initialize(repeating: 0)
        fill(buffer.baseAddress!, capacity - 1)
        return string(UnsafePointer(buffer.baseAddress!))
    }
}
