import Foundation

/// Where a job is: waiting, being checked, or finished one of three ways.
public enum JobState: String, Codable, Sendable, CaseIterable {
    case queued, running, done, failed, cancelled

    /// Finished: nothing will change it again.
    public var isFinal: Bool { self == .done || self == .failed || self == .cancelled }
}

/// One submission: files (or folders) checked together with one profile, as one
/// `greenlight check` run would check them.
public struct Job: Sendable, Equatable {
    public var id: Int64
    public var state: JobState
    public var paths: [String]
    public var profile: String
    public var priority: Int
    /// Who asked: `api`, `dashboard` or `watch`.
    public var source: String
    /// 0...1 while running; 1 once done.
    public var progress: Double
    /// The run's verdict (pass, warn, fail) once done.
    public var verdict: String?
    /// Why it failed (or the files it could not read), in words.
    public var error: String?
    /// Findings over all files, once done.
    public var findings: Int?
    /// Times a worker took it (more than one when a worker was lost with it).
    public var attempts: Int
    /// The worker holding it while running.
    public var worker: String?
    public var submitted: Date
    public var started: Date?
    public var finished: Date?

    /// Seconds left by the time spent so far, once there is enough to go on.
    public func eta(now: Date = Date()) -> Double? {
        guard state == .running, let started, progress >= 0.02, progress < 1 else { return nil }
        let elapsed = now.timeIntervalSince(started)
        return elapsed / progress * (1 - progress)
    }
}

/// What a client asks for (`POST /api/v1/jobs`).
public struct JobRequest: Sendable, Equatable {
    public var paths: [String]
    public var profile: String
    public var priority: Int
    public var source: String

    public init(paths: [String], profile: String = "default", priority: Int = 0, source: String = "api") {
        self.paths = paths
        self.profile = profile
        self.priority = priority
        self.source = source
    }
}

/// Which jobs a listing shows (the dashboard's search, `GET /api/v1/jobs`).
public struct JobFilter: Sendable, Equatable {
    public var states: [JobState] = []
    /// Part of a path (case-insensitive).
    public var path: String?
    public var verdict: String?
    /// Submitted at or after / before.
    public var from: Date?
    public var to: Date?
    public var limit: Int = 100
    /// Queued jobs in the order workers take them (priority, then age) rather than newest first.
    public var queueOrder = false

    public init(states: [JobState] = [], path: String? = nil, verdict: String? = nil, from: Date? = nil, to: Date? = nil,
                limit: Int = 100, queueOrder: Bool = false) {
        self.states = states
        self.path = path
        self.verdict = verdict
        self.from = from
        self.to = to
        self.limit = limit
        self.queueOrder = queueOrder
    }
}

/// One file's result in one finished job: the file's history is a list of these.
public struct FileCheck: Sendable, Equatable {
    public var job: Int64
    public var path: String
    public var profile: String
    public var verdict: String
    public var finished: Date
    /// Finding codes with how many of each ("black.mid-programme": 2).
    public var findings: [String: Int]
    /// The file's read error, if it could not be checked.
    public var error: String?

    public init(job: Int64, path: String, profile: String, verdict: String, finished: Date, findings: [String: Int], error: String?) {
        self.job = job
        self.path = path
        self.profile = profile
        self.verdict = verdict
        self.finished = finished
        self.findings = findings
        self.error = error
    }
}

/// A value before and after.
public struct Change<Value: Equatable & Sendable & Encodable>: Equatable, Sendable, Encodable {
    public var from: Value
    public var to: Value
}

/// What changed for a file between two of its checks (as the API shows it: `verdict` is null when
/// it did not change).
public struct FileChange: Equatable, Sendable, Encodable {
    public var from: Int64
    public var to: Int64
    public var verdict: Change<String>?
    /// Codes found now and not before, or the reverse (with the counts of each).
    public var appeared: [String: Int]
    public var disappeared: [String: Int]
    /// Codes found both times but a different number of times.
    public var changed: [String: Change<Int>]
    public var profileChanged: Bool

    /// The change from `old` to `new` (two checks of one file).
    public init(from old: FileCheck, to new: FileCheck) {
        from = old.job
        to = new.job
        verdict = old.verdict == new.verdict ? nil : Change(from: old.verdict, to: new.verdict)
        appeared = new.findings.filter { old.findings[$0.key] == nil }
        disappeared = old.findings.filter { new.findings[$0.key] == nil }
        changed = [:]
        for (code, n) in new.findings {
            if let before = old.findings[code], before != n { changed[code] = Change(from: before, to: n) }
        }
        profileChanged = old.profile != new.profile
    }

    public var isEmpty: Bool { verdict == nil && appeared.isEmpty && disappeared.isEmpty && changed.isEmpty }

    enum Keys: String, CodingKey { case from, to, verdict, appeared, disappeared, changed, profileChanged }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(verdict, forKey: .verdict)  // null, not left out
        try c.encode(appeared, forKey: .appeared)
        try c.encode(disappeared, forKey: .disappeared)
        try c.encode(changed, forKey: .changed)
        try c.encode(profileChanged, forKey: .profileChanged)
    }
}

/// How a worker's run of a job ended.
public enum JobOutcome: Sendable {
    /// The check ran and wrote its reports (files it could not read are in them, as `greenlight check` says them).
    /// `frames` and `programmeSeconds` (video frames and seconds checked, for the metrics) are read
    /// from the report when it is parsed, once.
    case done(verdict: String, findings: Int, json: String, html: String?, files: [FileCheck], error: String?,
              frames: Int = 0, programmeSeconds: Double = 0)
    /// No report: the check could not run or died.
    case failed(error: String)
}

/// A file a watch folder has taken, so that it is taken once (again only if it changes).
public struct WatchedFile: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var modified: Int64
    public var job: Int64

    public init(path: String, size: Int64, modified: Int64, job: Int64) {
        self.path = path
        self.size = size
        self.modified = modified
        self.job = job
    }
}
