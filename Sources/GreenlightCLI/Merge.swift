import ArgumentParser
import Foundation
import GreenlightCheckers
import GreenlightCore
import GreenlightReports
import GreenlightValues

struct Merge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the JSON reports of a run's parts (shards, time ranges, per-file reports) into the report one run would have written.",
        discussion: """
        Files come out in the whole run's order; run-level checks across files (colour tags that \
        differ within one camera's dailies) are made again over all of them; every report format \
        is rendered from the merged run. A shard that is missing makes the merged report incomplete, \
        listing the files nobody checked. HTML reports of a merge have no thumbnails (the JSON \
        reports do not carry pictures).

        Examples:
          greenlight merge /mnt/qc/part-*.json --json qc.json --junit qc.xml --html qc.html
        """
    )

    @Argument(help: "JSON reports written by `greenlight check --json` (with --shard) or --json-dir.")
    var parts: [String]

    @Option(help: "The profile the parts were checked with, when it is a file (a built-in one is found by the name the parts carry).")
    var profile: String?

    @OptionGroup(title: "Reports") var output: ReportOptions

    func run() async throws {
        var loaded: [(path: String, report: RunReport)] = []
        for path in parts {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                loaded.append((path, try JSONDecoder().decode(RunReport.self, from: data)))
            } catch let error as DecodingError {
                throw ValidationError("\(printable(path)) is not a Greenlight JSON report: \(describe(error))")
            } catch {
                throw ValidationError("cannot read \(printable(path)): \(error.localizedDescription)")
            }
        }
        let registry = CheckerRegistry.known
        let named = loaded[0].report.profile
        var chosen: Profile
        do {
            chosen = try loadProfile(profile ?? named, registry: registry)
            // The checkers the parts ran (a check with --checkers runs fewer than its profile lists).
            if let ids = loaded[0].report.checkers { chosen = try chosen.restricted(to: ids, registry: registry) }
        } catch let error as ProfileError {
            throw ValidationError("\(error.description)\(profile == nil ? " (the parts were checked with profile '\(named)': give it with --profile)" : "")")
        }
        if chosen.name != named {
            throw ValidationError("--profile \(printable(profile ?? "")) is '\(chosen.name)', but the parts were checked with '\(named)'")
        }
        let merged = try RunMerge.merge(loaded, profile: chosen)
        let run = RunReport(profile: merged.profile, checkers: chosen.checkers.map(\.type.description.id), files: RunCrossChecks.apply(merged.files, profile: chosen),
                            incomplete: merged.incomplete)
        var inputs = parts.map { ("part", $0) }
        if let profile { inputs.append(("profile", profile)) }
        let targets = try ReportTargets(requested: output.requested(files: run.files.map(\.path)), inputs: inputs)
        try output.finish(run, targets: targets)
    }

    private func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
            let at = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return at.isEmpty ? c.debugDescription : "\(c.debugDescription) (at \(at))"
        @unknown default:
            return "\(error)"
        }
    }
}

/// Joins part reports: pure, so tests read it directly.
enum RunMerge {
    struct Merged {
        var profile: String
        var files: [FileReport]
        var incomplete: RunReport.Incomplete?
    }

    /// - Parameter profile: the parts' profile, whose checkers join the time ranges of a file.
    static func merge(_ parts: [(path: String, report: RunReport)], profile: Profile) throws -> Merged {
        guard let first = parts.first else { throw ValidationError("merge needs at least one part") }
        for (path, r) in parts {
            if r.schemaVersion != Greenlight.schemaVersion {
                throw ValidationError("\(printable(path)) is a report of schema version \(r.schemaVersion); this greenlight reads \(Greenlight.schemaVersion)")
            }
            if r.checkers != first.report.checkers {
                throw ValidationError("\(printable(path)) ran checkers \((r.checkers ?? []).joined(separator: ",")), \(printable(first.path)) ran \((first.report.checkers ?? []).joined(separator: ",")): parts of one run run the same checkers")
            }
            if r.profile != first.report.profile {
                throw ValidationError("\(printable(path)) was checked with profile '\(r.profile)', \(printable(first.path)) with '\(first.report.profile)': parts of one run share a profile")
            }
        }
        // Shards: one N, one run, each K once.
        let shards = parts.compactMap { p in p.report.part.map { (p.path, $0) } }
        var runFiles: [String]?
        var seenShards: [Int: String] = [:]
        for (path, part) in shards {
            if let runFiles, runFiles != part.runFiles {
                throw ValidationError("\(printable(path)) is a shard of another run (its run's files differ from \(printable(shards[0].0))'s)")
            }
            if part.shards != shards[0].1.shards {
                throw ValidationError("\(printable(path)) is shard \(part.shard)/\(part.shards), \(printable(shards[0].0)) is \(shards[0].1.shard)/\(shards[0].1.shards): one run is split one way")
            }
            if let other = seenShards[part.shard] {
                throw ValidationError("\(printable(path)) and \(printable(other)) are both shard \(part.shard)/\(part.shards)")
            }
            seenShards[part.shard] = path
            runFiles = part.runFiles
        }
        var byPath: [String: FileReport] = [:]
        var ranges: [String: [FileReport]] = [:]
        var order: [String] = []
        var unchecked: [String] = []
        var reasons: [String] = []
        for (path, r) in parts {
            for f in r.files {
                // A file is in one part, or in time ranges (any number, none of them whole).
                if byPath[f.path] != nil || (f.range == nil && ranges[f.path] != nil) {
                    throw ValidationError("\(printable(f.path)) is in two parts (\(printable(path)) and another): parts must not overlap")
                }
                if f.range != nil {
                    if ranges[f.path] == nil { order.append(f.path) }
                    ranges[f.path, default: []].append(f)
                } else {
                    byPath[f.path] = f
                    order.append(f.path)
                }
            }
            if let i = r.incomplete {
                unchecked += i.unchecked
                if !reasons.contains(i.reason) { reasons.append(i.reason) }
            }
        }
        // A file checked in time ranges: its checkers join the ranges into the whole file's report.
        for (path, reports) in ranges { byPath[path] = profile.join(ranges: reports) }
        if let runFiles {
            let missing = runFiles.filter { byPath[$0] == nil && !unchecked.contains($0) }
            if !missing.isEmpty {
                let absent = (1...shards[0].1.shards).filter { seenShards[$0] == nil }
                reasons.append("shard\(absent.count == 1 ? "" : "s") \(absent.map(String.init).joined(separator: ", ")) of \(shards[0].1.shards) missing from the merge")
                unchecked += missing
            }
            let rank = Dictionary(runFiles.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            order.sort { (rank[$0] ?? Int.max, $0) < (rank[$1] ?? Int.max, $1) }
            unchecked.sort { (rank[$0] ?? Int.max, $0) < (rank[$1] ?? Int.max, $1) }
        }
        return Merged(profile: first.report.profile, files: order.map { byPath[$0]! },
                      incomplete: unchecked.isEmpty && reasons.isEmpty ? nil
                        : RunReport.Incomplete(reason: reasons.joined(separator: "; "), unchecked: unchecked))
    }
}
