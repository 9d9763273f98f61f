import Foundation
import GreenlightCore
import GreenlightValues
import Testing

/// Memory and report size that follow what is kept, not what was read.
@Suite(.serialized) struct SizeTests {
    /// Runs greenlight under python3, which reports its only child's peak resident memory in KB.
    func peakKB(_ arguments: [String], in dir: URL) throws -> (status: Int32, kb: Int) {
        let script = "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
            + "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)"
        let r = try execute("/usr/bin/env", ["python3", "-c", script, greenlightBinary] + arguments, in: dir)
        let kb = Int(r.stdout.split(separator: "\n").last.map(String.init) ?? "") ?? Int.max
        return (r.status, kb)
    }

    /// 200,000 cues (11 MB) beside an 8 s clip: all but four off the picture and off the frame
    /// grid. Each was a finding in memory (about 2 KB each, half a gigabyte) before the report
    /// listed 500 of a kind; now the checker counts past 500 and parsing holds one block at a time.
    @Test func aHugeSubtitleFileCostsItsCuesNotAFindingEach() throws {
        guard have("python3") else {
            print("skipped: the peak memory is read through python3")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func stamp(_ ms: Int) -> String { String(format: "%02d:%02d:%02d,%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000) }
        var text = ""
        text.reserveCapacity(12 << 20)
        // Under the sanitizers (several times slower) a tenth: the counts are checked the same way.
        let sanitized = ProcessInfo.processInfo.environment["GREENLIGHT_SANITIZER"] != nil
        let count = sanitized ? 20_000 : 200_000
        for i in 0..<count { text += "\(i + 1)\n\(stamp(i * 2000)) --> \(stamp(i * 2000 + 1500))\nCue number \(i + 1)\n\n" }
        try text.write(to: dir.appendingPathComponent("huge.srt"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(atPath: "\(sampleMedia)/black-8bit-limited.mp4", toPath: dir.appendingPathComponent("clip.mp4").path)
        let json = dir.appendingPathComponent("r.json").path
        let (status, kb) = try peakKB(["check", "clip.mp4", "--subtitles", "huge.srt", "--checkers", "subtitle-timing", "--json", json, "--quiet"], in: dir)
        #expect(status == 0)
        if !sanitized {
            #expect(kb < 300_000, "peak \(kb / 1024) MB")
        } else {
            print("the peak-memory bound is not checked under the sanitizers, which inflate memory (peak \(kb / 1024) MB)")
        }
        let run = try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        let findings = try #require(run.files.first).findings
        // Cues 1-4 (0-7.5 s) are inside the 8 s picture; every cue is 1.5 s long, 37.5 frames at 25 fps.
        for (code, all) in [("subtitle.out-of-bounds", count - 4), ("subtitle.frame-alignment", count)] {
            let listed = findings.filter { $0.code == code }
            #expect(listed.count == Finding.listedPerCode, "\(code)")
            let unlisted = listed.compactMap { $0.measurements["unlisted"] }.first
            #expect(unlisted.map(Int.init) == all - Finding.listedPerCode, "\(code)")
            #expect(listed.last?.message.contains("up to \(count * 2 - 1).5 s, are not listed") == true, "\(code): \(listed.last?.message ?? "")")
        }
    }

    /// A 0.2 s clip's report: the plots' lines at four points a second (two, the least), every
    /// point with --json-series; the findings the same either way.
    @Test func seriesInTheJSONFollowTheFilesLength() throws {
        guard have("ffmpeg") else {
            print("skipped: the short clip is made with the ffmpeg CLI (make test installs it)")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=0.2", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=0.2",
                    "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "short.mp4"], in: dir)
        func report(_ extra: [String]) throws -> (FileReport, Int) {
            let json = dir.appendingPathComponent("r\(extra.count).json")
            #expect(try greenlight(["check", "short.mp4", "--json", json.path, "--quiet"] + extra, in: dir).status == 0)
            let data = try Data(contentsOf: json)
            return (try #require(try JSONDecoder().decode(RunReport.self, from: data).files.first), data.count)
        }
        let (brief, briefBytes) = try report([])
        let (full, fullBytes) = try report(["--json-series"])
        let level = { (r: FileReport) in r.series.first { $0.id == "silence.level.1" }?.points ?? [] }
        #expect(level(brief).count == 2)
        #expect(level(full).count > 100)  // the 1 ms envelope's spans over 0.2 s
        #expect(brief.series.allSatisfy { $0.points.count <= 2 })
        // Merged points keep the lowest and highest values of what they cover.
        #expect(level(brief).map(\.low).min() == level(full).map(\.low).min())
        #expect(level(brief).map(\.high).max() == level(full).map(\.high).max())
        #expect(brief.findings == full.findings)
        #expect(briefBytes * 3 < fullBytes, "\(briefBytes) against \(fullBytes) bytes")
    }
}
