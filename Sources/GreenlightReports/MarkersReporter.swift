import Foundation
import GreenlightCore
import GreenlightMedia

/// Findings as markers an editing system imports, one marker file per media file:
/// `.edl` writes a CMX3600 marker list (DaVinci Resolve: Timeline ▸ Import ▸ Timeline Markers
/// from EDL); `.txt` writes Avid Media Composer's tab-separated marker list.
public struct MarkersReporter: Sendable {
    public enum Format: String, Sendable { case edl, avid }

    public var format: Format

    public init(format: Format) { self.format = format }

    /// The format a path's extension asks for (`.edl` or `.txt`).
    public init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "edl": self.init(format: .edl)
        case "txt": self.init(format: .avid)
        default: return nil
        }
    }

    /// Markers for one file's findings (info findings are left out: they are not for the editor).
    public func render(_ file: FileReport) -> String {
        let video = file.media?.primaryVideo
        let rate = video?.numberingRate ?? Rational(25, 1)
        let start = file.media?.startTimecode.flatMap { Timecode(parsing: $0, rate: rate) } ?? Timecode(frameCount: 0, rate: rate, dropFrame: false)
        let marks = file.findings.filter { $0.severity != .info }
        func tc(_ frame: Int64) -> String { start.adding(frames: frame).description }
        func frames(_ f: Finding) -> (Int64, Int64) {
            let s = f.startFrame ?? Int64((f.start * rate.doubleValue).rounded(.down))
            let e = max(f.endFrame ?? Int64((f.end * rate.doubleValue).rounded(.up)), s + 1)
            return (s, e)
        }
        switch format {
        case .edl:
            var out = "TITLE: \(URL(fileURLWithPath: file.path).lastPathComponent) QC\nFCM: \(start.dropFrame ? "DROP FRAME" : "NON-DROP FRAME")\n\n"
            for (i, f) in marks.enumerated() {
                let (s, e) = frames(f)
                let n = String(repeating: "0", count: max(0, 3 - "\(i + 1)".count)) + "\(i + 1)"
                out += "\(n)  001      V     C        \(tc(s)) \(tc(s + 1)) \(tc(s)) \(tc(s + 1))  \n"
                let color = f.severity == .error ? "ResolveColorRed" : "ResolveColorYellow"
                out += " |C:\(color) |M:\(oneLine(f.code + ": " + f.message)) |D:\(e - s)\n\n"
            }
            return out
        case .avid:
            return marks.map { f in
                let (s, e) = frames(f)
                return "greenlight\t\(tc(s))\tV1\t\(f.severity == .error ? "red" : "yellow")\t\(oneLine(f.code + ": " + f.message))\t\(e - s)\n"
            }.joined()
        }
    }

    /// Writes one marker file per media file: `path` itself for a single file, else
    /// `path`'s stem plus each media file's name.
    public func write(_ report: RunReport, to path: String) throws -> [String] {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var written: [String] = []
        for file in report.files where file.media?.primaryVideo != nil {
            let target: URL
            if report.files.count == 1 {
                target = url
            } else {
                let media = URL(fileURLWithPath: file.path).deletingPathExtension().lastPathComponent
                target = url.deletingLastPathComponent().appendingPathComponent(
                    "\(url.deletingPathExtension().lastPathComponent)-\(media).\(url.pathExtension)")
            }
            try Data(render(file).utf8).write(to: target, options: .atomic)
            written.append(target.path)
        }
        return written
    }

    private func oneLine(_ s: String) -> String {
        s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "|", with: "/")
    }
}
