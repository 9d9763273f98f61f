import Foundation

/// Runs one job as `greenlight check` in a child process: the job's report is byte for byte
/// what that command writes, a decoder that crashes on a hostile file takes its own process down
/// and not the service, and a cancelled or lost job is stopped by killing one process.
public struct CheckRunner: Sendable {
    /// The greenlight executable (the running one, normally).
    public var executable: String
    /// A job taking longer is stopped and failed (nil: no limit).
    public var timeout: Double?

    public init(executable: String = CheckRunner.currentExecutable, timeout: Double? = nil) {
        self.executable = executable
        self.timeout = timeout
    }

    /// This process's own executable.
    public static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// What the worker wants while the check runs, asked about twice a second.
    public enum Control: Sendable { case carryOn, stop }

    /// How a run ended: an outcome to record, or stopped on request (nothing to record).
    public enum Ended: Sendable {
        case finished(JobOutcome)
        case stopped
    }

    /// The arguments of the check (after the executable).
    func arguments(_ job: Job, json: String, html: String) -> [String] {
        ["check", "--profile", job.profile, "--json", json, "--html", html, "--progress", "lines", "--quiet", "--"] + job.paths
    }

    public func run(_ job: Job, progress: @escaping @Sendable (Double) -> Void,
                    control: @Sendable () async -> Control) async -> Ended {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-job-\(job.id)-\(UUID().uuidString)")
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            return .finished(.failed(error: "cannot make a folder for the reports: \(error.localizedDescription)"))
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let json = folder.appendingPathComponent("report.json").path, html = folder.appendingPathComponent("report.html").path

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments(job, json: json, html: html)
        var environment = ProcessInfo.processInfo.environment
        environment["GREENLIGHT_EXIT_WITH_PARENT"] = "1"  // a killed worker leaves no check running
        environment["GREENLIGHT_NICE"] = environment["GREENLIGHT_NICE"] ?? "10"  // checks yield the cores to the API and the dashboard
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        let stderr = Pipe()
        process.standardError = stderr
        let lines = StderrLines(progress: progress)
        stderr.fileHandleForReading.readabilityHandler = { handle in lines.take(handle.availableData) }
        do { try process.run() } catch {
            stderr.fileHandleForReading.readabilityHandler = nil
            return .finished(.failed(error: "cannot start \(executable): \(error.localizedDescription)"))
        }
        let started = Date()
        var timedOut = false
        while process.isRunning {
            try? await Task.sleep(for: .milliseconds(200))
            if await control() == .stop {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                stderr.fileHandleForReading.readabilityHandler = nil
                return .stopped
            }
            if let timeout, Date().timeIntervalSince(started) > timeout, process.isRunning {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
            }
        }
        process.waitUntilExit()
        stderr.fileHandleForReading.readabilityHandler = nil
        lines.take(stderr.fileHandleForReading.readDataToEndOfFile())
        let said = lines.text
        if timedOut {
            return .finished(.failed(error: "stopped after \(Int(timeout ?? 0)) s (the service's --job-timeout)"))
        }
        if process.terminationReason == .uncaughtSignal {
            return .finished(.failed(error: "the check stopped on signal \(process.terminationStatus)" + (said.isEmpty ? "" : ": \(said)")))
        }
        guard let data = FileManager.default.contents(atPath: json), let text = String(data: data, encoding: .utf8),
              let parsed = ReportSummary.parse(text) else {
            return .finished(.failed(error: said.isEmpty ? "the check wrote no report (exit \(process.terminationStatus))" : said))
        }
        let htmlText = FileManager.default.contents(atPath: html).flatMap { String(data: $0, encoding: .utf8) }
        let files = parsed.files.map {
            FileCheck(job: job.id, path: $0.path, profile: job.profile, verdict: $0.verdict, finished: Date(), findings: $0.codes, error: $0.error)
        }
        let unreadable = parsed.files.filter { $0.error != nil }
        let error = unreadable.isEmpty ? nil
            : "\(unreadable.count) of \(parsed.files.count) file\(parsed.files.count == 1 ? "" : "s") could not be checked: "
                + unreadable.map { "\($0.path): \($0.error!)" }.joined(separator: "; ")
        return .finished(.done(verdict: parsed.verdict, findings: parsed.findings, json: text, html: htmlText, files: files, error: error,
                               frames: parsed.frames, programmeSeconds: parsed.seconds))
    }
}

/// The child's stderr: `progress F` lines go to the job's progress, the rest is kept (the last
/// few kilobytes) to say why a check failed.
private final class StderrLines: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = Data()
    private var kept: [String] = []
    private let progress: @Sendable (Double) -> Void

    init(progress: @escaping @Sendable (Double) -> Void) { self.progress = progress }

    func take(_ data: Data) {
        guard !data.isEmpty else { return }
        lock.withLock {
            pending.append(data)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasPrefix("progress "), let f = Double(line.dropFirst(9)) {
                    progress(f)
                } else if !line.isEmpty {
                    kept.append(line)
                    if kept.count > 40 { kept.removeFirst(kept.count - 40) }
                }
            }
            if pending.count > 65_536 { pending.removeAll() }
        }
    }

    var text: String {
        lock.withLock {
            let s = kept.joined(separator: "\n")
            return s.count > 4000 ? String(s.suffix(4000)) : s
        }
    }
}
