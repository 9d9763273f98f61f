import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import GreenlightCore
@testable import GreenlightReports
import GreenlightValues

@Suite struct HardeningReporterTests {
    func report(path: String, findings: [Finding], error: String? = nil) -> RunReport {
        var media = MediaInfo(path: path, container: "mov", duration: 8, streams: [])
        var video = StreamInfo(index: 0, type: .video, codec: "h264", timeBase: Rational(1, 12800))
        video.averageFrameRate = Rational(25, 1)
        media.streams = [video]
        let verdict = error != nil ? Verdict.error : Verdict(findings: findings)
        return RunReport(profile: "delivery", files: [FileReport(path: path, verdict: verdict, error: error, media: media, findings: findings, summaries: [:])])
    }

    let damage = Finding(checker: "decode", code: "decode.damaged", severity: .error, placement: nil, start: 5.2, end: 5.32,
                         startFrame: 130, endFrame: 133, startTimecode: "00:00:05:05", endTimecode: "00:00:05:08",
                         message: "The decoder rejected 2 damaged packet(s)")

    @Test func decoderDamageFailsTheFileHealthCase() throws {
        let xml = String(decoding: try JUnitReporter(checkers: ["black"]).render(report(path: "c.mp4", findings: [damage])), as: UTF8.self)
        #expect(xml.contains(#"<testsuites name="greenlight" tests="2" failures="1" errors="0">"#))
        #expect(xml.contains(#"<testcase classname="c.mp4" name="file health" file="c.mp4">"# + "\n" + #"      <failure message="The decoder rejected 2 damaged packet(s)" type="decode.damaged">"#))
        #expect(xml.contains(#"<testcase classname="c.mp4" name="black" file="c.mp4">"# + "\n    </testcase>"))  // black itself passed
    }

    @Test func anUnreadableFileIsAnErrorOfItsHealthCase() throws {
        let xml = String(decoding: try JUnitReporter(checkers: ["black"]).render(report(path: "t.mp4", findings: [], error: "truncated")), as: UTF8.self)
        #expect(xml.contains(#"name="file health" file="t.mp4">"# + "\n" + #"      <error message="truncated"/>"#))
    }

    @Test func controlCharactersInNamesKeepJUnitWellFormed() throws {
        let name = "bad\u{1B}[31mname\u{07}\u{0}.mov"
        let data = try JUnitReporter(checkers: ["black"]).render(report(path: name, findings: [damage]))
        let parser = XMLParser(data: data)
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        let xml = String(decoding: data, as: UTF8.self)
        #expect(xml.contains(#"bad\u{1B}[31mname\u{7}\u{0}.mov"#))
        let text = TextReporter().text(report(path: name, findings: [damage]))
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let edl = MarkersReporter(format: .edl).render(report(path: name, findings: [damage]).files[0])
        #expect(!edl.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(edl.hasPrefix(#"TITLE: bad\u{1B}[31mname\u{7}\u{0}.mov QC"#))
    }

    @Test func markersNeverCarryNegativeTimecode() {
        // Audio that starts a frame before the first picture: silence found at -0.04 s.
        let early = Finding(checker: "silence", code: "silence.segment", severity: .warning, placement: .programme, start: -0.04, end: 3,
                            startFrame: -1, endFrame: 75, startTimecode: "-00:00:00:01", endTimecode: "00:00:03:00", message: "Silence")
        let file = report(path: "a.mov", findings: [early]).files[0]
        let edl = MarkersReporter(format: .edl).render(file)
        #expect(!edl.contains("-00:"))
        #expect(edl.contains("001  001      V     C        00:00:00:00 00:00:00:01 00:00:00:00 00:00:00:01"))
        #expect(edl.contains("(starts 0.04 s before the first picture; marked at the first frame)"))
        let avid = MarkersReporter(format: .avid).render(file)
        #expect(avid.hasPrefix("greenlight\t00:00:00:00\t"))
    }

    @Test func mediaWithTheSameNameGetTheirOwnMarkerFiles() {
        let targets = MarkersReporter.targets(for: ["a/clip.mov", "b/clip.mov", "b/clip.mp4", "c/other.mov"], path: "out/qc.edl")
        #expect(targets == ["out/qc-a_clip_mov.edl", "out/qc-b_clip_mov.edl", "out/qc-clip_mp4.edl", "out/qc-other.edl"])
        #expect(Set(targets).count == 4)
        #expect(MarkersReporter.targets(for: ["x.mov"], path: "qc.edl") == ["qc.edl"])
    }

    @Test func aRateWithoutTimecodeGetsNoMarkers() throws {
        var r = report(path: "odd.mp4", findings: [damage])
        r.files[0].media?.streams[0].averageFrameRate = Rational(24613, 1000)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gl-m-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try MarkersReporter(format: .edl).write(r, to: dir.appendingPathComponent("m.edl").path)
        #expect(result.written.isEmpty)
        #expect(result.skipped == ["odd.mp4: no markers: its frame rate (24.613 fps) has no SMPTE timecode"])
    }

    @Test func clockLabelsForRatesWithoutTimecode() {
        let f = Finding(checker: "black", code: "black.segment", severity: .warning, placement: .programme, start: 50, end: 50.5,
                        startFrame: 1230, endFrame: 1243, startTimecode: nil, endTimecode: nil, message: "Black")
        #expect(f.startLabel == "00:00:50.000" && f.endLabel == "00:00:50.500")
    }
}
