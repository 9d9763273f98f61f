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

    @Option(help: "Write the JSON report here.") var json: String?
    @Option(help: "Write a JUnit XML report here.") var junit: String?
    @Option(help: "Write an HTML report here.") var html: String?
    @Option(help: "Write editor markers here: .edl (Resolve), .txt (Avid), .fcpxml (Final Cut Pro), .otio (OpenTimelineIO) or .csv; one file per media file when there are several.")
    var markers: String?
    @Option(help: "The markers' format when the path's extension does not say: edl, avid, fcpxml, otio or csv.")
    var markersFormat: String?

    @Option(help: "Files checked at the same time.") var jobs: Int = 1
    @Flag(help: "Print nothing on stdout (reports and exit code only).") var quiet = false

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if (subtitles != nil || reference != nil) && media.count != 1 {
            throw ValidationError("--subtitles and --reference belong to a single MEDIA file; \(media.count) were given")
        }
        for (flag, path) in [("--subtitles", subtitles), ("--reference", reference)] {
            if let path, !FileManager.default.fileExists(atPath: path) { throw ValidationError("\(flag): no such file: \(path)") }
        }
        if let name = markersFormat, MarkersReporter.Format(rawValue: name.lowercased()) == nil {
            throw ValidationError("--markers-format must be one of \(MarkersReporter.Format.allCases.map(\.rawValue).joined(separator: ", ")): \(name)")
        }
        if markersFormat != nil && markers == nil { throw ValidationError("--markers-format needs --markers PATH") }
        if let markers, markersFormat == nil, MarkersReporter(path: markers) == nil {
            throw ValidationError("--markers must end in .edl (Resolve), .txt (Avid), .fcpxml (Final Cut Pro), .otio (OpenTimelineIO) or .csv, or name its format with --markers-format: \(markers)")
        }
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
        let paths = MediaCollector.collect(media)
        if paths.isEmpty { throw ValidationError("no media files found in \(media.map(printable).joined(separator: ", "))") }

        // Reports never land on an input, on each other, or on anything but a regular file.
        var inputs = paths.map { ("media file", $0) }
        if let subtitles { inputs.append(("subtitle file", subtitles)) }
        if let reference { inputs.append(("reference file", reference)) }
        if !Profile.builtInNames.contains(profile) { inputs.append(("profile", profile)) }
        var requested = [("--json", json), ("--junit", junit), ("--html", html)].compactMap { flag, path in path.map { (flag, $0) } }
        if let markers { requested += MarkersReporter.targets(for: paths, path: markers).map { ("--markers", $0) } }
        let targets = try ReportTargets(requested: requested, inputs: inputs)

        let engine = {
            var e = Engine(profile: chosen)
            if html != nil { e.thumbnails = ThumbnailPolicy.forRun(files: paths.count) }  // only the HTML report shows pictures
            return e
        }()
        let progress = jobs == 1 && isatty(STDERR_FILENO) != 0 ? ProgressLine() : nil
        var reports = [FileReport?](repeating: nil, count: paths.count)
        await withTaskGroup(of: (Int, FileReport).self) { group in
            var next = 0
            func launch() {
                guard next < paths.count else { return }
                let i = next, path = paths[i]
                next += 1
                let named = subtitles, master = reference
                group.addTask {
                    (i, engine.check(path: path, subtitles: SubtitleFile.sidecars(for: path, named: named), reference: master,
                                     progress: progress.map { p in { p.show(path, $0) } }))
                }
            }
            for _ in 0..<min(jobs, paths.count) { launch() }
            for await (i, report) in group {
                progress?.clear()
                reports[i] = report
                if let error = report.error { warn("greenlight: \(printable(report.path)): \(printable(error))") }
                launch()
            }
        }
        // Files of one run set against each other (dailies from one camera tagged differently).
        let run = RunReport(profile: chosen.name, files: ColourMetadataChecker.crossCheck(reports.compactMap { $0 }, profile: chosen))
        // Each report is written on its own: one that cannot be written does not stop the others.
        var unwritten = 0
        func attempt(_ what: String, _ path: String, _ write: () throws -> Void) {
            do { try write() } catch {
                unwritten += 1
                warn("greenlight: cannot write the \(what) to \(printable(path)): \(error.localizedDescription)")
            }
        }
        if let json { attempt("JSON report", json) { try JSONReporter().write(run, to: targets.resolved(json)) } }
        if let junit {
            attempt("JUnit report", junit) { try JUnitReporter(checkers: chosen.checkers.map(\.type.description.id)).write(run, to: targets.resolved(junit)) }
        }
        if let html { attempt("HTML report", html) { try HTMLReporter(checkers: chosen.checkers.map(\.type.description.id)).write(run, to: targets.resolved(html)) } }
        if let markers, let reporter = markersFormat.flatMap({ MarkersReporter.Format(rawValue: $0.lowercased()) }).map(MarkersReporter.init(format:)) ?? MarkersReporter(path: markers) {
            attempt("markers", markers) {
                for note in try reporter.write(run, to: markers).skipped { warn("greenlight: \(note)") }
            }
        }
        if !quiet { print(TextReporter(color: isatty(STDOUT_FILENO) != 0).text(run), terminator: "") }
        if unwritten > 0 {
            warn("greenlight: \(unwritten) report(s) could not be written (see above).")
            throw Exit.unreadable
        }
        switch run.verdict {
        case .error: throw Exit.unreadable
        case .fail: throw Exit.gateFailed
        case .pass, .warn: return
        }
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

/// One self-overwriting progress line on stderr, shown only on a terminal.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()

    func show(_ path: String, _ fraction: Double) {
        lock.lock(); defer { lock.unlock() }
        let name = URL(fileURLWithPath: path).lastPathComponent
        FileHandle.standardError.write(Data("\r\u{1B}[K  \(Int(fraction * 100))%  \(name)".utf8))
    }

    func clear() {
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
