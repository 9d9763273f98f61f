import Foundation
import GreenlightCore

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
    /// "00:00:05:00" or "5.000 s" when the file has no video.
    var startLabel: String { startTimecode ?? "\(formatNumber(start)) s" }
    /// The end's timecode (the first frame after), or seconds.
    var endLabel: String { endTimecode ?? "\(formatNumber(end)) s" }
}
