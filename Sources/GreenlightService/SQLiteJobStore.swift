import Foundation
import GRDB

/// The job store in one SQLite file (`--data DIR`): nothing to install, for one machine. One
/// process uses it (the server and its workers); WAL lets the API read while a worker writes,
/// and every claim is one write transaction, so two workers never take one job.
public final class SQLiteJobStore: JobStore {
    private let pool: DatabasePool
    /// The clock (tests move it to run leases out).
    private let now: @Sendable () -> Date

    public init(path: String, now: @escaping @Sendable () -> Date = Date.init) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "greenlight"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw ServiceError.database("cannot open \(path): \(error)")
        }
        self.now = now
    }

    public func migrate() async throws {
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS greenlight_schema (version INTEGER NOT NULL)")
            let version = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM greenlight_schema") ?? 0
            guard version <= Schema.current else {
                throw ServiceError.database("the database is at schema version \(version), newer than this greenlight (\(Schema.current)): use a newer greenlight")
            }
            for migration in Schema.migrations where migration.version > version {
                for statement in migration.sqlite { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO greenlight_schema (version) VALUES (?)", arguments: [migration.version])
            }
        }
    }

    private static func row(_ r: Row) -> JobRow {
        JobRow(id: r["id"], state: r["state"], paths: r["paths"], profile: r["profile"], priority: r["priority"], source: r["source"],
               progress: r["progress"], verdict: r["verdict"], error: r["error"], findings: r["findings"], attempts: r["attempts"],
               worker: r["worker"], submitted: r["submitted"], started: r["started"], finished: r["finished"])
    }

    private func fetchJob(_ db: Database, _ id: Int64) throws -> Job? {
        try Row.fetchOne(db, sql: "SELECT \(Schema.jobColumns) FROM jobs WHERE id = ?", arguments: [id]).map { Self.row($0).job }
    }

    public func submit(_ request: JobRequest) async throws -> Job {
        let at = milliseconds(now())
        return try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO jobs (state, paths, search, profile, priority, source, submitted) VALUES ('queued', ?, ?, ?, ?, ?, ?)
                """, arguments: [ReportSummary.encode(paths: request.paths), Schema.searchText(request.paths), request.profile,
                                 request.priority, request.source, at])
            return try self.fetchJob(db, db.lastInsertedRowID)!
        }
    }

    public func job(_ id: Int64) async throws -> Job? {
        try await pool.read { db in try self.fetchJob(db, id) }
    }

    public func jobs(_ filter: JobFilter) async throws -> [Job] {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if !filter.states.isEmpty {
            clauses.append("state IN (\(filter.states.map { _ in "?" }.joined(separator: ",")))")
            arguments += filter.states.map(\.rawValue)
        }
        if let path = filter.path, !path.isEmpty {
            clauses.append("search LIKE ? ESCAPE '\\'")
            arguments.append(Schema.likePattern(path))
        }
        if let verdict = filter.verdict { clauses.append("verdict = ?"); arguments.append(verdict) }
        if let from = filter.from { clauses.append("submitted >= ?"); arguments.append(milliseconds(from)) }
        if let to = filter.to { clauses.append("submitted < ?"); arguments.append(milliseconds(to)) }
        let sql = "SELECT \(Schema.jobColumns) FROM jobs" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
            + (filter.queueOrder ? " ORDER BY priority DESC, id" : " ORDER BY id DESC") + " LIMIT \(max(1, filter.limit))"
        let args = StatementArguments(arguments)
        return try await pool.read { db in try Row.fetchAll(db, sql: sql, arguments: args).map { Self.row($0).job } }
    }

    public func cancel(_ id: Int64) async throws -> Job? {
        let at = milliseconds(now())
        return try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'cancelled', finished = ?, worker = NULL, lease_until = NULL
                WHERE id = ? AND state IN ('queued', 'running')
                """, arguments: [at, id])
            return try self.fetchJob(db, id)
        }
    }

    public func claim(worker: String, lease: Double, maxAttempts: Int) async throws -> Job? {
        let at = milliseconds(now())
        return try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'failed', finished = ?, worker = NULL, lease_until = NULL,
                    error = 'its worker was lost ' || attempts || ' times while checking it (killed, or the machine stopped); not tried again'
                WHERE state = 'running' AND lease_until < ? AND attempts >= ?
                """, arguments: [at, at, maxAttempts])
            guard let id = try Int64.fetchOne(db, sql: """
                SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < ?)
                ORDER BY priority DESC, id LIMIT 1
                """, arguments: [at]) else { return nil }
            try db.execute(sql: """
                UPDATE jobs SET state = 'running', worker = ?, lease_until = ?, attempts = attempts + 1, progress = 0,
                    started = ? WHERE id = ?
                """, arguments: [worker, at + Int64(lease * 1000), at, id])
            return try self.fetchJob(db, id)
        }
    }

    public func renew(_ id: Int64, worker: String, lease: Double, progress: Double) async throws -> Bool {
        let at = milliseconds(now())
        return try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET lease_until = ?, progress = ? WHERE id = ? AND state = 'running' AND worker = ?
                """, arguments: [at + Int64(lease * 1000), progress, id, worker])
            return db.changesCount == 1
        }
    }

    public func complete(_ id: Int64, worker: String, outcome: JobOutcome) async throws -> Bool {
        let at = milliseconds(now())
        return try await pool.write { db in
            switch outcome {
            case .done(let verdict, let findings, let json, let html, let files, let error, _, _):
                try db.execute(sql: """
                    UPDATE jobs SET state = 'done', progress = 1, verdict = ?, findings = ?, error = ?, report_json = ?, report_html = ?,
                        finished = ?, worker = NULL, lease_until = NULL
                    WHERE id = ? AND state = 'running' AND worker = ?
                    """, arguments: [verdict, findings, error, json, html, at, id, worker])
                guard db.changesCount == 1 else { return false }
                for file in files {
                    try db.execute(sql: """
                        INSERT INTO checks (job_id, path, profile, verdict, finished, findings, error) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [id, file.path, file.profile, file.verdict, at, ReportSummary.encode(file.findings), file.error])
                }
            case .failed(let error):
                try db.execute(sql: """
                    UPDATE jobs SET state = 'failed', error = ?, finished = ?, worker = NULL, lease_until = NULL
                    WHERE id = ? AND state = 'running' AND worker = ?
                    """, arguments: [error, at, id, worker])
                guard db.changesCount == 1 else { return false }
            }
            return true
        }
    }

    public func handBack(_ id: Int64, worker: String) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, progress = 0, started = NULL,
                    attempts = MAX(0, attempts - 1)
                WHERE id = ? AND state = 'running' AND worker = ?
                """, arguments: [id, worker])
        }
    }

    public func report(_ id: Int64) async throws -> (json: String?, html: String?) {
        try await pool.read { db in
            guard let r = try Row.fetchOne(db, sql: "SELECT report_json, report_html FROM jobs WHERE id = ?", arguments: [id]) else { return (nil, nil) }
            return (r["report_json"], r["report_html"])
        }
    }

    public func history(path: String) async throws -> [FileCheck] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT job_id, path, profile, verdict, finished, findings, error FROM checks WHERE path = ? ORDER BY finished, id
                """, arguments: [path]).map {
                FileCheck(job: $0["job_id"], path: $0["path"], profile: $0["profile"], verdict: $0["verdict"],
                          finished: date(milliseconds: $0["finished"]), findings: ReportSummary.decode($0["findings"]), error: $0["error"])
            }
        }
    }

    public func counts() async throws -> [JobState: Int] {
        try await pool.read { db in
            var out: [JobState: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let s = JobState(rawValue: r["state"]) { out[s] = r["n"] }
            }
            return out
        }
    }

    public func watched(_ path: String) async throws -> WatchedFile? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT path, size, modified, job_id FROM watched WHERE path = ?", arguments: [path]).map {
                WatchedFile(path: $0["path"], size: $0["size"], modified: $0["modified"], job: $0["job_id"])
            }
        }
    }

    public func recordWatched(_ file: WatchedFile) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO watched (path, size, modified, job_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (path) DO UPDATE SET size = excluded.size, modified = excluded.modified, job_id = excluded.job_id
                """, arguments: [file.path, file.size, file.modified, file.job])
        }
    }

    public func close() async throws {
        try pool.close()
    }
}
