import Foundation
import Testing
@testable import GreenlightCheckers
import GreenlightCore
import GreenlightEngine
import GreenlightValues

/// Timecode across a run of camera clips, made with known start timecodes.
@Suite struct TimecodeRunTests {
    let profile = Profile.builtIn([AnyCheckerType(TimecodeChecker.self)])

    /// Checks `clips` (name, start timecode, rate, seconds) made in `dir`, as one run.
    func run(_ clips: [(String, String, String, Int)], in dir: URL) throws -> [String: [Finding]]? {
        var reports: [FileReport] = []
        for (name, tc, rate, seconds) in clips {
            let path = dir.appendingPathComponent(name).path
            guard try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=\(rate):duration=\(seconds)", "-c:v", "libx264", "-timecode", tc, path]) else { return nil }
            reports.append(Engine(profile: profile).check(path: path))
        }
        let checked = RunCrossChecks.apply(reports, profile: profile)
        return Dictionary(uniqueKeysWithValues: checked.map { (($0.path as NSString).lastPathComponent, $0.findings.filter { $0.checker == "timecode" }) })
    }

    @Test func overlapsAreFoundAndGapsAreNot() throws {
        try withScratchDirectory("gl-tc") { dir in
            guard let found = try run([("A001C001_a.mov", "10:00:00:00", "24", 4), ("A001C002_a.mov", "10:00:10:00", "24", 4),
                                       ("A001C003_a.mov", "10:00:02:00", "24", 4), ("A001C004_a.mov", "10:00:30:00", "25", 2),
                                       ("B001C001_a.mov", "10:00:00:00", "24", 4)], in: dir) else { return }
            // C001 and C003 overlap by 2 s (48 pictures at 24 fps); the gap before C002 is no finding.
            #expect(found["A001C001_a.mov"]?.map(\.code) == ["timecode.overlap"])
            #expect(found["A001C003_a.mov"]?.first?.measurements["overlapFrames"] == 48)
            #expect(found["A001C002_a.mov"]?.isEmpty == true)
            #expect(found["A001C004_a.mov"]?.map(\.code) == ["timecode.rate-change"])
            // Another camera's clip at the same timecode is no overlap.
            #expect(found["B001C001_a.mov"]?.isEmpty == true)
        }
    }

    @Test func aDuplicatedClipAndAClipOutOfOrder() throws {
        try withScratchDirectory("gl-tc") { dir in
            guard let found = try run([("A002C001_b.mov", "11:00:00:00", "24", 2), ("A002C002_b.mov", "10:00:00:00", "24", 2),
                                       ("A003C001_b.mov", "12:00:00:00", "25", 2), ("A003C001_copy.mov", "12:00:00:00", "25", 2)], in: dir) else { return }
            #expect(found["A002C001_b.mov"]?.map(\.code) == ["timecode.name"])
            #expect(found["A002C002_b.mov"]?.isEmpty == true)
            let copy = try #require(found["A003C001_copy.mov"]?.first)
            #expect(copy.code == "timecode.overlap" && copy.message.contains("repeats the timecode of"))
        }
    }
}
