import Foundation
import GreenlightSubtitles
import GreenlightValues
import Testing

@Suite struct SubtitleFileTests {
    static let srt = "1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Bonjour</i> à tous\r\n\r\n2\r\n00:00:03,040 --> 00:00:04,000\r\nDeux\r\nlignes\r\n"
    static let vtt = "WEBVTT - a header\n\nNOTE not a cue\n\nid-1\n00:01.000 --> 00:02.500 line:80%\n<v Bob>Bonjour</v> à tous &amp; bienvenue\n\n00:00:03.040 --> 00:00:04.000\nDeux\nlignes\n"

    func times(_ d: SubtitleDocument) -> [[Double]] { d.cues.map { [$0.start.seconds, $0.end.seconds] } }

    @Test func srtAndWebVTTGiveTheSameCues() throws {
        let a = try SubtitleFile.read(Data(Self.srt.utf8), name: "a.srt")
        let b = try SubtitleFile.read(Data(Self.vtt.utf8), name: "a.vtt")
        #expect(a.format == "SubRip" && b.format == "WebVTT")
        #expect(times(a) == [[1, 2.5], [3.04, 4]])
        #expect(times(a) == times(b))
        #expect(a.cues.map(\.text) == ["Bonjour à tous", "Deux\nlignes"])
        #expect(b.cues.map(\.text) == ["Bonjour à tous & bienvenue", "Deux\nlignes"])
        #expect(a.errors.isEmpty && b.errors.isEmpty)
    }

    @Test func eachBadBlockIsAnErrorWithItsLineAndTheRestIsRead() throws {
        let text = "1\n00:00:01,000 --> 00:00:02,000\nGood\n\n2\n00:00:03,000 --> 00:00:0x,000\nBad time\n\nnot a cue at all\n\n4\n00:00:05,000 --> 00:00:06,000\nGood again\n"
        let d = try SubtitleFile.read(Data(text.utf8), name: "b.srt")
        #expect(d.cues.map(\.text) == ["Good", "Good again"])
        #expect(d.errors.map(\.line) == [6, 9])
        #expect(d.errors.first?.message.contains("cannot read the times") == true)
        let vtt = try SubtitleFile.read(Data("not webvtt\n".utf8), name: "c.vtt")
        #expect(vtt.errors.map(\.line) == [1])
    }

    @Test func encodingsAreDetectedAndNamed() throws {
        let text = "1\n00:00:01,000 --> 00:00:02,000\n"
        func doc(_ data: Data) throws -> SubtitleDocument { try SubtitleFile.read(data, name: "x.srt") }
        let french = "\(text)ÉVÉNEMENTS à l'été, déjà vu\n"
        let russian = "\(text)Из зоре времена долазимо, привет\n"
        let croatian = "\(text)Čuješ li, ćao, žena šešir đak\n"
        #expect(try doc(french.data(using: .windowsCP1252)!).encoding == "Windows-1252 (detected)")
        #expect(try doc(russian.data(using: .windowsCP1251)!).encoding == "Windows-1251 (detected)")
        #expect(try doc(croatian.data(using: .windowsCP1250)!).encoding == "Windows-1250 (detected)")
        #expect(try doc(french.data(using: .windowsCP1252)!).cues.first?.text == "ÉVÉNEMENTS à l'été, déjà vu")
        #expect(try doc(Data([0xFF, 0xFE]) + french.data(using: .utf16LittleEndian)!).encoding == "UTF-16LE with BOM")
        #expect(try doc(Data([0xFE, 0xFF]) + french.data(using: .utf16BigEndian)!).encoding == "UTF-16BE with BOM")
        #expect(try doc(Data([0xEF, 0xBB, 0xBF]) + Data(french.utf8)).encoding == "UTF-8 with BOM")
        #expect(try doc(Data(french.utf8)).encoding == "UTF-8")
    }

    @Test func formatsNotReadYetSaySo() {
        #expect(throws: SubtitleFile.ReadError.self) { try SubtitleFile.read(Data("<tt/>".utf8), name: "a.ttml") }
    }

    @Test func randomAndMutatedBytesNeverCrashOrHang() throws {
        var state: UInt64 = 42
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let seeds = [Data(Self.srt.utf8), Data(Self.vtt.utf8)]
        for i in 0..<2000 {
            var bytes = [UInt8](seeds[i % 2])
            if i % 3 == 0 {
                bytes = (0..<Int(next() % 400)).map { _ in UInt8(truncatingIfNeeded: next()) }
            } else {
                for _ in 0..<Int(next() % 12 + 1) where !bytes.isEmpty {
                    let at = Int(next() % UInt64(bytes.count))
                    switch next() % 3 {
                    case 0: bytes[at] = UInt8(truncatingIfNeeded: next())
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(UInt8(truncatingIfNeeded: next()), at: at)
                    }
                }
            }
            let d = try SubtitleFile.read(Data(bytes), name: i % 2 == 0 ? "f.srt" : "f.vtt")
            #expect(d.cues.allSatisfy { $0.number >= 1 })
        }
    }

    @Test func everyTextFileOfTheCorpusParses() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/subtitles").path
        guard let walker = FileManager.default.enumerator(atPath: corpus) else {
            print("skipped: \(corpus) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        var read = 0
        for case let name as String in walker where ["srt", "vtt"].contains((name as NSString).pathExtension.lowercased()) {
            _ = try SubtitleFile.read(path: "\(corpus)/\(name)")
            read += 1
        }
        #expect(read >= 90)
        // Release files in odd encodings read without a parse error, in the encoding they are in.
        for (file, encoding, cues) in [("real/pysrt__windows-1252.srt", "Windows-1252 (detected)", 1332),
                                       ("real/subedit__auto_detect_windows-1251.srt", "Windows-1251 (detected)", 595),
                                       ("real/pysrt__bom-utf-16-le.srt", "UTF-16LE with BOM", 7),
                                       ("real/webvttpy__netflix_chicas_del_cable.vtt", "UTF-8", 865)] {
            let d = try SubtitleFile.read(path: "\(corpus)/\(file)")
            #expect(d.encoding == encoding && d.cues.count == cues && d.errors.isEmpty, "\(file): \(d.encoding), \(d.cues.count), \(d.errors.prefix(2))")
        }
    }
}
