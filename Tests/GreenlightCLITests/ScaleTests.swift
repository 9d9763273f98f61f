import Foundation
import Testing
@testable import GreenlightCLI
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
