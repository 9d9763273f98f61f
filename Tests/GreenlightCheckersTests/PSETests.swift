import Foundation
import Testing
@testable import GreenlightCheckers
import GreenlightCore
import GreenlightEngine
import GreenlightValues

/// Flashing on clips whose flash counts are known by construction (made here with the ffmpeg
/// CLI: a box switched on for `on` pictures of every `period`), and on real footage that must
/// not come out harmful.
@Suite struct PSETests {
    func check(_ path: String) -> FileReport {
        Engine(profile: .builtIn([AnyCheckerType(PSEChecker.self)])).check(path: path)
    }

    /// 6 s at `rate` of black with a `box` (x, y, w, h of 320 × 180, or the whole picture) in
    /// `colour` shown for the first half of every `period` pictures.
    func clip(rate: String, period: Int, box: String = "", colour: String = "white", in dir: URL) throws -> String? {
        let out = dir.appendingPathComponent("flash-\(rate.replacingOccurrences(of: "/", with: "_"))-\(period)-\(colour)-\(box.isEmpty ? "full" : box).mp4").path
        let geometry = box.isEmpty ? "" : box.split(separator: ",").enumerated().map { ["x", "y", "w", "h"][$0] + "=" + $1 }.joined(separator: ":") + ":"
        return try ffmpeg(["-f", "lavfi", "-i",
                           "color=c=black:s=320x180:r=\(rate):d=6,format=yuv420p,drawbox=\(geometry)c=\(colour):t=fill:enable='lt(mod(n\\,\(period))\\,\(period / 2))'",
                           "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", out]) ? out : nil
    }

    @Test(arguments: [("25", 6, 4.5), ("30000/1001", 8, 4.0), ("50", 12, 4.5)])
    func fullScreenFlashesOverThreeASecondAreHarmful(rate: String, period: Int, flashes: Double) throws {
        try withScratchDirectory("gl-pse") { dir in
            guard let path = try clip(rate: rate, period: period, in: dir) else { print("skipped: the ffmpeg command line is not installed"); return }
            let r = check(path)
            let f = try #require(r.findings.first { $0.code == "pse.flash" }, "\(r.findings.map(\.message))")
            #expect(f.measurements["flashesPerSecond"] == flashes)
            #expect(f.measurements["areaPercent"] == 100)
            #expect(f.severity == .error)
            // From the first change (the picture after the first run of white) to the last.
            #expect(abs(f.start - Double(period / 2) / (rate == "30000/1001" ? 30000.0 / 1001 : Double(rate)!)) < 0.001)
        }
    }

    @Test func threeFlashesASecondAreWithinTheLimitButNotForLong() throws {
        try withScratchDirectory("gl-pse") { dir in
            // Every 5 pictures at 25 fps: 5 transitions a second, 2.5 flashes, for 6 s.
            guard let path = try clip(rate: "25", period: 10, in: dir) else { return }
            let r = check(path)
            #expect(!r.findings.contains { $0.code == "pse.flash" })
            let extended = try #require(r.findings.first { $0.code == "pse.extended" })
            #expect(extended.severity == .warning && extended.measurements["flashesPerSecond"] == 3)
        }
    }

    @Test func aQuarterOfTheScreenDecides() throws {
        try withScratchDirectory("gl-pse") { dir in
            // 20 % of the screen flashing 4.5 times a second: not harmful; 30 %: harmful.
            guard let small = try clip(rate: "25", period: 6, box: "0,0,143,80", in: dir),
                  let large = try clip(rate: "25", period: 6, box: "0,0,192,90", in: dir) else { return }
            #expect(!check(small).findings.contains { $0.code.hasPrefix("pse.") })
            let f = try #require(check(large).findings.first { $0.code == "pse.flash" })
            #expect((25...35).contains(f.measurements["areaPercent"] ?? 0))
        }
    }

    @Test func saturatedRedFlashesAreRedFlashes() throws {
        try withScratchDirectory("gl-pse") { dir in
            guard let red = try clip(rate: "25", period: 6, colour: "red", in: dir),
                  let white = try clip(rate: "25", period: 6, in: dir) else { return }
            #expect(check(red).findings.first { $0.code == "pse.red-flash" }?.measurements["flashesPerSecond"] == 4.5)
            #expect(!check(white).findings.contains { $0.code == "pse.red-flash" })
        }
    }

    /// 2 s at 25 fps of 320 × 180 stripes: `light`/`dark` 8-bit codes, `period` pixels,
    /// `vertical` (standing) or lying, moving `speed` pixels a picture, within `box` (x, y, w, h) or everywhere.
    func stripes(period: Int, vertical: Bool = true, speed: Int = 0, light: Int = 235, dark: Int = 16, box: (Int, Int, Int, Int)? = nil, in dir: URL) throws -> String? {
        let axis = vertical ? "X" : "Y"
        // Commas inside the filter's expression are escaped for the filtergraph (`\,`).
        let stripe = "lt(mod(\(axis)+\(speed)*N\\,\(period))\\,\(period / 2))"
        let inside = box.map { "between(X\\,\($0.0)\\,\($0.0 + $0.2 - 1))*between(Y\\,\($0.1)\\,\($0.1 + $0.3 - 1))" } ?? "1"
        let lum = "if(\(inside)*\(stripe)\\,\(light)\\,\(dark))"
        let out = dir.appendingPathComponent("stripes-\(period)-\(vertical)-\(speed)-\(light)-\(box.map { "\($0.2)x\($0.3)" } ?? "full").mp4").path
        return try ffmpeg(["-f", "lavfi", "-i", "color=c=black:s=320x180:r=25:d=2,format=yuv420p,geq=lum='\(lum)':cb=128:cr=128",
                           "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", out]) ? out : nil
    }

    @Test func stripesOverTheLimitsAreHarmfulPatterns() throws {
        try withScratchDirectory("gl-pse") { dir in
            // Standing still: ten pairs across the screen are over the eight allowed.
            guard let still = try stripes(period: 32, in: dir) else { return }
            let f = try #require(check(still).findings.first { $0.code == "pse.pattern" }, "\(check(still).findings.map(\.message))")
            #expect(f.measurements["pairs"] == 10 && f.severity == .error && f.message.contains("standing still"))
            #expect((f.measurements["areaPercent"] ?? 0) > 90)
            #expect(f.startFrame == 0 && f.endFrame == 50)
            // Seven pairs: within the eight allowed standing still, over the five allowed moving.
            guard let sevenStill = try stripes(period: 46, in: dir), let sevenMoving = try stripes(period: 46, speed: 3, in: dir) else { return }
            #expect(!check(sevenStill).findings.contains { $0.code == "pse.pattern" })
            let moving = try #require(check(sevenMoving).findings.first { $0.code == "pse.pattern" })
            #expect(moving.measurements["pairs"] == 7 && moving.message.contains("moving"))
            // Lying stripes: read down the columns.
            guard let lying = try stripes(period: 18, vertical: false, in: dir) else { return }
            let l = try #require(check(lying).findings.first { $0.code == "pse.pattern" })
            #expect(l.measurements["pairs"] == 10 && l.message.contains("lying"))
        }
    }

    @Test func stripesUnderTheLimitsAreNot() throws {
        try withScratchDirectory("gl-pse") { dir in
            // A fifth of the screen; and dim light stripes (code 60: 4 cd/m², under the 50 the guidance names).
            guard let small = try stripes(period: 16, box: (0, 0, 143, 80), in: dir),
                  let dim = try stripes(period: 32, light: 60, in: dir) else { return }
            #expect(!check(small).findings.contains { $0.code.hasPrefix("pse.") }, "\(check(small).findings.map(\.message))")
            #expect(!check(dim).findings.contains { $0.code.hasPrefix("pse.") })
        }
    }

    @Test(arguments: ["moviepy__chaplin.mp4", "moviepy__big_buck_bunny_0_30.webm", "mdnla__crystal.mp4", "mdnie__flower.webm"])
    func realFootageIsNotHarmful(file: String) throws {
        let path = "\(RealFootageFreezeTests.corpus)/\(file)"
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        let r = check(path)
        #expect(!r.findings.contains { $0.code.hasPrefix("pse.") }, "\(r.findings.map(\.message))")
        guard case .number(let most)? = r.summaries["pse"]?["maxFlashesPerSecond"] else { Issue.record("no maxFlashesPerSecond"); return }
        #expect(most <= 1)
    }
}
