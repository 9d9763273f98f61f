import Foundation
import GreenlightCore
import GreenlightValues

/// Renders a whole run in one format. Reporters are stateless and never touch checkers.
public protocol Reporter: Sendable {
    func render(_ report: RunReport) throws -> Data
}

extension Reporter {
    /// Renders and writes atomically (a temporary file beside `path`, then a rename), so a reader
    /// never sees half a report and a failed run leaves the previous report intact.
    public func write(_ report: RunReport, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try render(report).write(to: url, options: .atomic)
    }
}

extension Finding {
    /// "00:00:05:00"; a clock time "00:00:50.000" for video at a rate without SMPTE timecode;
    /// "5.000 s" when the file has no video.
    var startLabel: String { label(startTimecode, start) }
    /// The end's timecode (the first frame after), or the clock time or seconds.
    var endLabel: String { label(endTimecode, end) }

    private func label(_ timecode: String?, _ seconds: Double) -> String {
        if let timecode { return timecode }
        return startFrame != nil ? Timecode.clockLabel(seconds: seconds) : "\(formatNumber(seconds)) s"
    }
}
