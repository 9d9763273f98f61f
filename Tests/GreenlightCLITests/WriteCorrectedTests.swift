import Foundation
import Testing

/// `check --write-corrected`: a copy re-timed by the measured sync, only when it was measured as
/// a fault, never over an input, the subtitle file itself untouched.
@Suite struct WriteCorrectedTests {
    /// sample-media's three espeak-ng sentences, subtitled `shift` seconds late (how
    /// make-samples.sh places them: 4.0–11.3, 13.4–19.9, 22.0–27.3 s).
    func srt(shift: Double) -> String {
        func t(_ x: Double) -> String {
            let v = Int(((x + shift) * 1000).rounded())
            return String(format: "%02d:%02d:%02d,%03d", v / 3_600_000, v / 60_000 % 60, v / 1000 % 60, v % 1000)
        }
        return [(4.0, 11.3), (13.4, 19.9), (22.0, 27.3)].enumerated().map { "\($0 + 1)\n\(t($1.0)) --> \(t($1.1))\nLine \($0 + 1)\n\n" }.joined()
    }

    func starts(_ srt: String) -> [Double] {
        srt.split(separator: "\n").filter { $0.contains("-->") }.map { line in
            let f = line.prefix(12).split(whereSeparator: { $0 == ":" || $0 == "," }).compactMap { Double($0) }
            return f[0] * 3600 + f[1] * 60 + f[2] + f[3] / 1000
        }
    }

    @Test func lateSubtitlesAreCorrectedInACopy() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let late = dir.appendingPathComponent("late.srt"), fixed = dir.appendingPathComponent("fixed.srt")
        try srt(shift: 1.5).write(to: late, atomically: true, encoding: .utf8)
        let r = try greenlight(["check", "\(sampleMedia)/speech-over-music.m4a", "--checkers", "subtitle-timing", "--subtitles", late.path,
                                "--write-corrected", fixed.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wrote \(fixed.path): late.srt moved -1.48"), "\(r.stderr)")
        let copy = try String(contentsOf: fixed, encoding: .utf8)
        for (got, want) in zip(starts(copy), [4.0, 13.4, 22.0]) { #expect(abs(got - want) <= 0.05, "\(copy)") }
        #expect(copy.contains("Line 2"))
        #expect(try String(contentsOf: late, encoding: .utf8) == srt(shift: 1.5))
    }

    @Test func subtitlesInSyncAreNotRewritten() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let onTime = dir.appendingPathComponent("on-time.srt"), fixed = dir.appendingPathComponent("fixed.srt")
        try srt(shift: 0).write(to: onTime, atomically: true, encoding: .utf8)
        let r = try greenlight(["check", "\(sampleMedia)/speech-over-music.m4a", "--checkers", "subtitle-timing", "--subtitles", onTime.path,
                                "--write-corrected", fixed.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("not written: the subtitles are in sync with the speech"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixed.path))
    }

    @Test func theCopyNeverLandsOnTheSubtitleFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let late = dir.appendingPathComponent("late.srt")
        try srt(shift: 1.5).write(to: late, atomically: true, encoding: .utf8)
        let r = try greenlight(["check", "\(sampleMedia)/speech-over-music.m4a", "--subtitles", late.path, "--write-corrected", late.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--write-corrected \(late.path) is the subtitle file"), "\(r.stderr)")
        #expect(try String(contentsOf: late, encoding: .utf8) == srt(shift: 1.5))
    }
}
