import Foundation
import Testing

/// No path a run reads can be written by it: every kind of input (media, sidecars found beside
/// it, a named subtitle file, the reference, the profile, a merge's parts) against every report
/// option, each spelt as given, relative, with `./`, through a symbolic link and as a hard link.
@Suite(.serialized) struct InputsAreNeverOutputsTests {
    @Test func everyInputKindIsRefusedAsEveryReportUnderEverySpelling() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try fm.copyItem(atPath: "\(sampleMedia)/black-8bit-limited.mp4", toPath: path("v.mp4"))
        try fm.copyItem(atPath: "\(sampleMedia)/black-8bit-limited.mp4", toPath: path("master.mp4"))
        try fm.copyItem(atPath: "\(sampleMedia)/subtitled.srt", toPath: path("v.srt"))
        try fm.copyItem(atPath: "\(sampleMedia)/subtitled.faults.vtt", toPath: path("v.en.vtt"))
        try fm.copyItem(atPath: "\(sampleMedia)/subtitled.srt", toPath: path("named.srt"))
        try "checkers: { black: {} }\n".write(toFile: path("p.yaml"), atomically: true, encoding: .utf8)
        let inputs: [(what: String, file: String, extra: [String])] = [
            ("media file", "v.mp4", []),
            ("sidecar subtitle file", "v.srt", []),
            ("sidecar subtitle file", "v.en.vtt", []),
            ("subtitle file", "named.srt", ["--subtitles", "named.srt"]),
            ("reference file", "master.mp4", ["--reference", "master.mp4", "--checkers", "colour-reference"]),
            ("profile", "p.yaml", ["--profile", "p.yaml"]),
        ]
        let before = try inputs.map { try fingerprint(path($0.file)) }
        var runs = 0
        for input in inputs {
            // The spellings of one file: as given, ./, absolute, a symbolic link, a hard link.
            let link = "link-\(input.file)", hard = "hard-\(input.file)"
            try fm.createSymbolicLink(atPath: path(link), withDestinationPath: path(input.file))
            try fm.linkItem(atPath: path(input.file), toPath: path(hard))
            defer { try? fm.removeItem(atPath: path(link)); try? fm.removeItem(atPath: path(hard)) }
            for spelling in [input.file, "./\(input.file)", path(input.file), link, hard] {
                for report in [["--json", spelling], ["--junit", spelling], ["--html", spelling],
                               ["--markers", spelling, "--markers-format", "edl"]] {
                    let r = try greenlight(["check", "v.mp4"] + input.extra + report + ["--quiet"], in: dir)
                    runs += 1
                    #expect(r.status == 2, "\(input.what) as \(report): exit \(r.status)")
                    #expect(r.stderr.contains("is the \(input.what)") && r.stderr.contains("refusing to write a report over an input"),
                            "\(input.what) as \(report): \(r.stderr)")
                }
            }
        }
        #expect(runs == 6 * 5 * 4)
        // --json-dir: the per-file report's name (v.mp4.json) hard-linked to the sidecar.
        try fm.createDirectory(atPath: path("out"), withIntermediateDirectories: true)
        try fm.linkItem(atPath: path("v.srt"), toPath: path("out/v.mp4.json"))
        let jsonDir = try greenlight(["check", "v.mp4", "--json-dir", "out", "--quiet"], in: dir)
        #expect(jsonDir.status == 2)
        #expect(jsonDir.stderr.contains("--json-dir out/v.mp4.json is the sidecar subtitle file"), "\(jsonDir.stderr)")
        // A folder of media: the sidecar of a file found in it, whichever shard checks that file.
        let folder = try greenlight(["check", ".", "--shard", "1/2", "--json", "v.en.vtt", "--quiet"], in: dir)
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("is the sidecar subtitle file"), "\(folder.stderr)")
        // merge reads its parts and its profile.
        let part = path("part.json")
        #expect(try greenlight(["check", "v.mp4", "--checkers", "black", "--json", part, "--quiet"], in: dir).status == 0)
        let partBefore = try fingerprint(part)
        for spelling in ["part.json", "./part.json", "hard-part.json"] {
            if spelling.hasPrefix("hard") { try fm.linkItem(atPath: part, toPath: path(spelling)) }
            for flag in ["--json", "--junit", "--html"] {
                let r = try greenlight(["merge", "part.json", flag, spelling, "--quiet"], in: dir)
                #expect(r.status == 2 && r.stderr.contains("is the part"), "merge \(flag) \(spelling): \(r.stderr)")
            }
        }
        #expect(try fingerprint(part) == partBefore)
        #expect(try inputs.map { try fingerprint(path($0.file)) } == before)
        // Not an input: the same run writes its report (exit 1: the faulty sidecar's invalid timing).
        #expect(try greenlight(["check", "v.mp4", "--json", "v.json", "--quiet"], in: dir).status == 1)
        #expect(fm.fileExists(atPath: path("v.json")))
    }
}
