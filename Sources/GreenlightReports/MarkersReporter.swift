import Foundation
import GreenlightCore
import GreenlightValues

/// Findings as markers an editing system imports, one marker file per media file, in the
/// format its extension (or `--markers-format`) names:
/// - `.edl`: a CMX3600 marker list (DaVinci Resolve: Timeline ▸ Import ▸ Timeline Markers from EDL);
/// - `.txt`: Avid Media Composer's tab-separated marker list (Markers window ▸ Import Markers);
/// - `.fcpxml`: a Final Cut Pro project whose clip carries the markers (errors as to-do markers);
/// - `.otio`: an OpenTimelineIO timeline with markers, for any editor with an OTIO adapter;
/// - `.csv`: one row per marker, for spreadsheets and scripts.
/// All count from the file's start timecode at its frame rate; colour follows severity (red
/// for errors, yellow for warnings; information is not for the editor and is left out).
public struct MarkersReporter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case edl, avid, fcpxml, otio, csv

        /// The extension a path of this format ends in.
        public var fileExtension: String { self == .avid ? "txt" : rawValue }

        /// The format a path's extension asks for.
        public init?(extension ext: String) {
            switch ext.lowercased() {
            case "edl": self = .edl
            case "txt": self = .avid
            case "fcpxml": self = .fcpxml
            case "otio": self = .otio
            case "csv": self = .csv
            default: return nil
            }
        }
    }

    public var format: Format

    public init(format: Format) { self.format = format }

    /// The format a path's extension asks for.
    public init?(path: String) {
        guard let format = Format(extension: URL(fileURLWithPath: path).pathExtension) else { return nil }
        self.init(format: format)
    }

    /// One marker: a finding placed on the picture's frames.
    struct Marker {
        var frame: Int64
        var length: Int64
        var severity: Severity
        var code: String
        /// The finding's message, plus a note when it had to be moved.
        var text: String
        var checker: String
    }

    /// Where a file's markers count from.
    struct Clock {
        var rate: Rational
        var start: Timecode
        var length: Int64

        func timecode(_ frame: Int64) -> String { start.adding(frames: frame).description }

        /// Frames a clip holding `marks` spans: the file's length, or to the last marker's end.
        func extent(_ marks: [Marker]) -> Int64 { max(length, marks.map { $0.frame + $0.length }.max() ?? 0, 1) }
    }

    func clock(_ file: FileReport) -> Clock {
        let rate = file.media?.primaryVideo?.timecodeRate ?? Rational(25, 1)
        let start = file.media?.startTimecode.flatMap { Timecode(parsing: $0, rate: rate) } ?? Timecode(frameCount: 0, rate: rate, dropFrame: false)
        let length = Int64(((file.media?.duration ?? 0) * rate.doubleValue).rounded())
        return Clock(rate: rate, start: start, length: length)
    }

    /// Markers sit on the picture's timeline. A finding that starts before the first picture
    /// (audio that leads the video) is clamped to the first frame, and its text says so: no
    /// format here has negative timecode.
    func markers(_ file: FileReport, rate: Rational) -> [Marker] {
        file.findings.filter { $0.severity != .info }.map { f in
            var s = f.startFrame ?? Int64((f.start * rate.doubleValue).rounded(.down))
            var note = ""
            if s < 0 {
                note = " (starts \(formatSeconds(-f.start)) before the first picture; marked at the first frame)"
                s = 0
            }
            let e = max(f.endFrame ?? Int64((f.end * rate.doubleValue).rounded(.up)), s + 1)
            return Marker(frame: s, length: e - s, severity: f.severity, code: f.code, text: f.message + note, checker: f.checker)
        }
    }

    /// The marker file's text for one media file's findings. Files whose frame rate has no
    /// SMPTE timecode get no markers (see ``write(_:to:)``).
    public func render(_ file: FileReport) -> String {
        let clock = clock(file)
        let marks = markers(file, rate: clock.rate)
        let title = oneLine((file.path as NSString).lastPathComponent)
        switch format {
        case .edl:
            var out = "TITLE: \(title) QC\nFCM: \(clock.start.dropFrame ? "DROP FRAME" : "NON-DROP FRAME")\n\n"
            for (i, m) in marks.enumerated() {
                let n = String(repeating: "0", count: max(0, 3 - "\(i + 1)".count)) + "\(i + 1)"
                let (a, b) = (clock.timecode(m.frame), clock.timecode(m.frame + 1))
                out += "\(n)  001      V     C        \(a) \(b) \(a) \(b)  \n"
                let color = m.severity == .error ? "ResolveColorRed" : "ResolveColorYellow"
                out += " |C:\(color) |M:\(oneLine(m.code + ": " + m.text)) |D:\(m.length)\n\n"
            }
            return out
        case .avid:
            return marks.map { m in
                "greenlight\t\(clock.timecode(m.frame))\tV1\t\(m.severity == .error ? "red" : "yellow")\t\(oneLine(m.code + ": " + m.text))\t\(m.length)\n"
            }.joined()
        case .fcpxml:
            return fcpxml(file, clock, marks)
        case .otio:
            return otio(file, clock, marks)
        case .csv:
            return csv(file, clock, marks)
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

    func oneLine(_ s: String) -> String {
        printable(s.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "|", with: "/"))
    }
}

private func safeName(_ s: String) -> String {
    String(s.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
}
