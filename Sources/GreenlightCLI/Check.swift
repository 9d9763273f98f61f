import ArgumentParser
import Foundation
import GreenlightCheckers
import GreenlightCore
import GreenlightReports
import GreenlightEngine
import GreenlightSubtitles
import GreenlightValues

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check media files and folders; print a summary and write reports.",
        discussion: """
        Examples:
          greenlight check dailies/ --json reports/qc.json --junit reports/qc.xml
          greenlight check master.mov --profile broadcast.yaml --html qc.html --markers qc.edl
          greenlight check clip.mov --checkers black,freeze
          greenlight check /mnt/dailies --shard 3/8 --json /mnt/qc/part-3.json   (then: greenlight merge)
        """
    )

    @Argument(help: "Media files or folders (folders are searched recursively for media files).")
    var media: [String]

    @Option(help: "A built-in profile (default, dailies, delivery, netflix, bbc, ebu-r128, ci: see `greenlight profiles`) or a YAML/JSON profile file.")
    var profile: String = "default"

    @Option(help: "Run only these checkers (comma-separated ids; see `greenlight checkers`).")
    var checkers: String?

    @Option(help: "A sidecar subtitle file for the single MEDIA (used by subtitle checkers).")
    var subtitles: String?

    @Option(help: "A reference file for the single MEDIA (used by comparison checkers).")
    var reference: String?

    @Option(help: ArgumentHelp("A folder of production sound (Broadcast WAV with bext timecode): each clip is matched to the file its timecode overlaps and lined up with it by content (sound-sync, in the dailies profile).", valueName: "dir"))
    var sound: String?

    @OptionGroup(title: "Reports") var output: ReportOptions

    @Option(help: "Also write one JSON report per file into this folder (named after each file).")
    var jsonDir: String?

    @Option(help: "Files checked at the same time (default: one per core, the cores' decoder threads shared out among them).")
    var jobs: Int?
    @Option(help: "Check only shard K of N of the run's files (a stable, size-balanced share: the same on every machine); auto/N takes K from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID. Join the shards' JSON reports with `greenlight merge`.")
    var shard: Shard?
    @Option(help: "Check only this time range of the single MEDIA: START-END in seconds or the file's timecode (an empty END: to the end), or K/N (auto/N) for the K-th of N equal parts. Reading starts a little before START to warm the checkers up; the range reports the findings that start in it, each whole. Join ranges with `greenlight merge`.")
    var range: RangeArgument?
    @Option(help: "A progress bar with ETA per file and for the run on stderr: auto (on a terminal), always or never; lines: a line `progress F` (F the run's fraction done, 0 to 1) on stderr at each percent, for a program that runs greenlight.") var progress: ProgressMode = .auto
    @Option(name: .customLong("write-corrected"), help: ArgumentHelp(
        "Write a copy of the single MEDIA's subtitle file (--subtitles, or its one sidecar) with its times corrected by the offset, drift or step subtitle-timing measured against the speech, in the file's own format (SubRip, WebVTT or TTML), to this path. Written only when that measurement is a finding; the subtitle file itself is never changed.",
        valueName: "file"))
    var writeCorrected: String?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if range != nil && media.count != 1 { throw ValidationError("--range belongs to a single MEDIA file; \(media.count) were given") }
        if range != nil && shard != nil { throw ValidationError("--range and --shard split a run two ways: give one") }
        if (subtitles != nil || reference != nil) && media.count != 1 {
            throw ValidationError("--subtitles and --reference belong to a single MEDIA file; \(media.count) were given")
        }
        if writeCorrected != nil && media.count != 1 {
            throw ValidationError("--write-corrected belongs to a single MEDIA file; \(media.count) were given")
        }
        for (flag, path) in [("--subtitles", subtitles), ("--reference", reference)] {
            if let path, !FileManager.default.fileExists(atPath: path) { throw ValidationError("\(flag): no such file: \(path)") }
        }
    }

    /// The Broadcast WAV files under `dir` (a file that is not one is named on stderr and left out).
    func readProductionSound(_ dir: String) throws -> [ProductionSound] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw ValidationError("--sound \(printable(dir)): not a folder")
        }
        let names = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? [])
            .filter { ["wav", "bwf"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        var found: [ProductionSound] = []
        for name in names {
            do { found.append(try ProductionSound.read((dir as NSString).appendingPathComponent(name))) } catch {
                warn("greenlight: --sound: \(printable(String(describing: error))); left out")
            }
        }
        if found.isEmpty { throw ValidationError("--sound \(printable(dir)): no Broadcast WAV with a bext chunk found") }
        return found
    }

    func run() async throws {
        let registry = CheckerRegistry.known
        var chosen: Profile
        do {
            chosen = try loadProfile(profile, registry: registry)
            if let checkers {
                var ids: [String] = []
                for id in checkers.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !id.isEmpty && !ids.contains(id) {
                    ids.append(id)
                }
                guard !ids.isEmpty else {
                    throw ValidationError("--checkers names no checker (known: \(registry.map(\.description.id).joined(separator: ", ")))")
                }
                chosen = try chosen.restricted(to: ids, registry: registry)
            }
            _ = try AnalysisPlan(profile: chosen)  // analyzers that read each other in a circle: a usage error
        } catch let error as ProfileError {
            throw ValidationError(error.description)
        }
        if chosen.checkers.isEmpty {
            throw ValidationError("profile '\(chosen.name)' (\(chosen.source)) enables no checker: nothing would be checked")
        }
        if reference != nil && !chosen.checkers.contains(where: { $0.type.features.contains(.reference) }) {
            warn("note: no checker in profile '\(chosen.name)' reads --reference (colour-reference does); it was accepted and not used.")
        }
        let productionSound = try sound.map(readProductionSound) ?? []
        if sound != nil && !chosen.checkers.contains(where: { $0.type.description.id == SoundSyncChecker.description.id }) {
            warn("note: no checker in profile '\(chosen.name)' reads --sound (sound-sync does: --profile dailies); it was accepted and not used.")
        }
        let runFiles = MediaCollector.collect(media)
        if runFiles.isEmpty { throw ValidationError("no media files found in \(media.map(printable).joined(separator: ", "))") }
        let shard = try self.shard?.resolved(environment: ProcessInfo.processInfo.environment)
        let paths = shard.map { Shard.share(of: runFiles, index: $0.index!, count: $0.count) } ?? runFiles
        try prepareJSONDirectory()
        let checkRange = try range.map { try resolve($0, paths: paths, profile: chosen) }
        let perFileJSON = jsonDir.map { dir in JSONDirectory.names(for: runFiles).mapValues { dir + "/" + $0 } } ?? [:]

        // Reports never land on an input, on each other, or on anything but a regular file.
        // Inputs are everything the whole run reads (every shard's media, the sidecars found
        // beside each, the named files), compared by device and inode, so no spelling gets past.
        var inputs = runFiles.map { ("media file", $0) }
        if let subtitles { inputs.append(("subtitle file", subtitles)) }
        else { inputs += runFiles.flatMap { SubtitleFile.sidecarPaths(for: $0).map { ("sidecar subtitle file", $0) } } }
        if let reference { inputs.append(("reference file", reference)) }
        inputs += productionSound.map { ("production sound file", $0.path) }
        if !Profile.builtInNames.contains(profile) { inputs.append(("profile", profile)) }
        var requested = output.requested(files: paths)
        requested += paths.compactMap { perFileJSON[$0].map { ("--json-dir", $0) } }
        var corrected: (source: String, target: String)?
        if let writeCorrected {
            let found = subtitles.map { [$0] } ?? SubtitleFile.sidecarPaths(for: paths[0])
            guard found.count == 1 else {
                throw ValidationError("--write-corrected needs one subtitle file for \(printable(paths[0])): "
                    + (found.isEmpty ? "none was found beside it (name one with --subtitles)" : "\(found.count) sidecars were found (name one with --subtitles)"))
            }
            guard chosen.checkers.contains(where: { $0.type.description.id == SubtitleTimingChecker.description.id }) else {
                throw ValidationError("--write-corrected uses subtitle-timing's sync measurement, and profile '\(chosen.name)' does not run subtitle-timing")
            }
            corrected = (found[0], writeCorrected)
            requested.append(("--write-corrected", writeCorrected))
        }
        let targets = try ReportTargets(requested: requested, inputs: inputs)

        let checkerIDs = chosen.checkers.map(\.type.description.id)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let jobs = min(self.jobs ?? cores, paths.count)
        let interruption = Interruption()
        defer { interruption.release() }
        let engine = {
            var e = Engine(profile: chosen, threads: jobs > 1 ? max(1, cores / jobs) : 0)  // the cores shared out, not oversubscribed
            if output.html != nil { e.thumbnails = ThumbnailPolicy.forRun(files: paths.count) }  // only the HTML report shows pictures
            e.stop = { interruption.received != nil }
            return e
        }()
        let board = progress == .lines ? ProgressBoard(files: paths.count, lines: true)
            : !output.quiet && progress.resolve(terminal: isatty(STDERR_FILENO) != 0) ? ProgressBoard(files: paths.count) : nil
        var reports = [FileReport?](repeating: nil, count: paths.count)
        var unwrittenFiles = 0
        // Files start largest first (by bytes), so that with several jobs the run does not end
        // on one long file while the other cores wait; reports keep the run's order.
        let sizes = jobs > 1 ? paths.map(Shard.size) : []
        let order = jobs > 1 ? paths.indices.sorted { (sizes[$1], $0) < (sizes[$0], $1) } : Array(paths.indices)
        await withTaskGroup(of: (Int, FileReport).self) { group in
            var next = 0
            func launch() {
                guard next < order.count, interruption.received == nil else { return }
                let i = order[next], path = paths[i]
                next += 1
                let named = subtitles, master = reference, range = checkRange, sounds = productionSound
                group.addTask {
                    board?.begin(i, path)
                    return (i, engine.check(path: path, subtitles: SubtitleFile.sidecars(for: path, named: named), reference: master, range: range,
                                            sound: sounds,
                                            progress: board.map { b in { b.update(i, $0) } }))
                }
            }
            for _ in 0..<min(jobs, paths.count) { launch() }
            for await (i, report) in group {
                board?.finish(i)
                if report.interrupted { continue }
                reports[i] = report
                if let error = report.error { board?.clear(); warn("greenlight: \(printable(report.path)): \(printable(error))") }
                if let target = perFileJSON[report.path] {
                    do {
                        try JSONReporter(fullSeries: output.jsonSeries).write(RunReport(profile: chosen.name, checkers: checkerIDs, files: [report]),
                                                 to: targets.resolved(target))
                    } catch {
                        board?.clear()
                        warn("greenlight: cannot write the JSON report to \(printable(target)): \(error.localizedDescription)")
                        unwrittenFiles += 1
                    }
                }
                launch()
            }
        }
        board?.clear()
        let checked = reports.compactMap { $0 }
        let incomplete = interruption.received == nil ? nil
            : RunReport.Incomplete(reason: interruption.reason, unchecked: paths.indices.filter { reports[$0] == nil }.map { paths[$0] })
        // Files of one run set against each other (dailies from one camera tagged differently):
        // a shard sees only its share, so `merge` does it for a sharded run.
        let run = RunReport(profile: chosen.name, checkers: checkerIDs, files: shard == nil ? RunCrossChecks.apply(checked, profile: chosen) : checked,
                            incomplete: incomplete,
                            part: shard.map { RunReport.Part(shard: $0.index!, shards: $0.count, runFiles: runFiles) })
        if let corrected, let report = checked.first {
            if !writeCorrectedCopy(of: corrected.source, to: targets.resolved(corrected.target), from: report) { unwrittenFiles += 1 }
        }
        try output.finish(run, targets: targets, alreadyUnwritten: unwrittenFiles,
                          signal: interruption.received)
    }
}

extension Check {
    /// `--write-corrected`: the subtitle file re-timed by what subtitle-timing measured, when it
    /// measured a sync fault; otherwise a sentence on stderr saying why nothing was written.
    /// Returns false when asked-for output was not written.
    func writeCorrectedCopy(of source: String, to target: String, from report: FileReport) -> Bool {
        let name = (source as NSString).lastPathComponent
        let refuse = { (why: String) -> Bool in
            warn("greenlight: --write-corrected: \(printable(target)) not written: \(why)")
            return false
        }
        guard case .record(let sync)? = report.summaries[SubtitleTimingChecker.description.id]?["sync \(name)"] else {
            return refuse("subtitle-timing measured nothing for \(printable(name))\(report.error.map { " (\($0))" } ?? "")")
        }
        func number(_ key: String) -> Double? {
            switch sync[key] {
            case .number(let n)?: return n
            case .integer(let i)?: return Double(i)
            default: return nil
            }
        }
        let codes = ["subtitle.sync-offset", "subtitle.drift", "subtitle.sync-step"]
        let mine = report.findings.filter { $0.checker == SubtitleTimingChecker.description.id && $0.message.hasPrefix("\(name):") }
        guard mine.contains(where: { codes.contains($0.code) }), let offset = number("offsetSeconds") else {
            let confidence = number("confidence").map { formatNumber($0, decimals: 2) } ?? "none"
            if mine.contains(where: { $0.code == "subtitle.sync-suspected" }) {
                return refuse("the subtitles are only suspected out of sync (confidence \(confidence)); confirm against the picture, then re-time them by the offset in the report")
            }
            if let offset = number("offsetSeconds"), let c = number("confidence"), c >= 0.8 {
                return refuse("the subtitles are in sync with the speech (offset \(formatNumber(offset, decimals: 2)) s, confidence \(confidence))")
            }
            if case .text(let note)? = sync["note"] { return refuse("the sync was \(note)") }
            return refuse("the sync could not be measured with confidence (\(confidence))")
        }
        let correction = SubtitleRetiming.Correction(offset: offset, factor: number("factor") ?? 1, stepAt: number("stepSeconds"),
                                                     offsetAfterStep: number("offsetAfterStepSeconds"))
        do {
            let data = try InputFile.contents(source, limit: SubtitleFile.maximumBytes, kind: "a subtitle file")
            let copy = try SubtitleRetiming.retime(data, name: name, correction)
            try copy.write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            return refuse("\(error)")
        }
        do {  // on stderr, as --quiet keeps stdout silent
            let how = correction.factor != 1 ? "stretched by 1/\(formatNumber(correction.factor, decimals: 5)) and moved" : "moved"
            warn("greenlight: wrote \(printable(target)): \(printable(name)) \(how) \(formatNumber(-offset, decimals: 3)) s"
                 + (correction.stepAt.map { " (\(formatNumber(-(correction.offsetAfterStep ?? offset), decimals: 3)) s from \(formatNumber($0, decimals: 3)) s on)" } ?? ""))
        }
        return true
    }

    /// `--json-dir`: made when missing; refused when something else is there.
    private func prepareJSONDirectory() throws {
        guard let jsonDir else { return }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: jsonDir, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("--json-dir \(printable(jsonDir)) is not a folder")
        }
        try FileManager.default.createDirectory(atPath: jsonDir, withIntermediateDirectories: true)
    }

    /// `--range` in the single file's programme time, with a note naming the checkers a range leaves out.
    private func resolve(_ range: RangeArgument, paths: [String], profile: Profile) throws -> CheckRange {
        let info: MediaInfo
        do { info = try Engine.probe(path: paths[0]) } catch {
            throw ValidationError("--range: cannot read \(printable(paths[0])): \(error)")
        }
        let resolved = try range.resolve(media: info, environment: ProcessInfo.processInfo.environment)
        let skipped = profile.checkers.filter { $0.type.type.needsWholeProgramme }.map(\.type.description.id)
        if !skipped.isEmpty && !output.quiet {
            warn("note: \(skipped.joined(separator: ", ")) need\(skipped.count == 1 ? "s" : "") the whole programme and \(skipped.count == 1 ? "is" : "are") not run on a time range.")
        }
        return resolved
    }
}

func loadProfile(_ name: String, registry: [AnyCheckerType]) throws -> Profile {
    if let profile = try Profile.builtIn(named: name, registry: registry) { return profile }
    guard FileManager.default.fileExists(atPath: name) else {
        throw ProfileError(source: name, key: "--profile",
                           message: "no built-in profile by that name (built-in: \(Profile.builtInNames.joined(separator: ", "))) and no such file")
    }
    return try Profile.load(path: name, registry: registry)
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// auto, always or never (colour, progress).
enum When: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    /// Whether it is on, `auto` following `terminal`.
    func resolve(terminal: Bool) -> Bool { self == .always || (self == .auto && terminal) }
}

/// `--progress`: auto, always, never, or `lines` (machine-readable, written even with --quiet).
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never, lines

    func resolve(terminal: Bool) -> Bool { self == .always || (self == .auto && terminal) }
}

/// The run's progress on stderr, one self-overwriting line: files done of all, the run's bar
/// and ETA, and each file being decoded with its own percentage and ETA. Redrawn at most ten
/// times a second; ETAs from the time spent so far (a file's by its own fraction, the run's by
/// the files done plus the fractions of those under way).
final class ProgressBoard: @unchecked Sendable {
    private let lock = NSLock()
    private let files: Int
    private let started = Date()
    private var active: [Int: (path: String, started: Date, fraction: Double)] = [:]
    private var done = 0
    private var drawn = Date.distantPast
    /// `--progress lines`: `progress F` lines instead of the bar.
    private let lines: Bool
    private var lastPercent = -1

    init(files: Int, lines: Bool = false) {
        self.files = files
        self.lines = lines
    }

    func begin(_ i: Int, _ path: String) {
        lock.withLock { active[i] = (path, Date(), 0) }
    }

    func update(_ i: Int, _ fraction: Double) {
        lock.withLock {
            active[i]?.fraction = min(1, max(0, fraction))
            if lines { return writeLine() }
            let now = Date()
            guard now.timeIntervalSince(drawn) >= 0.1 else { return }
            drawn = now
            let line = Self.line(files: files, done: done, active: active.values.sorted { $0.started < $1.started }
                .map { (name: URL(fileURLWithPath: $0.path).lastPathComponent, elapsed: now.timeIntervalSince($0.started), fraction: $0.fraction) },
                                 elapsed: now.timeIntervalSince(started), width: Self.columns())
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        }
    }

    func finish(_ i: Int) {
        lock.withLock {
            active[i] = nil
            done += 1
            if lines { writeLine() }
        }
    }

    func clear() {
        if lines { return }
        lock.withLock { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// `progress 0.42` when the run's whole percent moves (called under the lock).
    private func writeLine() {
        let fraction = files == 0 ? 1 : (Double(done) + active.values.reduce(0) { $0 + $1.fraction }) / Double(files)
        let percent = Int(fraction * 100)
        guard percent != lastPercent else { return }
        lastPercent = percent
        FileHandle.standardError.write(Data("progress \(formatNumber(Double(percent) / 100, decimals: 2))\n".utf8))
    }

    /// The line for a state (a pure function, so tests can read it).
    static func line(files: Int, done: Int, active: [(name: String, elapsed: Double, fraction: Double)], elapsed: Double, width: Int) -> String {
        let runFraction = files == 0 ? 1 : (Double(done) + active.reduce(0) { $0 + $1.fraction }) / Double(files)
        var out = "[\(done)/\(files)] \(bar(runFraction, 20)) \(Int(runFraction * 100))%"
        if let eta = eta(elapsed: elapsed, fraction: runFraction) { out += " ETA \(eta)" }
        for a in active {
            out += " · \(printable(a.name)) \(Int(a.fraction * 100))%"
            if let eta = eta(elapsed: a.elapsed, fraction: a.fraction) { out += " ETA \(eta)" }
        }
        return out.count > width ? String(out.prefix(max(10, width - 1))) + "…" : out
    }

    static func bar(_ fraction: Double, _ cells: Int) -> String {
        let full = Int((min(1, max(0, fraction)) * Double(cells)).rounded(.down))
        return "▕" + String(repeating: "█", count: full) + String(repeating: "░", count: cells - full) + "▏"
    }

    /// "0:42", "1:02:05"; nil until there is enough to go on (2 % and a second).
    static func eta(elapsed: Double, fraction: Double) -> String? {
        guard fraction >= 0.02, elapsed >= 1, fraction < 1 else { return nil }
        let left = Int((elapsed / fraction * (1 - fraction)).rounded())
        let (h, m, s) = (left / 3600, left / 60 % 60, left % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    private static func columns() -> Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        return 120
    }
}
