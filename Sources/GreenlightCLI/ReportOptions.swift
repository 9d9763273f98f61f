import ArgumentParser
import Foundation
import GreenlightCore
import GreenlightReports
import GreenlightValues

/// The reports a run writes and what it prints, shared by `check` and `merge` so that a merged
/// run's reports are rendered exactly as a single run's are.
struct ReportOptions: ParsableArguments {
    @Option(help: "Write the JSON report here.") var json: String?
    @Flag(help: "Write every point of the plots' series in the JSON reports (by default four a second of programme, up to 1024).")
    var jsonSeries = false
    @Option(help: "Write a JUnit XML report here.") var junit: String?
    @Option(help: "Write an HTML report here.") var html: String?
    @Option(help: "Write editor markers here: .edl (Resolve), .txt (Avid), .fcpxml (Final Cut Pro), .otio (OpenTimelineIO) or .csv; one file per media file when there are several.")
    var markers: String?
    @Option(help: "The markers' format when the path's extension does not say: edl, avid, fcpxml, otio or csv.")
    var markersFormat: String?
    @Flag(help: "Print nothing on stdout and no progress (reports and exit code only).") var quiet = false
    @Flag(help: "Also print each finding's measurements and each checker's summary.") var verbose = false
    @Option(help: "Colour on stdout: auto (on a terminal, unless NO_COLOR is set), always or never.") var color: When = .auto

    /// The markers' format: --markers-format's, else the --markers path's extension's.
    private var markersReporter: MarkersReporter? {
        if let name = markersFormat { return MarkersReporter.Format(rawValue: name.lowercased()).map(MarkersReporter.init(format:)) }
        return markers.flatMap(MarkersReporter.init(path:))
    }

    func validate() throws {
        if let name = markersFormat, markersReporter == nil {
            throw ValidationError("--markers-format must be one of \(MarkersReporter.Format.allCases.map(\.rawValue).joined(separator: ", ")): \(name)")
        }
        if markersFormat != nil && markers == nil { throw ValidationError("--markers-format needs --markers PATH") }
        if let markers, markersReporter == nil {
            throw ValidationError("--markers must end in .edl (Resolve), .txt (Avid), .fcpxml (Final Cut Pro), .otio (OpenTimelineIO) or .csv, or name its format with --markers-format: \(markers)")
        }
    }

    /// Each report's flag and path, for ``ReportTargets`` (markers: one path per media file).
    func requested(files: [String]) -> [(flag: String, path: String)] {
        var requested = [("--json", json), ("--junit", junit), ("--html", html)].compactMap { flag, path in path.map { (flag, $0) } }
        if let markers { requested += MarkersReporter.targets(for: files, path: markers).map { ("--markers", $0) } }
        return requested
    }

    /// Writes every report asked for, each on its own (one that cannot be written does not stop
    /// the others), prints the summary, and ends as the run's verdict says: 2 when a report could
    /// not be written or a file not read, 1 when the gate failed, 128 + the signal when interrupted.
    func finish(_ run: RunReport, targets: ReportTargets, alreadyUnwritten: Int = 0, signal: Int32? = nil) throws {
        var unwritten = alreadyUnwritten
        let checkers = run.checkers ?? []
        func attempt(_ what: String, _ path: String, _ write: () throws -> Void) {
            do { try write() } catch {
                unwritten += 1
                warn("greenlight: cannot write the \(what) to \(printable(path)): \(error.localizedDescription)")
            }
        }
        if let json { attempt("JSON report", json) { try JSONReporter(fullSeries: jsonSeries).write(run, to: targets.resolved(json)) } }
        if let junit { attempt("JUnit report", junit) { try JUnitReporter(checkers: checkers).write(run, to: targets.resolved(junit)) } }
        if let html { attempt("HTML report", html) { try HTMLReporter(checkers: checkers).write(run, to: targets.resolved(html)) } }
        if let markers, let reporter = markersReporter {
            attempt("markers", markers) {
                for note in try reporter.write(run, to: markers).skipped { warn("greenlight: \(note)") }
            }
        }
        if !quiet {
            let colour = color.resolve(terminal: isatty(STDOUT_FILENO) != 0 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty)
            print(TextReporter(color: colour, verbose: verbose).text(run), terminator: "")
        }
        if unwritten > 0 {
            warn("greenlight: \(unwritten) report(s) could not be written (see above).")
            throw Exit.unreadable
        }
        if let signal { throw ExitCode(128 + signal) }
        switch run.verdict {
        case .error: throw Exit.unreadable
        case .fail: throw Exit.gateFailed
        case .pass, .warn: return
        }
    }
}
