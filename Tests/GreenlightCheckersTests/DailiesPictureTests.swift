import Foundation
import Testing
@testable import GreenlightCheckers
import GreenlightCore
import GreenlightEngine
import GreenlightValues

/// Focus, exposure and sensor defects on real footage with the defect made in (a stretch
/// blurred, over- or under-exposed, a 2 × 2 spot drawn), and the footage as it is. Reads
/// ../shared/corpora/media, which only the developers' machines have.
@Suite struct DailiesPictureTests {
    let registry = [AnyCheckerType(FocusChecker.self), AnyCheckerType(ExposureChecker.self), AnyCheckerType(SensorChecker.self)]

    func check(_ path: String) -> FileReport { Engine(profile: .builtIn(registry)).check(path: path) }

    func source(_ name: String) -> String? {
        let path = "\(RealFootageFreezeTests.corpus)/\(name)"
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) is absent (../shared/corpora is on the developers' machines only)")
            return nil
        }
        return path
    }

    /// `name` re-encoded with `filter` (x264 CRF 16).
    func made(_ name: String, _ filter: String, in dir: URL) throws -> String? {
        guard let src = source(name) else { return nil }
        let out = dir.appendingPathComponent(UUID().uuidString + ".mp4").path
        return try ffmpeg(["-i", src, "-vf", filter, "-c:v", "libx264", "-crf", "16", "-an", out]) ? out : nil
    }

    @Test(arguments: [("moviepy__chaplin.mp4", 80, 130, 1.5), ("mdnie__flower.webm", 40, 90, 3.0)])
    func aBlurredStretchIsSoftThereAndNowhereElse(clip: String, from: Int, to: Int, sigma: Double) throws {
        try withScratchDirectory("gl-focus") { dir in
            guard let path = try made(clip, "gblur=sigma=\(sigma):enable='between(n,\(from),\(to))'", in: dir) else { return }
            let soft = check(path).findings.filter { $0.code.hasPrefix("focus.") }
            #expect(soft.count == 1, "\(soft.map(\.message))")
            let f = try #require(soft.first)
            #expect(f.code == "focus.soft")
            #expect(abs((f.startFrame ?? -99) - Int64(from)) <= 5 && abs((f.endFrame ?? -99) - Int64(to + 1)) <= 5, "\(f.startFrame ?? -1)-\(f.endFrame ?? -1)")
        }
    }

    @Test func overAndUnderExposedShotsAreClippedAndCrushed() throws {
        try withScratchDirectory("gl-exposure") { dir in
            // Chaplin's pictures 80-130 at 1.7 times the level; flower's 40-90 pushed down 70 codes.
            guard let over = try made("moviepy__chaplin.mp4", "lutyuv=y='clip(val*1.7,0,255)':enable='between(n,80,130)'", in: dir),
                  let under = try made("mdnie__flower.webm", "lutyuv=y='clip((val-70)*1.6+16,0,255)':enable='between(n,40,90)'", in: dir) else { return }
            let clipped = check(over).findings.filter { $0.code.hasPrefix("exposure.") }
            #expect(clipped.map(\.code) == ["exposure.clipped"], "\(clipped.map(\.message))")
            #expect(clipped.first.map { abs(($0.startFrame ?? 0) - 80) <= 3 } == true)
            #expect((clipped.first?.measurements["medianPercent"] ?? 0) > 10)
            let crushed = check(under).findings.filter { $0.code.hasPrefix("exposure.") }
            #expect(crushed.map(\.code) == ["exposure.crushed"], "\(crushed.map(\.message))")
            #expect(crushed.first.map { abs(($0.startFrame ?? 0) - 40) <= 3 } == true)
        }
    }

    @Test func aDrawnSpotIsADefectAtItsPosition() throws {
        try withScratchDirectory("gl-sensor") { dir in
            guard let stuck = try made("moviepy__chaplin.mp4", "drawbox=x=301:y=151:w=2:h=2:c=white:t=fill", in: dir),
                  let dead = try made("mdnie__flower.webm", "drawbox=x=500:y=300:w=2:h=2:c=black:t=fill", in: dir) else { return }
            let s = check(stuck).findings.filter { $0.code.hasPrefix("sensor.") }
            #expect(s.map(\.code) == ["sensor.stuck-pixel"], "\(s.map(\.message))")
            #expect(s.first?.measurements["x"] == 301 && s.first?.measurements["y"] == 151)
            #expect(s.first?.measurements["width"] == 2 && s.first?.measurements["height"] == 2)
            let d = check(dead).findings.filter { $0.code.hasPrefix("sensor.") }
            #expect(d.map(\.code) == ["sensor.dead-pixel"], "\(d.map(\.message))")
            #expect(d.first?.measurements["x"] == 500 && d.first?.measurements["y"] == 300)
        }
    }

    @Test(arguments: ["moviepy__chaplin.mp4", "moviepy__big_buck_bunny_0_30.webm", "mdnla__crystal.mp4", "mdnie__flower.webm",
                      "mdnie__friday.mp4", "autoed__example.mp4", "retalk__face_2.mp4", "retalk__face_3.mp4", "retalk__face_5.mp4"])
    func realFootageAsItIsHasNoCameraFinding(file: String) throws {
        guard let path = source(file) else { return }
        let r = check(path)
        let found = r.findings.filter { ["focus", "exposure", "sensor"].contains($0.checker) && !$0.code.hasSuffix(".not-measured") }
        #expect(found.isEmpty, "\(found.map(\.message))")
    }

    @Test func theDefaultProfileLeavesCameraChecksToDailies() throws {
        let ids = Profile.builtIn(BuiltInCheckers.all).checkers.map(\.type.description.id)
        #expect(!ids.contains("focus") && !ids.contains("exposure") && !ids.contains("sensor"))
        #expect(ids.contains("picture") && ids.contains("hdr"))
        let dailies = try #require(try Profile.builtIn(named: "dailies", registry: BuiltInCheckers.all)).checkers.map(\.type.description.id)
        #expect(dailies.contains("focus") && dailies.contains("exposure") && dailies.contains("sensor"))
    }
}

/// A defect found in two clips of one camera is the camera's: said on both.
@Suite struct SensorRunTests {
    @Test func aDefectInTwoClipsOfOneReelIsTheCameras() {
        func report(_ name: String, x: Double) -> FileReport {
            let video = StreamInfo(index: 0, type: .video, codec: "h264", timeBase: Rational(1, 25))
            let media = MediaInfo(path: name, container: "mov", duration: 4, streams: [video])
            let f = Finding(checker: "sensor", code: "sensor.stuck-pixel", severity: .warning, placement: .whole, start: 0, end: 4,
                            startFrame: nil, endFrame: nil, startTimecode: nil, endTimecode: nil, message: "A stuck pixel.",
                            measurements: ["x": x, "y": 20])
            return FileReport(path: name, verdict: .warn, error: nil, media: media, findings: [f], summaries: [:])
        }
        let profile = Profile.builtIn([AnyCheckerType(SensorChecker.self)])
        let out = SensorChecker.crossCheck([report("A001C001.mov", x: 100), report("A001C002.mov", x: 101), report("B001C001.mov", x: 100)], profile: profile)
        #expect(out[0].findings[0].measurements["otherClips"] == 1 && out[1].findings[0].message.hasSuffix("reel A001: it is the camera's sensor."))
        // Another camera's pixel at the same place is its own matter.
        #expect(out[2].findings[0].measurements["otherClips"] == nil)
    }
}
