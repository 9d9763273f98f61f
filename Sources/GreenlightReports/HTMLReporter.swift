import Foundation
import GreenlightCore
import GreenlightValues

/// A self-contained HTML page: the run's verdict, then per file its media, a timeline with every
/// finding placed on it, and the findings table. No scripts, no external resources.
public struct HTMLReporter: Reporter {
    public init() {}

    public func render(_ report: RunReport) throws -> Data {
        var h = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Greenlight QC report</title>
        <style>
        body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}
        h1{font-size:1.4em} h2{font-size:1.1em;margin-top:2em;word-break:break-all}
        .v{display:inline-block;padding:.1em .6em;border-radius:.3em;color:#fff;font-weight:600}
        .pass{background:#2e7d32}.warn{background:#ef6c00}.fail{background:#c62828}.error{background:#6a1b9a}
        table{border-collapse:collapse;margin-top:.5em} td,th{padding:.25em .7em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
        .tl{position:relative;height:14px;background:#eee;border-radius:3px;margin:.6em 0;max-width:60em}
        .tl span{position:absolute;top:0;height:14px;min-width:2px;opacity:.85}
        .s-info{background:#1565c0}.s-warning{background:#ef6c00}.s-error{background:#c62828}
        .err{color:#6a1b9a;font-weight:600} .meta{color:#555}
        </style></head><body>
        <h1>Greenlight QC report <span class="v \(report.verdict.rawValue)">\(report.verdict.rawValue.uppercased())</span></h1>
        <p class="meta">\(report.files.count) file(s), profile <b>\(escape(report.profile))</b>, \(escape(report.tool.name)) \(escape(report.tool.version))</p>

        """
        for file in report.files {
            h += "<h2><span class=\"v \(file.verdict.rawValue)\">\(file.verdict.rawValue.uppercased())</span> \(escape(file.path))</h2>\n"
            if let e = file.error { h += "<p class=\"err\">\(escape(e))</p>\n" }
            if let m = file.media {
                var parts = [m.containerLongName ?? m.container]
                if let v = m.primaryVideo { parts.append("\(v.codec) \(v.width ?? 0)×\(v.height ?? 0) \(v.numberingRate?.description ?? "") fps \(v.pixelFormat ?? "")") }
                for a in m.audioStreams { parts.append("\(a.codec) \(a.channelLayout ?? "") \(a.sampleRate ?? 0) Hz") }
                if let d = m.duration { parts.append(formatSeconds(d)) }
                if let tc = m.startTimecode { parts.append("TC \(tc)") }
                h += "<p class=\"meta\">\(escape(parts.joined(separator: " · ")))</p>\n"
                if let d = m.duration, d > 0, !file.findings.isEmpty {
                    h += "<div class=\"tl\">"
                    for f in file.findings {
                        let left = max(0, min(100, f.start / d * 100)), width = max(0, min(100 - left, (f.end - f.start) / d * 100))
                        h += "<span class=\"s-\(f.severity.rawValue)\" style=\"left:\(formatNumber(left))%;width:\(formatNumber(width))%\" title=\"\(escape(f.message))\"></span>"
                    }
                    h += "</div>\n"
                }
            }
            if !file.findings.isEmpty {
                let pictures = Dictionary(file.thumbnails.map { ($0.finding, $0) }, uniquingKeysWith: { a, _ in a })
                let pictureColumn = pictures.isEmpty ? "" : "<th>First frame</th>"
                h += "<table><tr><th>Severity</th><th>Start</th><th>End</th><th>Frames (first–last)</th><th>Code</th><th>Finding</th>\(pictureColumn)</tr>\n"
                for (index, f) in file.findings.enumerated() {
                    // People count frames inclusively: a single black frame 75 reads "75", not "75–76".
                    let frames: String
                    if let s = f.startFrame, let e = f.endFrame, e - 1 > s { frames = "\(s)–\(e - 1)" }
                    else { frames = f.startFrame.map(String.init) ?? "" }
                    h += "<tr><td><span class=\"v s-\(f.severity.rawValue)\">\(f.severity.rawValue)</span></td><td>\(escape(f.startLabel))</td>"
                    h += "<td>\(escape(f.endLabel))</td><td>\(frames)</td><td><code>\(escape(f.code))</code></td><td>\(escape(f.message))</td>"
                    if !pictures.isEmpty {
                        if let t = pictures[index] {
                            h += "<td><img width=\"\(t.width)\" height=\"\(t.height)\" alt=\"first frame\" src=\"data:image/png;base64,\(t.png.base64EncodedString())\"></td>"
                        } else {
                            h += "<td></td>"
                        }
                    }
                    h += "</tr>\n"
                }
                h += "</table>\n"
            } else if file.error == nil {
                h += "<p>No findings.</p>\n"
            }
        }
        h += "</body></html>\n"
        return Data(h.utf8)
    }
}
