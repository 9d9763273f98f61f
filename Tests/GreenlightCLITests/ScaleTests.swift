import Foundation
import Testing
@testable import GreenlightCLI
import GreenlightValues
import Yams
import GreenlightCore

/// Batch runs, shards and merging (the scale issue).
struct ShardTests {
    @Test func aShardingIsAPartitionBalancedBySizeAndBlindToListingOrder() throws {
        let sizes: [String: Int64] = ["a": 900, "b": 100, "c": 450, "d": 440, "e": 10, "f": 0, "g": 300, "h": 300]
        let files = sizes.keys.sorted()
        let shares = (1...3).map { Shard.share(of: files, index: $0, count: 3) { sizes[$0]! } }
        #expect(shares.flatMap { $0 }.sorted() == files)  // every file once
        #expect(Set(shares.flatMap { $0 }).count == files.count)
        // Largest first to the lightest (ties by path): a→1, c→2, d→3, g→3, h→2, b→3, e→2, f→2:
        // loads 900, 760, 840.
        #expect(shares[0] == ["a"])
        #expect(shares[1] == ["c", "e", "f", "h"])
        #expect(shares[2] == ["b", "d", "g"])
        // Another machine lists the files in another order: the same shares, each in its run's order.
        let shuffled = ["h", "e", "a", "g", "c", "f", "d", "b"]
        let again = (1...3).map { Shard.share(of: shuffled, index: $0, count: 3) { sizes[$0]! } }
        #expect(again.map { Set($0) } == shares.map { Set($0) })
        #expect(again[2] == ["g", "d", "b"])
    }

    @Test func autoTakesTheShardFromTheScheduler() throws {
        let auto = try #require(Shard(argument: "auto/4"))
        #expect(try auto.resolved(environment: ["JOB_COMPLETION_INDEX": "0"]).index == 1)
        #expect(try auto.resolved(environment: ["JOB_COMPLETION_INDEX": "3"]).index == 4)
        #expect(try auto.resolved(environment: ["SLURM_ARRAY_TASK_ID": "2"]).index == 2)
        #expect(try auto.resolved(environment: ["SLURM_ARRAY_TASK_ID": "10", "SLURM_ARRAY_TASK_MIN": "7"]).index == 4)
        #expect(throws: (any Error).self) { try auto.resolved(environment: ["JOB_COMPLETION_INDEX": "4"]) }
        #expect(throws: (any Error).self) { try auto.resolved(environment: [:]) }
        #expect(Shard(argument: "0/3") == nil)
        #expect(Shard(argument: "4/3") == nil)
        #expect(Shard(argument: "2") == nil)
        #expect(Shard(argument: "2/3") == Shard(index: 2, count: 3))
    }

    @Test func perFileReportNamesAreUniqueOverTheRun() {
        let names = JSONDirectory.names(for: ["day1/A001.mov", "day2/A001.mov", "day2/B002.mov", "x/.hidden.mov"])
        #expect(names["day1/A001.mov"] == "day1_A001.mov.json")
        #expect(names["day2/A001.mov"] == "day2_A001.mov.json")
        #expect(names["day2/B002.mov"] == "B002.mov.json")
        #expect(names["x/.hidden.mov"] == "_hidden.mov.json")
    }
}

@Suite(.serialized) struct BatchCLITests {
    /// Six clips with findings of every kind the default profile gives them, linked into a folder.
    static let clips = ["black-8bit-limited.mp4", "freeze.mp4", "silence.mov", "bars-bt709-tv.mkv", "colour-tags-conflict.mp4", "audio-clipping.wav"]

    func folder() throws -> URL {
        let dir = try temporaryDirectory()
        let media = dir.appendingPathComponent("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        for c in Self.clips {
            try FileManager.default.createSymbolicLink(atPath: media.appendingPathComponent(c).path, withDestinationPath: "\(sampleMedia)/\(c)")
        }
        return dir
    }

    /// Shard K's files as the CLI deals them, sizes read in `dir`.
    func share(_ k: Int, in dir: URL) -> [String] {
        Shard.share(of: Self.clips.sorted().map { "media/\($0)" }, index: k, count: 3) { Shard.size(dir.appendingPathComponent($0).path) }
    }

    func report(_ url: URL) throws -> RunReport {
        try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: url))
    }

    @Test func threeShardsMergeIntoTheSingleRunsReport() throws {
        let dir = try folder()
        let single = try greenlight(["check", "media", "--jobs", "2", "--json", "single.json", "--json-dir", "each", "--quiet"], in: dir)
        #expect(single.status == 0, "\(single.stderr)")
        for k in 1...3 {
            let r = try greenlight(["check", "media", "--shard", "\(k)/3", "--json", "part\(k).json", "--quiet"], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try report(dir.appendingPathComponent("part\(k).json")).part?.shard == k)
        }
        let merge = try greenlight(["merge", "part3.json", "part1.json", "part2.json", "--json", "merged.json", "--junit", "merged.xml"], in: dir)
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("6 files checked with profile default"))
        // Byte for byte what the single run wrote: same files in the same order, same findings.
        let a = try Data(contentsOf: dir.appendingPathComponent("single.json"))
        let b = try Data(contentsOf: dir.appendingPathComponent("merged.json"))
        #expect(a == b)
        let merged = try report(dir.appendingPathComponent("merged.json"))
        #expect(merged.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } == Self.clips.sorted())
        // --json-dir: one report per file, each a run of one, with the single run's findings.
        let each = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("each").path).sorted()
        #expect(each == Self.clips.sorted().map { $0 + ".json" })
        for file in merged.files {
            let one = try report(dir.appendingPathComponent("each/\(URL(fileURLWithPath: file.path).lastPathComponent).json"))
            #expect(one.files.count == 1)
            // Less the run-level finding (tags unlike the other files'), which only the run sees.
            #expect(one.files[0].findings == file.findings.filter { $0.code != "colour.metadata-run" })
        }
        // The per-file reports merge into the run too.
        let fromEach = try greenlight(["merge"] + each.map { "each/\($0)" } + ["--json", "each.json", "--quiet"], in: dir)
        #expect(fromEach.status == 0, "\(fromEach.stderr)")
        #expect(try report(dir.appendingPathComponent("each.json")).files.map(\.findings) == merged.files.map(\.findings))
    }

    @Test func aMissingShardMakesTheMergeIncompleteAndSaysWhichFiles() throws {
        let dir = try folder()
        for k in [1, 3] {
            #expect(try greenlight(["check", "media", "--shard", "\(k)/3", "--json", "part\(k).json", "--quiet"], in: dir).status == 0)
        }
        let shard2 = share(2, in: dir)
        #expect(!shard2.isEmpty)
        let merge = try greenlight(["merge", "part1.json", "part3.json", "--json", "merged.json", "--junit", "merged.xml"], in: dir)
        #expect(merge.status == 0)
        #expect(merge.stdout.contains("INCOMPLETE: shard 2 of 3 missing from the merge; \(shard2.count) file"))
        let merged = try report(dir.appendingPathComponent("merged.json"))
        #expect(merged.incomplete?.unchecked == shard2)
        #expect(merged.files.count == Self.clips.count - shard2.count)
        let junit = try String(contentsOf: dir.appendingPathComponent("merged.xml"), encoding: .utf8)
        #expect(junit.contains("skipped=\"\(shard2.count)\""))
        // The same shard twice, or parts of different splits, are refused.
        let twice = try greenlight(["merge", "part1.json", "part1.json", "--json", "x.json"], in: dir)
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("are both shard 1/3") || twice.stderr.contains("is in two parts"))
    }

    @Test func shardAutoReadsTheIndexedJobsIndex() throws {
        let dir = try folder()
        let r = try greenlight(["check", "media", "--shard", "auto/3", "--json", "p.json", "--quiet"], in: dir, environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let part = try report(dir.appendingPathComponent("p.json"))
        #expect(part.part?.shard == 2)
        #expect(part.files.map(\.path) == share(2, in: dir))
        let none = try greenlight(["check", "media", "--shard", "auto/3", "--quiet"], in: dir)
        #expect(none.status == 2)
        #expect(none.stderr.contains("needs JOB_COMPLETION_INDEX"))
    }

    @Test func ctrlCStopsCleanlyAndTheReportSaysWhatWasNotChecked() throws {
        let dir = try folder()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: greenlightBinary)
        p.arguments = ["check", "media", "--jobs", "1", "--json", "run.json", "--json-dir", "each", "--quiet"]
        p.currentDirectoryURL = dir
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Once the first file's report is written, Ctrl-C.
        let each = dir.appendingPathComponent("each")
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, ((try? FileManager.default.contentsOfDirectory(atPath: each.path)) ?? []).isEmpty { usleep(20_000) }
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationStatus == 130)
        let run = try report(dir.appendingPathComponent("run.json"))
        let incomplete = try #require(run.incomplete)
        #expect(incomplete.reason.contains("interrupted"))
        #expect(!run.files.isEmpty)
        #expect(run.files.count + incomplete.unchecked.count == Self.clips.count)
        #expect(Set(run.files.map(\.path)).isDisjoint(with: incomplete.unchecked))
        #expect(run.files.allSatisfy { $0.error == nil })  // the file under way is listed unchecked, not half-reported
        // No temporary file left beside the reports.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["each", "media", "run.json"])
    }
}

/// The scheduler examples in docs/scale run as written: each Job index (or array task) as a
/// local process with the scheduler's variable set, then the merge, against one plain run.
@Suite(.serialized) struct SchedulerManifestTests {
    struct Step {
        var env: [String: String]
        var script: String
        var completions: Int
    }

    /// Each Job of a Kubernetes manifest: its container's env, its `sh -c` script, its completions.
    static func jobs(_ file: String) throws -> [String: Step] {
        let text = try String(contentsOfFile: "\(repoRoot.path)/docs/scale/\(file)", encoding: .utf8)
        var out: [String: Step] = [:]
        for document in try Yams.load_all(yaml: text) {
            guard let job = document as? [String: Any], job["kind"] as? String == "Job",
                  let name = (job["metadata"] as? [String: Any])?["name"] as? String,
                  let spec = job["spec"] as? [String: Any],
                  let pod = (spec["template"] as? [String: Any])?["spec"] as? [String: Any],
                  let container = (pod["containers"] as? [[String: Any]])?.first,
                  container["command"] as? [String] == ["sh", "-c"], let script = (container["args"] as? [String])?.first
            else { continue }
            let env = (container["env"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) { $0[$1["name"] as! String] = "\($1["value"]!)" }
            out[name] = Step(env: env, script: script, completions: spec["completions"] as? Int ?? 1)
        }
        return out
    }

    /// `greenlight` on the PATH, as in the image.
    var path: String { URL(fileURLWithPath: greenlightBinary).deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }

    func sh(_ script: String, _ env: [String: String]) throws -> Run {
        try execute("/bin/sh", ["-c", script], environment: env.merging(["PATH": path]) { _, new in new })
    }

    func report(_ path: String) throws -> RunReport {
        try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Findings alike but for the loudness figures, which a merge gates from 0.01 LU histograms.
    func expectSame(_ a: [Finding], _ b: [Finding], sourceLocation: SourceLocation = #_sourceLocation) {
        func plain(_ f: Finding) -> Finding {
            var f = f
            if f.checker == "loudness" { f.measurements = [:] }
            return f
        }
        #expect(a.map(plain) == b.map(plain), sourceLocation: sourceLocation)
        for (x, y) in zip(a, b) where x.checker == "loudness" {
            for (key, value) in x.measurements { #expect(abs(value - (y.measurements[key] ?? .nan)) <= 0.05, "\(key)", sourceLocation: sourceLocation) }
        }
    }

    @Test func theKubernetesJobsMergeIntoASingleRunsReport() throws {
        let dir = try BatchCLITests().folder()
        let jobs = try Self.jobs("kubernetes.yaml")
        let dailies = try #require(jobs["greenlight-dailies"]), master = try #require(jobs["greenlight-master"])
        #expect(dailies.completions == 4 && master.completions == 4)
        let reports = dir.appendingPathComponent("reports").path
        let media = dir.appendingPathComponent("media").path
        let feature = "\(sampleMedia)/silence.mov"  // silence at 5.5-8 s and 9-11.5 s: across the cuts at 7 s and 10.52 s
        for i in 0..<4 {
            let a = try sh(dailies.script, dailies.env.merging(["MEDIA": media, "REPORTS": reports + "/dailies", "JOB_COMPLETION_INDEX": "\(i)"]) { _, n in n })
            #expect(a.status == 0, "\(a.stderr)")
            let b = try sh(master.script, master.env.merging(["MASTER": feature, "REPORTS": reports + "/master", "JOB_COMPLETION_INDEX": "\(i)"]) { _, n in n })
            #expect(b.status == 0, "\(b.stderr)")
        }
        let merge = try #require(try Self.jobs("kubernetes-merge.yaml")["greenlight-merge"])
        _ = try sh(merge.script, merge.env.merging(["REPORTS": reports]) { _, n in n })

        // The shards: byte for byte what one run over the folder writes.
        let single = try greenlight(["check", media, "--profile", dailies.env["PROFILE"]!, "--json", dir.appendingPathComponent("single.json").path, "--quiet"])
        #expect(single.status <= 1, "\(single.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: reports + "/dailies.json")) == Data(contentsOf: dir.appendingPathComponent("single.json")))

        // The ranges: the findings of one run over the whole file, each once and whole.
        let whole = try greenlight(["check", feature, "--profile", master.env["PROFILE"]!, "--checkers", master.env["CHECKERS"]!,
                                    "--json", dir.appendingPathComponent("whole.json").path, "--quiet"])
        #expect(whole.status <= 1, "\(whole.stderr)")
        let joined = try report(reports + "/master.json").files[0], one = try report(dir.appendingPathComponent("whole.json").path).files[0]
        #expect(joined.range == nil && joined.error == nil)
        expectSame(joined.findings, one.findings)
        #expect(joined.findings.map(\.code) == ["loudness.integrated", "silence.segment", "silence.segment", "silence.segment"])
        let crossing = try #require(joined.findings.first { $0.start == 5.5 })
        #expect(crossing.end == 8)  // one finding, though 7 s cuts it in two
        #expect(joined.verdict == one.verdict)
        for key in ["integratedLUFS", "truePeakDBTP"] {
            #expect(abs((joined.summaries["loudness"]?[key]?.number ?? .nan) - (one.summaries["loudness"]?[key]?.number ?? 0)) <= 0.05, "\(key)")
        }
        // Every report format renders from the merge.
        for name in ["dailies.xml", "dailies.html", "master.xml", "master.html"] {
            #expect(FileManager.default.fileExists(atPath: reports + "/" + name), "\(name)")
        }
    }

    @Test func theSlurmArrayMergesIntoASingleRunsReport() throws {
        let dir = try BatchCLITests().folder()
        let reports = dir.appendingPathComponent("reports/dailies").path
        let env = ["MEDIA": dir.appendingPathComponent("media").path, "REPORTS": reports, "PROFILE": "default"]
        for task in 1...4 {
            let r = try sh("\(repoRoot.path)/docs/scale/slurm.sbatch", env.merging(["SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_MIN": "1"]) { _, n in n })
            #expect(r.status == 0, "\(r.stderr)")
        }
        let merge = try sh("\(repoRoot.path)/docs/scale/slurm-merge.sbatch", env)
        #expect(merge.status <= 1, "\(merge.stderr)")
        let single = try greenlight(["check", env["MEDIA"]!, "--json", dir.appendingPathComponent("single.json").path, "--quiet"])
        #expect(single.status <= 1)
        #expect(try Data(contentsOf: dir.appendingPathComponent("reports/dailies.json")) == Data(contentsOf: dir.appendingPathComponent("single.json")))
    }
}

@Suite struct RangeCLITests {
    let clip = "\(sampleMedia)/black-8bit-limited.mp4"  // black 0-1 s, at 3 s (one frame), 5-5.48 s; 25 fps, 8 s

    func findings(_ arguments: [String]) throws -> (Run, [Finding]) {
        let dir = try temporaryDirectory()
        let json = dir.appendingPathComponent("r.json").path
        let r = try greenlight(["check", clip, "--checkers", "black,freeze", "--json", json, "--quiet"] + arguments)
        let report = try? JSONDecoder().decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        return (r, report?.files.first?.findings ?? [])
    }

    @Test func aRangeInTimecodeIsTheSameAsInSeconds() throws {
        let (a, inSeconds) = try findings(["--range", "3-6"])
        let (b, inTimecode) = try findings(["--range", "00:00:03:00-00:00:06:00"])
        #expect(a.status == 0 && b.status == 0)
        #expect(inSeconds == inTimecode)
        #expect(inSeconds.map(\.startFrame) == [75, 125])
        // A cut inside the 5-5.48 s run: the range holding its start reports it whole.
        let (_, before) = try findings(["--range", "0-5.2"])
        let (_, after) = try findings(["--range", "5.2-"])
        #expect(before.last?.startFrame == 125 && before.last?.endFrame == 137)
        #expect(after.isEmpty)
    }

    @Test func badRangesAreUsageErrors() throws {
        for (range, message) in [("6-3", "the end is not after the start"), ("10-", "the file is 8 s long"),
                                 ("x-3", "neither seconds nor a timecode"), ("5/4", "--range"),
                                 ("1e300-", "1e300 s is past the end of any file")] {
            let (r, _) = try findings(["--range", range])
            #expect(r.status == 2, "\(range)")
            #expect(r.stderr.contains(message), "\(range): \(r.stderr)")
        }
        let two = try greenlight(["check", clip, clip, "--range", "0-1"])
        #expect(two.status == 2)
        #expect(two.stderr.contains("--range belongs to a single MEDIA file"))
    }

    @Test func partReportsMatchTheSchema() throws {
        guard (try? tool("python3", ["-c", "import jsonschema"]))?.status == 0 else {
            print("skipped: Python's jsonschema is not installed (make test installs it with pip)")
            return
        }
        let dir = try temporaryDirectory()
        let range = dir.appendingPathComponent("range.json").path, shard = dir.appendingPathComponent("shard.json").path
        #expect(try greenlight(["check", clip, "--range", "2/4", "--json", range, "--quiet"]).status == 0)
        #expect(try greenlight(["check", clip, "\(sampleMedia)/freeze.mp4", "--shard", "1/2", "--json", shard, "--quiet"]).status == 0)
        let valid = try tool(repoRoot.appendingPathComponent("scripts/validate-report.py").path, [range, shard])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        let text = try String(contentsOfFile: range, encoding: .utf8)
        #expect(text.contains("\"range\""))
        #expect(text.contains("\"checkers\""))
    }
}
