import Foundation
import Testing
import GreenlightCore
@testable import GreenlightReports
import GreenlightValues

func sampleReport() -> RunReport {
    var media = MediaInfo(path: "a.mov", container: "mov", duration: 8, streams: [])
    var video = StreamInfo(index: 0, type: .video, codec: "h264", timeBase: Rational(1, 12800))
    video.averageFrameRate = Rational(25, 1)
    media.streams = [video]
    media.startTimecode = "10:00:00:00"
    let mid = Finding(checker: "black", code: "black.segment", severity: .error, placement: .programme, start: 5, end: 5.48,
                      startFrame: 125, endFrame: 137, startTimecode: "10:00:05:00", endTimecode: "10:00:05:12",
                      message: "Black for 12 frames (0.48 s) mid-programme at 10:00:05:00 <&>", measurements: ["frames": 12])
    let head = Finding(checker: "black", code: "black.segment", severity: .info, placement: .head, start: 0, end: 1,
                       startFrame: 0, endFrame: 25, startTimecode: "10:00:00:00", endTimecode: "10:00:01:00", message: "head")
    let ok = FileReport(path: "a.mov", verdict: .fail, error: nil, media: media, findings: [head, mid],
                        summaries: ["black": ["segments": .integer(2)]])
    return RunReport(profile: "default", files: [ok, .unreadable("b.mov", "Cannot open the file: empty.")])
}

@Suite struct ReporterTests {
    @Test func jsonHasTheStableShape() throws {
        let data = try JSONReporter().render(sampleReport())
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(root.keys) == ["schemaVersion", "tool", "profile", "verdict", "files"])
        #expect(root["verdict"] as? String == "error")
        #expect(root["schemaVersion"] as? Int == 1)
        let files = try #require(root["files"] as? [[String: Any]])
        #expect(Set(files[0].keys) == ["path", "verdict", "error", "media", "findings", "summaries", "series"])
        #expect(files[0]["error"] is NSNull)
        #expect(files[1]["media"] is NSNull)
        #expect(files[1]["error"] as? String == "Cannot open the file: empty.")
        let finding = try #require((files[0]["findings"] as? [[String: Any]])?[1])
        #expect(finding["startFrame"] as? Int == 125)
        #expect(finding["endTimecode"] as? String == "10:00:05:12")
        #expect((finding["measurements"] as? [String: Any])?["frames"] as? Double == 12)
    }

    @Test func junitFailsOnlyErrorSeverityCheckers() throws {
        let xml = String(decoding: try JUnitReporter(checkers: ["black", "freeze"]).render(sampleReport()), as: UTF8.self)
        #expect(xml.contains(#"<testsuites name="greenlight" tests="6" failures="1" errors="1">"#))  // two checkers and the file health case, per file
        #expect(xml.contains(#"<failure message="Black for 12 frames (0.48 s) mid-programme at 10:00:05:00 &lt;&amp;&gt;" type="black.segment">"#))
        #expect(xml.contains(#"<testcase classname="a.mov" name="freeze" file="a.mov">"#))
    }

    @Test func markersSkipInfoAndUseTheFileTimecode() {
        let edl = MarkersReporter(format: .edl).render(sampleReport().files[0])
        #expect(edl.contains("001  001      V     C        10:00:05:00 10:00:05:01 10:00:05:00 10:00:05:01"))
        #expect(edl.contains("|C:ResolveColorRed |M:black.segment: Black for 12 frames"))
        #expect(edl.contains("|D:12"))
        #expect(!edl.contains("head"))
        let avid = MarkersReporter(format: .avid).render(sampleReport().files[0])
        #expect(avid.hasPrefix("greenlight\t10:00:05:00\tV1\tred\tblack.segment: "))
        #expect(avid.hasSuffix("\t12\n"))
    }

    @Test func htmlEscapesAndPlacesFindings() throws {
        let html = String(decoding: try HTMLReporter().render(sampleReport()), as: UTF8.self)
        #expect(html.contains("&lt;&amp;&gt;"))
        #expect(!html.contains("<&>"))
        #expect(html.contains("left:62.5%;width:6%"))  // 5 s of 8 s, 0.48 s wide
        #expect(html.contains("Cannot open the file: empty."))
        #expect(html.contains(#"<td class="num" data-v="125">125–136</td>"#))  // frames shown first to last, inclusive
    }

    @Test func textSummaryListsVerdictsAndTimecodes() {
        let text = TextReporter().text(sampleReport())
        #expect(text.contains("[FAIL]  a.mov"))
        #expect(text.contains("10:00:05:00–10:00:05:12"))
        #expect(text.contains("[ERROR] b.mov"))
        #expect(text.contains("2 files checked with profile default: 0 pass, 0 warn, 1 fail, 1 error. Verdict: ERROR"))
    }

    @Test func reportsAreWrittenAtomically() throws {
        // Atomic means a new file renamed over the old one: a reader holding the old report keeps
        // it whole, and the path never shows half a report. A plain overwrite keeps the inode.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gl-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nested/qc.json").path
        try JSONReporter().write(sampleReport(), to: path)
        func inode() throws -> UInt64 { try #require((try FileManager.default.attributesOfItem(atPath: path))[.systemFileNumber] as? UInt64) }
        let first = try inode()
        let reader = try #require(FileHandle(forReadingAtPath: path))
        defer { try? reader.close() }
        try "stale".write(toFile: path + ".keep", atomically: false, encoding: .utf8)
        try JSONReporter().write(sampleReport(), to: path)
        #expect(try inode() != first)  // replaced by rename, not rewritten in place
        let old = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        #expect(old.hasPrefix("{") && old.hasSuffix("}\n"))  // the open handle still reads a whole report
        let items = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("nested").path).sorted()
        #expect(items == ["qc.json", "qc.json.keep"])  // no temporary file left behind
    }
}
