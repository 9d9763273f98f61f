import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import GreenlightCore
@testable import GreenlightReports
import GreenlightValues

/// What a strict reader of each marker format reads back: the marker's timecode, its colour
/// word and its length in frames, and its text.
struct ReadMarker: Equatable {
    var timecode: String
    var colour: String
    var frames: Int64
    var text: String
}

/// A file at `rate` starting at `start`, with an error, a warning and an info finding (left out
/// of every format), whose messages hold everything that could break a format.
func markerFile(rate: Rational, start: String, frames: [Int64]) -> FileReport {
    var media = MediaInfo(path: "/media/reel 1.mov", container: "mov", duration: 120, streams: [])
    var video = StreamInfo(index: 0, type: .video, codec: "prores", timeBase: Rational(1, 30000))
    video.averageFrameRate = rate
    media.streams = [video]
    media.startTimecode = start
    let severities: [Severity] = [.error, .warning, .info]
    let findings = frames.enumerated().map { i, frame in
        Finding(checker: "black", code: "black.segment", severity: severities[i % 3], placement: .programme,
                start: Double(frame) / rate.doubleValue, end: Double(frame + 12) / rate.doubleValue, startFrame: frame, endFrame: frame + 12,
                startTimecode: nil, endTimecode: nil, message: "Marker \(i) \"quoted\" <b>&amp;</b> |C:ResolveColorBlue\tTab\nNew line =1+1")
    }
    return FileReport(path: "/media/reel 1.mov", verdict: .fail, error: nil, media: media, findings: findings, summaries: [:])
}

enum StrictReader {
    static let tc = #"\d\d:\d\d:\d\d[:;]\d\d"#

    static func edl(_ text: String, dropFrame: Bool) throws -> [ReadMarker] {
        let lines = text.components(separatedBy: "\n")
        #expect(lines[0].hasPrefix("TITLE: "))
        #expect(lines[1] == (dropFrame ? "FCM: DROP FRAME" : "FCM: NON-DROP FRAME"))
        let event = try Regex("^(\\d{3})  001      V     C        (\(tc)) (\(tc)) (\(tc)) (\(tc))  $")
        let comment = try Regex(#"^ \|C:ResolveColor(Red|Yellow) \|M:([^|\n\t]*) \|D:(\d+)$"#)
        var out: [ReadMarker] = []
        var i = 3
        while i < lines.count, !lines[i].isEmpty {
            let e = try #require(lines[i].wholeMatch(of: event), "not an event line: \(lines[i])")
            let c = try #require(lines[i + 1].wholeMatch(of: comment), "not a marker comment: \(lines[i + 1])")
            #expect(Int(e.output[1].substring!)! == out.count + 1)
            #expect(e.output[2].substring == e.output[4].substring)
            #expect(lines[i + 2].isEmpty)
            out.append(ReadMarker(timecode: String(e.output[2].substring!), colour: String(c.output[1].substring!).lowercased(),
                                  frames: Int64(c.output[3].substring!)!, text: String(c.output[2].substring!)))
            i += 3
        }
        return out
    }

    static func avid(_ text: String) throws -> [ReadMarker] {
        try text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(f.count == 6, "six tab-separated fields: \(line)")
            #expect(f[0] == "greenlight" && f[2] == "V1")
            #expect(f[1].wholeMatch(of: try Regex(tc)) != nil)
            #expect(["red", "yellow"].contains(f[3]))
            return ReadMarker(timecode: f[1], colour: f[3], frames: try #require(Int64(f[5])), text: f[4])
        }
    }

    /// FCPXML through an XML parser: markers' rational-second starts become frames at the
    /// format's frame duration, then timecode in the sequence's tcFormat.
    static func fcpxml(_ text: String) throws -> [ReadMarker] {
        final class Collector: NSObject, XMLParserDelegate {
            var elements: [(String, [String: String])] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
                elements.append((name, attributes))
            }
        }
        let parser = XMLParser(data: Data(text.utf8))
        let collector = Collector()
        parser.delegate = collector
        try #require(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        func rational(_ s: String?) throws -> (Int64, Int64) {
            let s = try #require(s)
            let m = try #require(s.wholeMatch(of: try Regex(#"(\d+)(?:/(\d+))?s"#)), "not rational seconds: \(s)")
            return (Int64(m.output[1].substring!)!, m.output[2].substring.map { Int64($0)! } ?? 1)
        }
        let root = try #require(collector.elements.first)
        #expect(root.0 == "fcpxml" && root.1["version"] == "1.9")
        let format = try #require(collector.elements.first { $0.0 == "format" })
        let (fn, fd) = try rational(format.1["frameDuration"])  // one frame: fn/fd s
        let sequence = try #require(collector.elements.first { $0.0 == "sequence" })
        let drop = sequence.1["tcFormat"] == "DF"
        let rate = Rational(fd, fn)
        func frames(_ s: String?) throws -> Int64 {
            let (n, d) = try rational(s)
            #expect((n * fd) % (d * fn) == 0, "\(n)/\(d)s is not on a frame")
            return n * fd / (d * fn)
        }
        return try collector.elements.filter { $0.0 == "marker" }.map { _, a in
            let start = try frames(a["start"])
            return ReadMarker(timecode: Timecode(frameCount: start, rate: rate, dropFrame: drop).description,
                              colour: a["completed"] == "0" ? "red" : "yellow", frames: try frames(a["duration"]), text: a["value"] ?? "")
        }
    }

    static func otio(_ text: String) throws -> [ReadMarker] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(root["OTIO_SCHEMA"] as? String == "Timeline.1")
        let drop = ((root["metadata"] as? [String: Any])?["greenlight"] as? [String: Any])?["drop_frame"] as? Bool ?? false
        let stack = try #require(root["tracks"] as? [String: Any])
        let track = try #require((stack["children"] as? [[String: Any]])?.first)
        #expect(track["kind"] as? String == "Video")
        let clip = try #require((track["children"] as? [[String: Any]])?.first)
        #expect(clip["OTIO_SCHEMA"] as? String == "Clip.1")
        return try (clip["markers"] as? [[String: Any]] ?? []).map { m in
            #expect(m["OTIO_SCHEMA"] as? String == "Marker.2")
            let range = try #require(m["marked_range"] as? [String: Any])
            let start = try #require(range["start_time"] as? [String: Any]), duration = try #require(range["duration"] as? [String: Any])
            let fps = try #require(start["rate"] as? Double), value = try #require(start["value"] as? Double)
            #expect(value == value.rounded())
            let rate = try #require(Timecode.nearestSMPTERate(Rational(Int64((fps * 1001).rounded()), 1001)))
            return ReadMarker(timecode: Timecode(frameCount: Int64(value), rate: rate, dropFrame: drop).description,
                              colour: (m["color"] as? String ?? "").lowercased(), frames: Int64(try #require(duration["value"] as? Double)),
                              text: "\(m["name"] as? String ?? ""): \(m["comment"] as? String ?? "")")
        }
    }

    /// RFC 4180: quoted fields may hold commas, quotes (doubled) and line breaks; rows end in CRLF.
    static func csv(_ text: String) throws -> [ReadMarker] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if quoted {
                if c == "\"" {
                    let next = text.index(after: i)
                    if next < text.endIndex, text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { row.append(field); field = "" } else if c == "\r\n" {
                row.append(field); rows.append(row); row = []; field = ""
            } else { field.append(c) }
            i = text.index(after: i)
        }
        #expect(row.isEmpty && field.isEmpty && !quoted)
        let header = try #require(rows.first)
        #expect(header == ["file", "severity", "colour", "checker", "code", "start_timecode", "end_timecode", "start_frame", "end_frame", "duration_frames", "message"])
        return try rows.dropFirst().map { r in
            try #require(r.count == header.count)
            return ReadMarker(timecode: r[5], colour: r[2], frames: try #require(Int64(r[9])), text: "\(r[4]): \(r[10])")
        }
    }
}

@Suite struct MarkersRoundTripTests {
    /// (rate, start timecode, frames of three findings, the timecodes the two markers must read).
    static let cases: [(Rational, String, [Int64], [String])] = [
        (Rational(25, 1), "10:00:00:00", [125, 1000, 50], ["10:00:05:00", "10:00:40:00"]),
        // 23.976 counts timecode at 24 frames a second, non-drop.
        (Rational(24000, 1001), "01:00:00:00", [100, 86_400, 7], ["01:00:04:04", "02:00:00:00"]),
        // 29.97 drop-frame: from 00:00:59;00, 30 frames on is 00:01:00;02 (;00 and ;01 are dropped
        // at every minute but each tenth), and 17,982 frames (ten minutes) on is 00:10:59;00.
        (Rational(30000, 1001), "00:00:59;00", [30, 17_982, 3], ["00:01:00;02", "00:10:59;00"]),
    ]

    func check(_ format: MarkersReporter.Format, read: (String, Bool) throws -> [ReadMarker]) throws {
        for (rate, start, frames, expected) in Self.cases {
            let file = markerFile(rate: rate, start: start, frames: frames)
            let text = MarkersReporter(format: format).render(file)
            let markers = try read(text, start.contains(";"))
            #expect(markers.map(\.timecode) == expected, "\(format) at \(rate)")
            #expect(markers.map(\.colour) == ["red", "yellow"], "\(format) at \(rate)")
            #expect(markers.map(\.frames) == [12, 12])
            for m in markers {
                #expect(m.text.hasPrefix("black.segment: Marker "))
                #expect(m.text.contains("\"quoted\" <b>&amp;</b>"))  // read back as written, nothing interpreted
            }
        }
    }

    @Test func edl() throws { try check(.edl) { try StrictReader.edl($0, dropFrame: $1) } }
    @Test func avid() throws { try check(.avid) { t, _ in try StrictReader.avid(t) } }
    @Test func fcpxml() throws { try check(.fcpxml) { t, _ in try StrictReader.fcpxml(t) } }
    @Test func otio() throws { try check(.otio) { t, _ in try StrictReader.otio(t) } }
    @Test func csv() throws { try check(.csv) { t, _ in try StrictReader.csv(t) } }

    @Test func aSpreadsheetFormulaStaysText() throws {
        var file = markerFile(rate: Rational(25, 1), start: "00:00:00:00", frames: [0])
        file.findings[0].message = "=HYPERLINK(\"http://x\")"
        let rows = try StrictReader.csv(MarkersReporter(format: .csv).render(file))
        #expect(rows[0].text == "black.segment: '=HYPERLINK(\"http://x\")")
    }

    @Test func theFormatComesFromTheExtension() {
        #expect(MarkersReporter(path: "a/qc.FCPXML")?.format == .fcpxml)
        #expect(MarkersReporter(path: "qc.otio")?.format == .otio)
        #expect(MarkersReporter(path: "qc.csv")?.format == .csv)
        #expect(MarkersReporter(path: "qc.txt")?.format == .avid)
        #expect(MarkersReporter(path: "qc.xml") == nil)
    }
}
