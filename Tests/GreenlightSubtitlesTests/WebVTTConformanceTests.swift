import Foundation
import GreenlightSubtitles
import GreenlightValues
import Testing

/// WebVTT read as the W3C parsing algorithm says, checked against the test suites in
/// ../shared/corpora/subtitles: vtt.js's expected cues (every test with its own JSON) and the
/// web-platform-tests file-parsing assertions (as the corpus README gives them).
@Suite struct WebVTTConformanceTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/subtitles").path

    /// What a viewer reads of an expected cue text: tags and the common entities resolved.
    func visible(_ text: String) -> String {
        var out = text.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        for (entity, value) in [("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", "\u{00A0}"), ("&amp;", "&")] { out = out.replacingOccurrences(of: entity, with: value) }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func vttJSExpectedCues() throws {
        let folder = "\(Self.corpus)/vtt.js/tests"
        guard FileManager.default.fileExists(atPath: folder), let walker = FileManager.default.enumerator(atPath: folder) else {
            print("skipped: \(Self.corpus) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        // vtt.js reads a first field of three or more digits as hours even with no seconds field
        // (000:00.000, 120:00.000); the W3C algorithm asks for hh:mm:ss then, so these have no cue.
        let departures: Set<String> = ["cue-times/min-top-digits.vtt", "cue-times/minimum-spots-over-sixty.vtt"]
        var compared = 0
        for case let name as String in walker where name.hasSuffix(".vtt") {
            let expected = "\(folder)/\(name.dropLast(4)).json"
            guard FileManager.default.fileExists(atPath: expected) else { continue }
            let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: expected))) as? [String: Any])
            let want = (root["cues"] as? [[String: Any]] ?? []).map {
                (start: $0["startTime"] as? Double ?? -1, end: $0["endTime"] as? Double ?? -1, text: visible($0["text"] as? String ?? ""))
            }
            let got = try SubtitleFile.read(path: "\(folder)/\(name)").cues
            compared += 1
            if departures.contains(name) {
                #expect(got.isEmpty, "\(name)")
                continue
            }
            #expect(got.count == want.count, "\(name): \(got.count) cues, vtt.js \(want.count)")
            for (g, w) in zip(got, want) {
                #expect(abs(g.start.seconds - w.start) < 0.0006 && abs(g.end.seconds - w.end) < 0.0006, "\(name): \(g.start.seconds)-\(g.end.seconds), vtt.js \(w.start)-\(w.end)")
                #expect(g.text.trimmingCharacters(in: .whitespacesAndNewlines) == w.text, "\(name): \(g.text) against \(w.text)")
            }
        }
        #expect(compared == 14)
    }

    @Test func webPlatformTestsFileParsing() throws {
        let folder = "\(Self.corpus)/webvtt.js/test/wpt-file-parsing"
        guard FileManager.default.fileExists(atPath: folder) else {
            print("skipped: \(Self.corpus) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        func cues(_ name: String) throws -> [SubtitleCue] { try SubtitleFile.read(path: "\(folder)/\(name).vtt").cues }
        let arrows = try cues("arrows")
        #expect(arrows.map(\.text) == (0...5).map { "text\($0)" })
        for name in ["signature-bom", "signature-no-newline", "signature-space-no-newline", "signature-space", "signature-tab-no-newline",
                     "signature-tab", "signature-timings", "timings-eof", "timings-garbage"] {
            #expect(try cues(name).isEmpty, "\(name)")
        }
        for name in ["header-garbage", "header-space", "header-tab", "header-timings"] {
            let got = try cues(name)
            #expect(got.map { "\($0.text) \($0.start.seconds)-\($0.end.seconds)" } == ["text 0.0-1.0"], "\(name)")
        }
    }
}
