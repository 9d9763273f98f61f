import Foundation
import GreenlightCore
import GreenlightValues

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
    ///
    /// Markers sit on the picture's timeline. A finding that starts before the first picture
    /// (audio that leads the video) is clamped to the first frame, and its comment says so:
    /// CMX3600 has no negative timecode. Files whose frame rate has no SMPTE timecode get no
    /// markers (see ``write(_:to:)``).
    public func render(_ file: FileReport) -> String {
        let video = file.media?.primaryVideo
        let rate = video?.timecodeRate ?? Rational(25, 1)
        let start = file.media?.startTimecode.flatMap { Timecode(parsing: $0, rate: rate) } ?? Timecode(frameCount: 0, rate: rate, dropFrame: false)
        let marks = file.findings.filter { $0.severity != .info }
        func tc(_ frame: Int64) -> String { start.adding(frames: frame).description }
        func frames(_ f: Finding) -> (Int64, Int64, String) {
            var s = f.startFrame ?? Int64((f.start * rate.doubleValue).rounded(.down))
            var note = ""
            if s < 0 {
                note = " (starts \(formatSeconds(-f.start)) before the first picture; marked at the first frame)"
                s = 0
            }
            let e = max(f.endFrame ?? Int64((f.end * rate.doubleValue).rounded(.up)), s + 1)
            return (s, e, note)
        }
        let title = oneLine((file.path as NSString).lastPathComponent)
        switch format {
        case .edl:
            var out = "TITLE: \(title) QC\nFCM: \(start.dropFrame ? "DROP FRAME" : "NON-DROP FRAME")\n\n"
            for (i, f) in marks.enumerated() {
                let (s, e, note) = frames(f)
                let n = String(repeating: "0", count: max(0, 3 - "\(i + 1)".count)) + "\(i + 1)"
                out += "\(n)  001      V     C        \(tc(s)) \(tc(s + 1)) \(tc(s)) \(tc(s + 1))  \n"
                let color = f.severity == .error ? "ResolveColorRed" : "ResolveColorYellow"
                out += " |C:\(color) |M:\(oneLine(f.code + ": " + f.message + note)) |D:\(e - s)\n\n"
            }
            return out
        case .avid:
            return marks.map { f in
                let (s, e, note) = frames(f)
                return "greenlight\t\(tc(s))\tV1\t\(f.severity == .error ? "red" : "yellow")\t\(oneLine(f.code + ": " + f.message + note))\t\(e - s)\n"
            }.joined()
        }
    }

    /// The marker file each media file gets: `path` itself for a single file, else `path`'s stem
    /// plus a name made from the media file's; two media with the same name (in different
    /// folders, or with different extensions) get different marker files.
    public static func targets(for mediaPaths: [String], path: String) -> [String] {
        guard mediaPaths.count > 1 else { return mediaPaths.map { _ in path } }
        let p = path as NSString
        let stem = (p.lastPathComponent as NSString).deletingPathExtension
        let folder = p.deletingLastPathComponent
        func candidates(_ media: String) -> [String] {
            let m = media as NSString
            let file = m.lastPathComponent
            let parent = (m.deletingLastPathComponent as NSString).lastPathComponent
            return [(file as NSString).deletingPathExtension, file.replacingOccurrences(of: ".", with: "_"),
                    "\(parent)_\(file.replacingOccurrences(of: ".", with: "_"))"].map(safeName)
        }
        var level = Array(repeating: 0, count: mediaPaths.count)
        var names = mediaPaths.map { candidates($0)[0] }
        // Move every file whose name is shared one step more specific, until none is shared.
        for _ in 0..<2 {
            let counts = Dictionary(names.map { ($0, 1) }, uniquingKeysWith: +)
            for i in names.indices where counts[names[i]]! > 1 {
                level[i] += 1
                names[i] = candidates(mediaPaths[i])[level[i]]
            }
        }
        var seen: [String: Int] = [:]
        for i in names.indices {
            seen[names[i], default: 0] += 1
            if seen[names[i]]! > 1 { names[i] += "-\(seen[names[i]]!)" }
        }
        return names.map { name in
            let file = "\(stem)-\(name).\(p.pathExtension)"
            return folder.isEmpty ? file : (folder as NSString).appendingPathComponent(file)
        }
    }

    /// Writes one marker file per media file that has pictures at a SMPTE frame rate (see
    /// ``targets(for:path:)``). Returns the files written and, for each media file left out, why.
    public func write(_ report: RunReport, to path: String) throws -> (written: [String], skipped: [String]) {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let targets = Self.targets(for: report.files.map(\.path), path: path)
        var written: [String] = [], skipped: [String] = []
        for (file, target) in zip(report.files, targets) {
            guard let video = file.media?.primaryVideo else { continue }
            guard video.timecodeRate != nil else {
                let rate = video.numberingRate.map { formatNumber($0.doubleValue) } ?? "unknown"
                skipped.append("\(printable(file.path)): no markers: its frame rate (\(rate) fps) has no SMPTE timecode")
                continue
            }
            try Data(render(file).utf8).write(to: URL(fileURLWithPath: target), options: .atomic)
            written.append(target)
        }
        return (written, skipped)
    }

    private func oneLine(_ s: String) -> String {
        printable(s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "|", with: "/"))
    }
}

private func safeName(_ s: String) -> String {
    String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
}
