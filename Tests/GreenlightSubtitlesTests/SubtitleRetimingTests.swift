import Foundation
import Testing
@testable import GreenlightSubtitles
import GreenlightValues

/// Corrected copies: only the times change, the way they were written, in the file's encoding.
@Suite struct SubtitleRetimingTests {
    func retime(_ text: String, _ name: String, _ c: SubtitleRetiming.Correction) throws -> String {
        String(decoding: try SubtitleRetiming.retime(Data(text.utf8), name: name, c), as: UTF8.self)
    }

    @Test func subRipTimesMoveAndNothingElse() throws {
        let srt = "1\r\n00:00:03,500 --> 00:00:05,000\r\nAt 00:00:03,500 exactly\r\n\r\n2\r\n01:00:02,000 --> 01:00:04,250\r\n<i>Later</i>\r\n"
        let out = try retime(srt, "a.srt", .init(offset: 2))
        // The times on timing lines moved 2 s earlier; the same time in the text is text; CRLF kept.
        #expect(out == "1\r\n00:00:01,500 --> 00:00:03,000\r\nAt 00:00:03,500 exactly\r\n\r\n2\r\n01:00:00,000 --> 01:00:02,250\r\n<i>Later</i>\r\n")
    }

    @Test func webVTTKeepsItsLayoutSettingsNotesAndInlineTimes() throws {
        let vtt = "\u{FEFF}WEBVTT\n\nNOTE made at 00:00:10.000\n\n00:10.000 --> 00:12.500 line:80% align:start\nOne <00:11.000>two\n\n01:00:00.000 --> 01:00:01.000\nLate\n"
        let data = try SubtitleRetiming.retime(Data(vtt.utf8), name: "b.vtt", .init(offset: -0.5))
        let out = String(decoding: data, as: UTF8.self)
        #expect(out == "\u{FEFF}WEBVTT\n\nNOTE made at 00:00:10.000\n\n00:10.500 --> 00:13.000 line:80% align:start\nOne <00:11.500>two\n\n01:00:00.500 --> 01:00:01.500\nLate\n")
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
    }

    @Test func aDriftStretchesAndAStepMovesTheRestOtherwise() throws {
        let srt = "1\n00:00:10,000 --> 00:00:12,000\nA\n\n2\n00:01:00,000 --> 00:01:02,000\nB\n"
        // Timed at 25 fps for 24: every time × 25/24; undone.
        #expect(try retime(srt, "c.srt", .init(offset: 0, factor: 25.0 / 24)) == "1\n00:00:09,600 --> 00:00:11,520\nA\n\n2\n00:00:57,600 --> 00:00:59,520\nB\n")
        // 1 s late up to the reel break at 30 s, 3 s late after it.
        #expect(try retime(srt, "c.srt", .init(offset: 1, stepAt: 30, offsetAfterStep: 3)) == "1\n00:00:09,000 --> 00:00:11,000\nA\n\n2\n00:00:57,000 --> 00:00:59,000\nB\n")
    }

    @Test func ttmlTopLevelTimesMoveNestedOnesOnlyStretch() throws {
        let ttml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="25">
          <body><div>
            <p begin="00:00:10.000" end="00:00:12.000">One</p>
            <p begin="20s" dur="2s">Two</p>
            <div begin="00:00:30:00"><p begin="1s" end="00:00:02:12">Three</p></div>
          </div></body>
        </tt>
        """
        let out = try retime(ttml, "d.ttml", .init(offset: 2, factor: 2))
        #expect(out.contains(#"<p begin="00:00:04.000" end="00:00:05.000">One</p>"#))
        #expect(out.contains(#"<p begin="9s" dur="1s">Two</p>"#))
        // The div moves; its paragraph, relative to it, only stretches: 1 s → 0.5 s, 2.48 s → 1.24 s.
        #expect(out.contains(#"<div begin="00:00:14:00"><p begin="0.5s" end="00:00:01:06">Three</p></div>"#), "\(out)")
        #expect(throws: SubtitleRetiming.Failure.ttml("times relative to a parent's begin cannot be split at a step")) {
            _ = try retime(ttml, "d.ttml", .init(offset: 2, stepAt: 25, offsetAfterStep: 3))
        }
    }

    @Test func theFilesOwnEncodingIsKept() throws {
        // Windows-1251 Cyrillic, as real broadcast files come.
        let text = "1\n00:00:05,000 --> 00:00:06,000\nПривет, как дела?\n"
        let data = try #require(text.data(using: .windowsCP1251))
        let out = try SubtitleRetiming.retime(data, name: "e.srt", .init(offset: 1))
        #expect(String(data: out, encoding: .windowsCP1251) == "1\n00:00:04,000 --> 00:00:05,000\nПривет, как дела?\n")
    }

    @Test func sccIsNotRewritten() throws {
        let scc = "Scenarist_SCC V1.0\n\n00:00:01:00\t9420 9420 94ae 94ae 9452 9452 97a2 97a2 c8e9 942c 942c 8080 8080 942f 942f\n"
        #expect(throws: SubtitleRetiming.Failure.unsupported("SCC (CEA-608)")) { _ = try retime(scc, "f.scc", .init(offset: 1)) }
    }
}
