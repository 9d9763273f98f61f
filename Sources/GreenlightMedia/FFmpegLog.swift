internal import CFFmpeg
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// FFmpeg's own log, kept off stderr, except for its error lines while a file is being opened:
/// the AVERROR code says only "Invalid data found when processing input", the demuxer's line
/// says why ("moov atom not found"), and that is what a user needs to hear.
enum FFmpegLog {
    /// Error lines logged on each thread that is inside ``capturing(_:)``.
    private static let lines = Locked<[pthread_t: [String]]>([:])

    /// Installs the callback once; nothing is printed from then on.
    static let installed: Void = {
        cff_log_errors_only(0)
        av_log_set_callback { _, level, format, arguments in
            guard level <= AV_LOG_ERROR, let format, let arguments else { return }
            let me = pthread_self()
            guard FFmpegLog.lines.withLock({ $0[me] != nil }) else { return }
            var buffer = [CChar](repeating: 0, count: 512)
            _ = buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, format, arguments) }
            let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty else { return }
            FFmpegLog.lines.withLock { if $0[me]!.count < 8 { $0[me]!.append(line) } }
        }
    }()

    /// Runs an FFmpeg call and returns its code with the error lines FFmpeg logged on this thread
    /// meanwhile (at most eight, in order).
    static func capturing(_ call: () -> Int32) -> (code: Int32, lines: [String]) {
        installed
        let me = pthread_self()
        lines.withLock { $0[me] = [] }
        let code = call()
        return (code, lines.withLock { $0.removeValue(forKey: me) ?? [] })
    }
}
