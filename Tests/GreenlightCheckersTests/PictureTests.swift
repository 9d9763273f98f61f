import Foundation
import Testing
@testable import GreenlightCheckers
import GreenlightCore
import GreenlightEngine
import GreenlightValues

/// Visual glitches made from real footage whose answer is known by construction (a stretch
/// re-encoded starved, the picture interlaced, telecined and cut), and clean real footage that
/// must stay clean. Reads ../shared/corpora/media, which only the developers' machines have.
@Suite struct PictureGlitchTests {
    static let chaplin = "\(RealFootageFreezeTests.corpus)/moviepy__chaplin.mp4"

    func check(_ path: String) -> FileReport {
        Engine(profile: .builtIn([AnyCheckerType(PictureChecker.self)])).check(path: path)
    }

    func glitches(_ r: FileReport) -> [Finding] { r.findings.filter { $0.code.hasPrefix("picture.") } }

    /// The corpus clip, or nil (and a line saying why) when it is absent.
    func source(_ path: String = chaplin) -> String? {
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) is absent (../shared/corpora is on the developers' machines only)")
            return nil
        }
        return path
    }

    /// Chaplin with pictures 80-130 taken from a starved encode of itself (`starved` ffmpeg
    /// options), the whole re-encoded at high quality: the blocks are in the pictures.
    func starvedStretch(_ starved: [String], name: String, in dir: URL) throws -> String? {
        guard let src = source() else { return nil }
        let bad = dir.appendingPathComponent("starved-\(name)").path, out = dir.appendingPathComponent("blocky-\(name).mp4").path
        guard try ffmpeg(["-i", src, "-an"] + starved + [bad]),
              try ffmpeg(["-i", src, "-i", bad, "-filter_complex", "[0:v][1:v]overlay=enable='between(n,80,130)'",
                          "-c:v", "libx264", "-crf", "16", "-an", out]) else { return nil }
        return out
    }

    @Test(arguments: [(["-c:v", "mpeg2video", "-q:v", "31"], "mpeg2.mpg"),
                      (["-c:v", "libx264", "-qp", "45", "-x264-params", "no-deblock=1"], "h264.mp4")])
    func aStarvedStretchIsBlockyThereAndNowhereElse(starved: [String], name: String) throws {
        try withScratchDirectory("gl-picture") { dir in
            guard let path = try starvedStretch(starved, name: name, in: dir) else { return }
            let found = glitches(check(path))
            #expect(found.count == 1, "\(found.map(\.message))")
            let f = try #require(found.first)
            #expect(f.code == "picture.blockiness")
            // Pictures 80-130, within 5 frames each end.
            #expect(abs((f.startFrame ?? -99) - 80) <= 5 && abs((f.endFrame ?? -99) - 131) <= 5, "\(f.startFrame ?? -1)-\(f.endFrame ?? -1)")
            #expect((80...130).contains(Int64(f.measurements["worstFrame"] ?? -1)))
        }
    }

    /// Chaplin's pictures read as fields at 50 Hz and woven top field first, as an interlaced
    /// camera makes them, encoded with `flags`.
    func interlaced(_ filter: String, flags: [String] = [], name: String, in dir: URL) throws -> String? {
        guard let src = source() else { return nil }
        let out = dir.appendingPathComponent("\(name).mp4").path
        return try ffmpeg(["-i", src, "-vf", "setpts=N/50/TB,\(filter)", "-r", "25", "-c:v", "libx264", "-crf", "16"] + flags + ["-an", out]) ? out : nil
    }

    /// FFmpeg's idet over the file: its multi-frame counts (second opinion).
    func idet(_ path: String) throws -> (tff: Int, bff: Int, progressive: Int)? {
        let p = Process(), pipe = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["ffmpeg", "-hide_banner", "-nostdin", "-i", path, "-vf", "idet", "-an", "-f", "null", "-"]
        p.standardError = pipe
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard let line = text.split(separator: "\n").first(where: { $0.contains("Multi frame detection") }) else { return nil }
        let numbers = line.split(separator: ":").dropFirst().compactMap { Int($0.split(separator: " ").first ?? "") }
        return numbers.count >= 3 ? (numbers[0], numbers[1], numbers[2]) : nil
    }

    @Test func interlacedContentFlaggedProgressiveIsFoundWhereIdetAgrees() throws {
        try withScratchDirectory("gl-picture") { dir in
            guard let path = try interlaced("interlace=scan=tff:lowpass=0", name: "woven", in: dir) else { return }
            let second = try #require(try idet(path))
            #expect(second.tff > 10 * max(1, second.bff + second.progressive), "idet: \(second)")
            let r = check(path)
            let found = glitches(r)
            #expect(found.map(\.code) == ["picture.interlaced"], "\(found.map(\.message))")
            #expect(found.first?.message.contains("top field first in content") == true)
            #expect(r.summaries["picture"]?["contentFieldOrder"] == .text("top field first"))
        }
    }

    @Test func aFieldOrderFlagTheContentContradicts() throws {
        try withScratchDirectory("gl-picture") { dir in
            // Woven top field first, flagged bottom field first, coded interlaced.
            guard let path = try interlaced("interlace=scan=tff:lowpass=0,setfield=bff", flags: ["-flags", "+ilme+ildct"], name: "flagged-bff", in: dir) else { return }
            let found = glitches(check(path))
            #expect(found.map(\.code) == ["picture.field-order"], "\(found.map(\.message))")
            #expect(found.first?.message.hasPrefix("The pictures are flagged bottom field first but the content is top field first") == true)
            // Flagged right: nothing to say.
            guard let right = try interlaced("interlace=scan=tff:lowpass=0,setfield=tff", flags: ["-flags", "+ilme+ildct"], name: "flagged-tff", in: dir) else { return }
            #expect(glitches(check(right)).isEmpty)
        }
    }

    @Test func aCadenceBrokenByAnEditAfterTelecine() throws {
        try withScratchDirectory("gl-picture") { dir in
            guard let src = source() else { return }
            // Film at 23.976, telecined 3:2 in two parts; the second loses its first two
            // pictures (an edit after telecine): the cadence moves at picture 125.
            let film = dir.appendingPathComponent("film.mp4").path, out = dir.appendingPathComponent("cadence.mp4").path
            let graph = "[0:v]split[a][b];[a]trim=start_frame=0:end_frame=100,setpts=PTS-STARTPTS,telecine=first_field=t:pattern=23[ta];"
                + "[b]trim=start_frame=100,setpts=PTS-STARTPTS,telecine=first_field=t:pattern=23,trim=start_frame=2,setpts=PTS-STARTPTS[tb];"
                + "[ta][tb]concat=n=2:v=1[out]"
            guard try ffmpeg(["-i", src, "-vf", "setpts=N/(24000/1001)/TB", "-r", "24000/1001", "-c:v", "libx264", "-crf", "12", "-an", film]),
                  try ffmpeg(["-i", film, "-filter_complex", graph, "-map", "[out]", "-c:v", "libx264", "-crf", "16", out]) else { return }
            let r = check(out)
            let breaks = r.findings.filter { $0.code == "picture.cadence-break" }
            #expect(breaks.count == 1, "\(breaks.map(\.message))")
            #expect(breaks.first?.startFrame == 125)
            let telecine = try #require(r.findings.first { $0.code == "picture.interlaced" })
            #expect(telecine.message.contains("3:2 pulldown"))
            #expect(r.summaries["picture"]?["cadence"] == .text("3:2 pulldown"))
        }
    }

    @Test(arguments: ["moviepy__chaplin.mp4", "moviepy__big_buck_bunny_0_30.webm", "mdnla__crystal.mp4", "mdnie__flower.webm",
                      "mdnie__friday.mp4", "autoed__example.mp4", "retalk__face_3.mp4"])
    func cleanRealFootageHasNoGlitch(file: String) throws {
        guard let path = source("\(RealFootageFreezeTests.corpus)/\(file)") else { return }
        let r = check(path)
        #expect(glitches(r).isEmpty, "\(glitches(r).map(\.message))")
        #expect(r.summaries["picture"]?["combedPictures"] == .integer(0))
    }
}
