import Foundation
import GreenlightSubtitles
import GreenlightValues
import Testing

/// Every parser: what it reads is a cue, and what it cannot make a cue of is a parse error
/// naming its line; nothing is dropped without a word.
@Suite struct NothingDroppedTests {
    func read(_ text: String, _ name: String) throws -> SubtitleDocument { try SubtitleFile.read(Data(text.utf8), name: name) }

    @Test func anSCCTimeCodeGoingBackwardsIsNamedAndSoIsTheCaptionItLoses() throws {
        // "Hello" shows at 5 s (EOC on line 3); line 5 goes back to 1 s and erases it (EDM):
        // it would be taken down before it appears. "Bye" shows at 8 s, down at 10 s.
        let scc = """
            Scenarist_SCC V1.0

            00:00:05:00\t9420 9420 94ae 94ae 9452 9452 c8e5 ecec ef80 942f 942f

            00:00:01:00\t942c 942c

            00:00:08:00\t9420 9420 94ae 94ae 9452 9452 c2f9 e580 942f 942f

            00:00:10:00\t942c 942c

            """
        let d = try read(scc, "back.scc")
        #expect(d.cues.map(\.text) == ["Bye"])
        #expect(d.errors.map(\.line) == [3, 5])
        #expect(d.errors.first?.message.contains("the caption \"Hello\" appears at 5.305 s and is taken down at 1.001 s (line 5), before it appears") == true)
        #expect(d.errors.last?.message.contains("the time code 00:00:01:00 is before the previous line's last pair (00:00:05:00)") == true)
        // A caption shown by the file's very last pair has no time on screen: said, not dropped.
        let last = try read("Scenarist_SCC V1.0\n\n00:00:02:00\t9420 9420 9452 9452 c8e9 942f\n", "last.scc")
        #expect(last.cues.isEmpty)
        #expect(last.errors.map(\.line) == [3])
        #expect(last.errors.first?.message.contains("appears with the file's last pair and is never taken down") == true)
    }

    @Test func aCueWithoutTheBlankLineBeforeItIsACue() throws {
        let srt = try read("1\n00:00:01,000 --> 00:00:02,000\nHello\n2\n00:00:03,000 --> 00:00:04,000\nWorld\n3\n00:00:05,000 --> 00:00:06,000\nA --> B\nstays text\n", "a.srt")
        #expect(srt.cues.map(\.text) == ["Hello", "World", "A --> B\nstays text"])
        #expect(srt.cues.map(\.number) == [1, 2, 3])
        #expect(srt.errors.isEmpty)
        // WebVTT as the W3C parser reads it: a cue right after the header, and cue text ending at "-->".
        let vtt = try read("WEBVTT\n00:01.000 --> 00:02.000\nHello\n00:03.000 --> 00:04.000 align:start\nWorld\n", "a.vtt")
        #expect(vtt.cues.map { [$0.start.seconds, $0.end.seconds] } == [[1, 2], [3, 4]])
        #expect(vtt.cues.map(\.text) == ["Hello", "World"])
        let signature = try read("WEBVTT 00:00:00.000 --> 00:00:01.000\ntext\n", "b.vtt")
        #expect(signature.cues.isEmpty && signature.errors.isEmpty)  // the signature line's text is the header's
    }

    @Test func anSTLSubtitleWithoutItsLastExtensionBlockIsKeptAndNamed() throws {
        var data = [UInt8](STLTests.stl([(tin: [10, 0, 1, 0], tout: [10, 0, 2, 0], text: Array("First".utf8)),
                                          (tin: [10, 0, 3, 0], tout: [10, 0, 4, 0], text: Array("Second".utf8))]))
        data[1024 + 3] = 0x00  // the first subtitle's only block says more blocks follow
        data[1024 + 128 + 3] = 0x00  // so does the last one, and the file ends
        let d = try SubtitleFile.read(Data(data), name: "a.stl")
        #expect(d.cues.map(\.text) == ["First", "Second"])
        #expect(d.errors.map(\.line) == [1, 2])
        #expect(d.errors.first?.message.contains("subtitle 1 has no last extension block (EBN FF) before subtitle 2 starts in block 2; read as it stands") == true)
        #expect(d.errors.last?.message.contains("before the file ends") == true)
    }

    @Test func aTTMLParagraphWithNoTimeAnywhereIsNamed() throws {
        let ttml = """
            <tt xmlns="http://www.w3.org/ns/ttml"><body><div>
            <p begin="1s" end="2s">Timed</p>
            <p>Never timed</p>
            <p begin="x">Bad time</p>
            </div></body></tt>
            """
        let d = try read(ttml, "a.ttml")
        #expect(d.cues.map(\.text) == ["Timed"])
        #expect(d.errors.map(\.line) == [3, 4])
        #expect(d.errors.first?.message.contains("a paragraph with no begin, end or dur, here or on any parent") == true)
        #expect(d.errors.last?.message.contains("cannot read begin=\"x\"") == true)
    }
}

/// A subtitle file is read as what it holds, whatever its name says.
@Suite struct FormatByContentTests {
    static let srt = "1\n00:00:01,000 --> 00:00:02,000\nOne\n\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n"
    static let vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\nOne\n\n00:03.000 --> 00:04.000\nTwo\n"
    static let ttml = "<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><div><p begin=\"1s\" end=\"2s\">One</p><p begin=\"3s\" end=\"4s\">Two</p></div></body></tt>\n"

    @Test(arguments: [("a.webvtt", vtt, "WebVTT"), ("a.txt", srt, "SubRip"), ("a", srt, "SubRip"), ("a.xml", ttml, "TTML"),
                      ("a.dfxp", ttml, "TTML"), ("a.ttml2", ttml, "TTML"), ("a.srt", vtt, "WebVTT"), ("a.data", ttml, "TTML"),
                      ("captions", vtt, "WebVTT")])
    func readByWhatItHolds(name: String, text: String, format: String) throws {
        let d = try SubtitleFile.read(Data(text.utf8), name: name)
        #expect(d.format == format, "\(name)")
        #expect(d.cues.map(\.text) == ["One", "Two"], "\(name)")
        #expect(d.errors.isEmpty, "\(name): \(d.errors)")
    }

    @Test func anUnknownFormatNamesWhatWasTried() {
        #expect(throws: SubtitleFile.ReadError.self) { try SubtitleFile.read(Data("Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,Hi\n".utf8), name: "a.ass") }
        do {
            _ = try SubtitleFile.read(Data("just some words\n".utf8), name: "notes.md")
        } catch {
            #expect("\(error)".contains("a WEBVTT header, SubRip's numbered cues with '-->', a TTML <tt> root, the SCC header 'Scenarist_SCC V1.0', an EBU STL GSI block"))
        }
        // A .vtt without its header is not WebVTT (the W3C parser gives no cues), even if it looks like SubRip.
        let headless = try? SubtitleFile.read(Data("1\n00:01.000 --> 00:02.000\nOne\n".utf8), name: "a.vtt")
        #expect(headless?.cues.isEmpty == true && headless?.errors.first?.message.contains("starts with 'WEBVTT'") == true)
    }
}
