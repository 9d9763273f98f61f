import Foundation
import GreenlightCore
import GreenlightValues

/// The Final Cut Pro, OpenTimelineIO and CSV marker files. Each is written through a
/// structure that escapes (XML text and attributes, a JSON serialiser, RFC 4180 quoting).
extension MarkersReporter {
    /// FCPXML 1.9: the media as an asset, a project whose spine holds the whole clip, and the
    /// markers on the clip at the clip's own timecode. Errors are to-do markers (FCP shows an
    /// unfinished to-do in red), warnings plain markers. Times are exact: frames times the
    /// frame duration, as rational seconds.
    func fcpxml(_ file: FileReport, _ clock: Clock, _ marks: [Marker]) -> String {
        let rate = clock.rate
        // One frame lasts den/num seconds: frame n of the timecode's count is n·den/num s.
        func time(_ frames: Int64) -> String {
            frames == 0 ? "0s" : "\(frames * rate.denominator)/\(rate.numerator)s"
        }
        let video = file.media?.primaryVideo
        let name = (file.path as NSString).lastPathComponent
        let first = clock.start.frameCount
        let length = clock.extent(marks)
        let tcFormat = clock.start.dropFrame ? "DF" : "NDF"
        let url = URL(fileURLWithPath: file.path).standardizedFileURL.absoluteString
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE fcpxml>
        <fcpxml version="1.9">
          <resources>
            <format id="r1" frameDuration="\(time(1))" width="\(video?.width ?? 1920)" height="\(video?.height ?? 1080)"/>
            <asset id="r2" name="\(escape(name))" start="\(time(first))" duration="\(time(length))" hasVideo="1" format="r1">
              <media-rep kind="original-media" src="\(escape(url))"/>
            </asset>
          </resources>
          <library>
            <event name="Greenlight QC">
              <project name="\(escape(name)) QC">
                <sequence format="r1" duration="\(time(length))" tcStart="\(time(first))" tcFormat="\(tcFormat)">
                  <spine>
                    <asset-clip ref="r2" name="\(escape(name))" offset="\(time(first))" start="\(time(first))" duration="\(time(length))" tcFormat="\(tcFormat)">

        """
        for m in marks {
            let todo = m.severity == .error ? " completed=\"0\"" : ""
            out += "              <marker start=\"\(time(first + m.frame))\" duration=\"\(time(m.length))\" value=\"\(escape(oneLine(m.code + ": " + m.text)))\" note=\"\(escape(m.checker))\"\(todo)/>\n"
        }
        out += """
                    </asset-clip>
                  </spine>
                </sequence>
              </project>
            </event>
          </library>
        </fcpxml>

        """
        return out
    }

    /// OpenTimelineIO: a timeline with one video track holding the clip (its source range at the
    /// file's timecode), and a marker per finding in the clip's time, coloured by severity.
    func otio(_ file: FileReport, _ clock: Clock, _ marks: [Marker]) -> String {
        let fps = clock.rate.doubleValue
        func rt(_ frames: Int64) -> [String: Any] { ["OTIO_SCHEMA": "RationalTime.1", "rate": fps, "value": Double(frames)] }
        func range(_ start: Int64, _ length: Int64) -> [String: Any] {
            ["OTIO_SCHEMA": "TimeRange.1", "start_time": rt(start), "duration": rt(length)]
        }
        let name = (file.path as NSString).lastPathComponent
        let first = clock.start.frameCount
        let length = clock.extent(marks)
        let markers: [[String: Any]] = marks.map { m in
            ["OTIO_SCHEMA": "Marker.2", "name": m.code, "color": m.severity == .error ? "RED" : "YELLOW",
             "marked_range": range(first + m.frame, m.length), "comment": m.text,
             "metadata": ["greenlight": ["severity": m.severity.rawValue, "checker": m.checker, "timecode": clock.timecode(m.frame)]]]
        }
        func item(_ schema: String, _ name: String, _ extra: [String: Any]) -> [String: Any] {
            ["OTIO_SCHEMA": schema, "name": name, "metadata": [String: Any](), "effects": [Any](), "markers": [Any](),
             "enabled": true, "source_range": NSNull()].merging(extra) { _, b in b }
        }
        let clip = item("Clip.1", name, [
            "source_range": range(first, length), "markers": markers,
            "media_reference": ["OTIO_SCHEMA": "ExternalReference.1", "name": name, "metadata": [String: Any](),
                                "target_url": URL(fileURLWithPath: file.path).standardizedFileURL.absoluteString,
                                "available_range": range(first, length)] as [String: Any],
        ])
        let track = item("Track.1", "V1", ["kind": "Video", "children": [clip]])
        let stack = item("Stack.1", "tracks", ["children": [track]])
        let timeline: [String: Any] = [
            "OTIO_SCHEMA": "Timeline.1", "name": "\(name) QC", "global_start_time": rt(first), "tracks": stack,
            "metadata": ["greenlight": ["drop_frame": clock.start.dropFrame, "start_timecode": clock.start.description]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: timeline, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// One row per marker: RFC 4180 (every field quoted, quotes doubled), and a cell that a
    /// spreadsheet would read as a formula (=, +, -, @) starts with an apostrophe instead.
    func csv(_ file: FileReport, _ clock: Clock, _ marks: [Marker]) -> String {
        func field(_ s: String) -> String {
            var v = printable(s)
            if let c = v.first, "=+-@".contains(c) { v = "'" + v }
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var out = "file,severity,colour,checker,code,start_timecode,end_timecode,start_frame,end_frame,duration_frames,message\r\n"
        for m in marks {
            let row = [field(file.path), m.severity.rawValue, m.severity == .error ? "red" : "yellow", field(m.checker), field(m.code),
                       clock.timecode(m.frame), clock.timecode(m.frame + m.length), "\(m.frame)", "\(m.frame + m.length)", "\(m.length)", field(m.text)]
            out += row.joined(separator: ",") + "\r\n"
        }
        return out
    }
}
