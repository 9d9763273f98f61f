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

    @Test func formatsNotReadSaySo() {
        #expect(throws: SubtitleFile.ReadError.self) { try SubtitleFile.read(Data("[Script Info]".utf8), name: "a.ass") }
    }

    @Test func randomAndMutatedBytesNeverCrashOrHang() throws {
        var state: UInt64 = 42
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let seeds = [Data(Self.srt.utf8), Data(Self.vtt.utf8),
                     Data(#"<tt xmlns="http://www.w3.org/ns/ttml"><body><div timeContainer="seq"><p begin="00:00:01:12" end="2.5s">a<br/>b<span begin="1s">c</span></p></div></body></tt>"#.utf8)]
        for i in 0..<3000 {
            var bytes = [UInt8](seeds[i % 3])
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
            let d = try SubtitleFile.read(Data(bytes), name: ["f.srt", "f.vtt", "f.ttml"][i % 3])
            let scc = try SubtitleFile.read(Data("Scenarist_SCC V1.0\n\n00:00:01;00\t".utf8) + Data(bytes), name: "f.scc")
            #expect(scc.cues.allSatisfy { $0.end > $0.start })
            let stl = try SubtitleFile.read(Data(bytes + bytes + bytes + bytes + [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 1024)), name: "f.stl")
            #expect(stl.cues.count <= (bytes.count * 4 + 1024) / 128)
            #expect(d.cues.allSatisfy { $0.number >= 1 })
        }
    }

    @Test func everyTextFileOfTheCorpusParses() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/subtitles").path
        // (An enumerator of a missing folder is not nil on Linux: ask first.)
        guard FileManager.default.fileExists(atPath: corpus), let walker = FileManager.default.enumerator(atPath: corpus) else {
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

@Suite struct TTMLTests {
    func read(_ xml: String) throws -> SubtitleDocument { try SubtitleFile.read(Data(xml.utf8), name: "t.ttml") }
    func times(_ d: SubtitleDocument) -> [[Double]] { d.cues.map { [($0.start.seconds * 1000).rounded() / 1000, ($0.end.seconds * 1000).rounded() / 1000] } }
    let head = #"<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter""#

    @Test func clockFramesTicksAndOffsetsGiveTheSameTimesAsSubRip() throws {
        let srt = try SubtitleFile.read(Data(SubtitleFileTests.srt.utf8), name: "a.srt")
        let clock = try read(#"\#(head)><body><div><p begin="00:00:01.000" end="00:00:02.500">Bonjour à tous</p><p begin="00:00:03.040" end="00:00:04.000">Deux<br/>lignes</p></div></body></tt>"#)
        let frames = try read(#"\#(head) ttp:frameRate="25"><body><div><p begin="00:00:01:00" end="00:00:02:12.5">Bonjour à tous</p><p begin="76f" end="100f">Deux<br/>lignes</p></div></body></tt>"#)
        let ticks = try read(#"\#(head) ttp:tickRate="10000000"><body><div><p begin="10000000t" end="25000000t">Bonjour à tous</p><p begin="30400000t" dur="9600000t">Deux<br/>lignes</p></div></body></tt>"#)
        for d in [clock, ticks] {
            #expect(times(d) == times(srt))
            #expect(d.cues.map(\.text) == srt.cues.map(\.text))
            #expect(d.errors.isEmpty)
        }
        // 00:00:02:12.5 at 25 fps with the default sub-frame rate of 1: 12.5 frames is not a frame.
        #expect(times(frames)[1] == [3.04, 4])
    }

    @Test func timingNestsAndSequencesAccumulate() throws {
        let d = try read(#"\#(head)><body begin="10s"><div begin="1s"><p begin="1s" end="2s">a</p></div><div timeContainer="seq" begin="20s"><p dur="1s">b</p><p begin="0.5s" dur="1s">c</p></div></body></tt>"#)
        #expect(times(d) == [[12, 13], [30, 31], [31.5, 32.5]])
    }

    @Test func aProgrammeStartAtTenHoursIsSubtractedAndSaid() throws {
        let d = try read(#"\#(head)><body><div><p begin="10:00:05.000" end="10:00:07.000">x</p><p begin="10:00:08.000" end="10:00:09.000">y</p></div></body></tt>"#)
        #expect(d.offsetSeconds == 36_000)
        #expect(times(d) == [[5, 7], [8, 9]])
    }

    @Test func entitiesAreRefused() throws {
        let bomb = #"<?xml version="1.0"?><!DOCTYPE tt [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\#(head)><body><div><p begin="0s" end="1s">&b;</p></div></body></tt>"#
        let d = try read(bomb)
        #expect(d.cues.isEmpty)
        #expect(d.errors.first?.message.contains("entities") == true)
    }

    @Test func theW3CSuitesInvalidTimingIsCaughtAndIMSCTimingIsRead() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/subtitles").path
        // (An enumerator of a missing folder is not nil on Linux: ask first.)
        guard FileManager.default.fileExists(atPath: corpus), let walker = FileManager.default.enumerator(atPath: corpus) else {
            print("skipped: \(corpus) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        var files = 0
        for case let name as String in walker where ["ttml", "xml", "dfxp", "scc"].contains((name as NSString).pathExtension.lowercased()) {
            let d = try SubtitleFile.read(path: "\(corpus)/\(name)")
            files += 1
            if name.contains("invld-bad-begin") || name.contains("invalid-bad-begin") { #expect(!d.errors.isEmpty, "\(name)") }
            if name.hasPrefix("imsc-tests/imsc1/ttml/timing/") { #expect(d.errors.isEmpty && !d.cues.isEmpty, "\(name): \(d.errors.prefix(2))") }
        }
        #expect(files >= 70)
    }
}

@Suite struct STLTests {
    /// A GSI block (STL25.01, Latin, start of programme 10:00:00:00) and one TTI block per cue.
    static func stl(_ cues: [(tin: [UInt8], tout: [UInt8], text: [UInt8])], dfc: String = "STL25.01") -> Data {
        var gsi = [UInt8](repeating: 0x20, count: 1024)
        func put(_ s: String, _ at: Int) { for (i, b) in s.utf8.enumerated() { gsi[at + i] = b } }
        put("850", 0); put(dfc, 3); put("00", 12); put("10000000", 256)
        var out = gsi
        for (n, c) in cues.enumerated() {
            var tti = [UInt8](repeating: 0x8F, count: 128)
            tti[0] = 0; tti[1] = UInt8(n + 1); tti[2] = 0; tti[3] = 0xFF; tti[4] = 0
            for i in 0..<4 { tti[5 + i] = c.tin[i]; tti[9 + i] = c.tout[i] }
            tti[13] = 20; tti[14] = 2; tti[15] = 0
            for (i, b) in c.text.enumerated() { tti[16 + i] = b }
            out += tti
        }
        return Data(out)
    }

    @Test func theSameCuesAsSubRipWithTheProgrammeStartSubtracted() throws {
        // 10:00:01:00–10:00:02:12.5 is not a frame; 10:00:02:12 is 2.48 s, so the SubRip has 2,480.
        let d = try SubtitleFile.read(Self.stl([
            (tin: [10, 0, 1, 0], tout: [10, 0, 2, 12], text: Array("Bonjour ".utf8) + [0xC1, 0x61] + Array(" tous".utf8)),
            (tin: [10, 0, 3, 1], tout: [10, 0, 4, 0], text: Array("Deux".utf8) + [0x8A, 0x8A] + [0x0D] + Array("lignes".utf8)),
        ]), name: "a.stl")
        let srt = try SubtitleFile.read(Data("1\n00:00:01,000 --> 00:00:02,480\nBonjour à tous\n\n2\n00:00:03,040 --> 00:00:04,000\nDeux\nlignes\n".utf8), name: "a.srt")
        #expect(d.offsetSeconds == 36_000)
        #expect(d.cues.map { [$0.start.seconds, $0.end.seconds] } == srt.cues.map { [$0.start.seconds, $0.end.seconds] })
        #expect(d.cues.map(\.text) == srt.cues.map(\.text))
        #expect(d.errors.isEmpty)
    }

    @Test func badTimeCodesAndShortFilesAreErrors() throws {
        let d = try SubtitleFile.read(Self.stl([(tin: [0, 61, 0, 0], tout: [0, 0, 2, 0], text: Array("x".utf8))]), name: "b.stl")
        #expect(d.cues.isEmpty && d.errors.map(\.line) == [1])
        let short = try SubtitleFile.read(Data(count: 100), name: "c.stl")
        #expect(short.errors.first?.message.contains("1024-byte GSI") == true)
    }

    @Test func realSTLFilesRead() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/subtitles/real/pycaption__ebu1991_test.stl").path
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        let d = try SubtitleFile.read(path: path)
        #expect(d.cues.count == 494 && d.errors.isEmpty)
        #expect(d.cues[2].text == "Drei, Vier... -Hahaha...\nVier, fünf... -Hahaha...")
        #expect(abs(d.cues[0].start.seconds - 3.4) < 1e-9)
    }
}

@Suite struct SCCTests {
    @Test func popOnShowsAtEndOfCaptionAndDropFrameIsExact() throws {
        // Line at 00:00:01;00 (drop-frame, frame 30): RCL RCL, "HI", EOC EOC at words 3-4: shows on
        // frame 33 (33 × 1001/30000 s); EDM EDM at 00:00:03;00 (frame 90) takes it down.
        let scc = "Scenarist_SCC V1.0\n\n00:00:01;00\t9420 9420 c849 942f 942f\n\n00:00:03;00\t942c 942c\n"
        let d = try SubtitleFile.read(Data(scc.utf8), name: "a.scc")
        #expect(d.errors.isEmpty)
        #expect(d.cues.map(\.text) == ["HI"])
        #expect(d.cues.first?.start == MediaTime(value: 33 * 1001, timescale: 30000))
        #expect(d.cues.first?.end == MediaTime(value: 90 * 1001, timescale: 30000))
        // At ten minutes drop-frame and non-drop part: 00:10:00;00 is frame 17982, 00:10:00:00 frame 18000.
        let later = "Scenarist_SCC V1.0\n\n00:10:00;00\t9420 c849 942f\n\n00:10:00:00\t942c\n"
        let e = try SubtitleFile.read(Data(later.utf8), name: "b.scc")
        #expect(e.cues.first?.start == MediaTime(value: 17984 * 1001, timescale: 30000))
        #expect(e.cues.first?.end == MediaTime(value: 18000 * 1001, timescale: 30000))
    }

    @Test func rollUpLinesRollOutOfTheirWindow() throws {
        // RU2: two rows. Three lines, each after a carriage return: the first rolls out with the third.
        let scc = "Scenarist_SCC V1.0\n\n00:00:00:00\t9425 9425 c1c1 94ad 94ad c2c2 94ad 94ad c3c3\n\n00:00:02:00\t942c 942c\n"
        let d = try SubtitleFile.read(Data(scc.utf8), name: "c.scc")
        #expect(d.cues.map(\.text) == ["AA", "BB", "CC"])
        let frame = { (n: Int64) in MediaTime(value: n * 1001, timescale: 30000) }
        #expect(d.cues.map(\.start) == [frame(2), frame(5), frame(8)])
        #expect(d.cues.map(\.end) == [frame(6), frame(60), frame(60)])
    }

    @Test func realSCCFilesRead() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/corpora/subtitles/real/pycaption__example.scc").path
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        let d = try SubtitleFile.read(path: path)
        #expect(d.errors.isEmpty)
        #expect(d.cues.first?.text == "Letra traducida al Español\n♪ ¡Uooye! ¡Vámonos! ♪")
        #expect(d.cues.first?.start == MediaTime(value: 34 * 1001, timescale: 30000))
    }
}

/// A file made to exhaust memory is refused before it is parsed (the service meets such files).
@Suite struct CueLimitTests {
    static func srt(cues: Int) -> Data {
        var s = ""
        s.reserveCapacity(cues * 40)
        for i in 0..<cues {
            let h = i / 3600 % 100, m = i / 60 % 60, sec = i % 60
            s += "\(i + 1)\n\(String(format: "%02d:%02d:%02d", h, m, sec)),000 --> \(String(format: "%02d:%02d:%02d", h, m, sec)),800\nHi\n\n"
        }
        return Data(s.utf8)
    }

    @Test func overTheLimitIsRefusedUnread() throws {
        #expect(SubtitleFile.maximumCues == 200_000)
        #expect {
            try SubtitleFile.read(Self.srt(cues: SubtitleFile.maximumCues + 1), name: "flood.srt")
        } throws: { error in
            "\(error)".contains("it holds up to 200001 cues, over the 200000 greenlight reads from one file")
        }
        let ttml = Data(("<tt xmlns=\"http://www.w3.org/ns/ttml\"><body><div>" + String(repeating: "<p begin=\"0s\" end=\"1s\">x</p>", count: 200_001)
                         + "</div></body></tt>").utf8)
        #expect(throws: SubtitleFile.ReadError.self) { try SubtitleFile.read(ttml, name: "flood.ttml") }
    }

    @Test func atTheLimitIsRead() throws {
        let doc = try SubtitleFile.read(Self.srt(cues: 2000), name: "ok.srt")
        #expect(doc.cues.count == 2000)
        #expect(doc.cues.last?.start == MediaTime(seconds: 1999))
    }
}
