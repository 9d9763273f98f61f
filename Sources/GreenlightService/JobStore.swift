import Foundation

/// The service's memory: jobs, their reports, each file's history, what the watch folders took.
/// Two implementations with one schema (``Schema``): SQLite for one machine, PostgreSQL for a
/// facility whose workers run on several.
///
/// Claiming is the one subtle part: a worker takes the most urgent queued job, or a running one
/// whose worker stopped renewing its lease, in one statement that no other worker can interleave
/// with; only the worker holding a job can finish it, so a job taken again after its worker was
/// lost is never finished twice.
public protocol JobStore: Sendable {
    /// Brings the schema to the current version (safe to run from several processes at once).
    func migrate() async throws
    func submit(_ request: JobRequest) async throws -> Job
    func job(_ id: Int64) async throws -> Job?
    func jobs(_ filter: JobFilter) async throws -> [Job]
    /// Cancels a queued or running job (a running one's worker sees it at its next renewal and
    /// stops the check). Returns the job as it now is, nil when there is no such job.
    func cancel(_ id: Int64) async throws -> Job?
    /// The next job for `worker`, leased for `lease` seconds, or nil when there is none. Jobs
    /// whose lease ran out `maxAttempts` times are failed instead of taken again.
    func claim(worker: String, lease: Double, maxAttempts: Int) async throws -> Job?
    /// Extends the lease and records progress. False when the job is no longer this worker's
    /// to run (cancelled, or taken by another after the lease ran out): stop the check.
    func renew(_ id: Int64, worker: String, lease: Double, progress: Double) async throws -> Bool
    /// Records how the job ended; false (and nothing written) when it is no longer this worker's.
    func complete(_ id: Int64, worker: String, outcome: JobOutcome) async throws -> Bool
    /// Puts a running job back in the queue (a worker stopping before it finished).
    func handBack(_ id: Int64, worker: String) async throws
    /// The JSON and HTML reports of a finished job.
    func report(_ id: Int64) async throws -> (json: String?, html: String?)
    /// Every finished check of one file, oldest first.
    func history(path: String) async throws -> [FileCheck]
    func counts() async throws -> [JobState: Int]
    func watched(_ path: String) async throws -> WatchedFile?
    func recordWatched(_ file: WatchedFile) async throws
    func close() async throws
}

/// Milliseconds since 1970, as the schema keeps times.
func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
func date(milliseconds ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

/// Errors the service says to its user (usage) or client (HTTP status with a reason).
public enum ServiceError: Error, CustomStringConvertible {
    case usage(String)
    case database(String)

    public var description: String {
        switch self {
        case .usage(let s): return s
        case .database(let s): return "database: \(s)"
        }
    }
}

/// Finding codes of a JSON report's files, counted: what the history keeps of each check.
enum ReportSummary {
    struct Parsed {
        var verdict: String
        var findings: Int
        var files: [(path: String, verdict: String, codes: [String: Int], error: String?)]
        /// Video frames and programme seconds over the files.
        var frames = 0
        var seconds = 0.0
    }

    static func parse(_ json: String) -> Parsed? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let verdict = object["verdict"] as? String, let files = object["files"] as? [[String: Any]] else { return nil }
        var total = 0, frames = 0, seconds = 0.0
        var out: [(String, String, [String: Int], String?)] = []
        for file in files {
            guard let path = file["path"] as? String else { continue }
            if let media = file["media"] as? [String: Any] {
                seconds += (media["duration"] as? Double) ?? Double(media["duration"] as? Int ?? 0)
                let video = (media["streams"] as? [[String: Any]] ?? []).first { $0["type"] as? String == "video" }
                frames += video?["frameCount"] as? Int ?? 0
            }
            var codes: [String: Int] = [:]
            for finding in file["findings"] as? [[String: Any]] ?? [] {
                if let code = finding["code"] as? String { codes[code, default: 0] += 1 }
            }
            total += codes.values.reduce(0, +)
            out.append((path, file["verdict"] as? String ?? "error", codes, file["error"] as? String))
        }
        return Parsed(verdict: verdict, findings: total, files: out, frames: frames, seconds: seconds)
    }

    static func encode(_ codes: [String: Int]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: codes, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [String: Int] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Int]) ?? [:]
    }

    static func encode(paths: [String]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: paths)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decode(paths text: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]) ?? []
    }
}
