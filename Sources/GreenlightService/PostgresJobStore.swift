import Foundation
import Logging
import PostgresNIO

/// The job store in PostgreSQL (`--database postgres://…`), for a facility: the server and any
/// number of `greenlight worker` processes on other machines share it. A claim is one statement
/// that locks the chosen row and skips rows other workers hold (`FOR UPDATE SKIP LOCKED`), and
/// leases run on the database's clock, so machines whose clocks differ do not steal each other's jobs.
public final class PostgresJobStore: JobStore {
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let logger = Logger(label: "greenlight.postgres")
    /// The database's time in milliseconds since 1970.
    private static let now = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT"

    /// - Parameter url: `postgres://user:password@host:port/database` (`?sslmode=require` for TLS).
    public init(url: String) async throws {
        guard let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty else {
            throw ServiceError.usage("--database \(url): not a postgres://user@host/database URL")
        }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        let requireTLS = parts.queryItems?.first(where: { $0.name == "sslmode" })?.value == "require"
        var configuration = PostgresClient.Configuration(
            host: host, port: parts.port ?? 5432, username: parts.user ?? "postgres", password: parts.password,
            database: database.isEmpty ? nil : database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = 12
        configuration.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
        do {
            try await client.query("SELECT 1", logger: logger)
        } catch {
            running.cancel()
            throw ServiceError.database("cannot connect to \(host):\(parts.port ?? 5432)/\(database): \(String(reflecting: error))")
        }
    }

    public func migrate() async throws {
        try await client.withTransaction(logger: logger) { c in
            try await c.query("SELECT pg_advisory_xact_lock(727274)", logger: logger)  // one migrator at a time
            try await c.query("CREATE TABLE IF NOT EXISTS greenlight_schema (version INTEGER NOT NULL)", logger: logger)
            var version = 0
            for try await (v) in try await c.query("SELECT COALESCE(MAX(version), 0) FROM greenlight_schema", logger: logger).decode(Int.self) {
                version = v
            }
            guard version <= Schema.current else {
                throw ServiceError.database("the database is at schema version \(version), newer than this greenlight (\(Schema.current)): use a newer greenlight")
            }
            for migration in Schema.migrations where migration.version > version {
                for statement in migration.postgres { try await c.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await c.query("INSERT INTO greenlight_schema (version) VALUES (\(migration.version))", logger: logger)
            }
        }
    }

    private static func jobs(_ rows: PostgresRowSequence) async throws -> [Job] {
        var out: [Job] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            out.append(JobRow(
                id: try r["id"].decode(Int64.self), state: try r["state"].decode(String.self), paths: try r["paths"].decode(String.self),
                profile: try r["profile"].decode(String.self), priority: try r["priority"].decode(Int.self),
                source: try r["source"].decode(String.self), progress: try r["progress"].decode(Double.self),
                verdict: try r["verdict"].decode(String?.self), error: try r["error"].decode(String?.self),
                findings: try r["findings"].decode(Int?.self), attempts: try r["attempts"].decode(Int.self),
                worker: try r["worker"].decode(String?.self), submitted: try r["submitted"].decode(Int64.self),
                started: try r["started"].decode(Int64?.self), finished: try r["finished"].decode(Int64?.self)).job)
        }
        return out
    }

    public func submit(_ request: JobRequest) async throws -> Job {
        let paths = ReportSummary.encode(paths: request.paths), search = Schema.searchText(request.paths)
        let rows = try await client.query("""
            INSERT INTO jobs (state, paths, search, profile, priority, source, submitted)
            VALUES ('queued', \(paths), \(search), \(request.profile), \(request.priority), \(request.source), \(unescaped: Self.now))
            RETURNING \(unescaped: Schema.jobColumns)
            """, logger: logger)
        guard let job = try await Self.jobs(rows).first else { throw ServiceError.database("the new job was not returned") }
        return job
    }

    public func job(_ id: Int64) async throws -> Job? {
        try await Self.jobs(client.query("SELECT \(unescaped: Schema.jobColumns) FROM jobs WHERE id = \(id)", logger: logger)).first
    }

    public func jobs(_ filter: JobFilter) async throws -> [Job] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if !filter.states.isEmpty { clauses.append("state IN (\(filter.states.map { bind($0.rawValue) }.joined(separator: ",")))") }
        if let path = filter.path, !path.isEmpty { clauses.append("search LIKE \(bind(Schema.likePattern(path))) ESCAPE '\\'") }
        if let verdict = filter.verdict { clauses.append("verdict = \(bind(verdict))") }
        if let from = filter.from { clauses.append("submitted >= \(bind(milliseconds(from)))") }
        if let to = filter.to { clauses.append("submitted < \(bind(milliseconds(to)))") }
        let sql = "SELECT \(Schema.jobColumns) FROM jobs" + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
            + (filter.queueOrder ? " ORDER BY priority DESC, id" : " ORDER BY id DESC") + " LIMIT \(max(1, filter.limit))"
        return try await Self.jobs(client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger))
    }

    public func cancel(_ id: Int64) async throws -> Job? {
        try await client.query("""
            UPDATE jobs SET state = 'cancelled', finished = \(unescaped: Self.now), worker = NULL, lease_until = NULL
            WHERE id = \(id) AND state IN ('queued', 'running')
            """, logger: logger)
        return try await job(id)
    }

    public func claim(worker: String, lease: Double, maxAttempts: Int) async throws -> Job? {
        try await client.query("""
            UPDATE jobs SET state = 'failed', finished = \(unescaped: Self.now), worker = NULL, lease_until = NULL,
                error = 'its worker was lost ' || attempts || ' times while checking it (killed, or the machine stopped); not tried again'
            WHERE state = 'running' AND lease_until < \(unescaped: Self.now) AND attempts >= \(maxAttempts)
            """, logger: logger)
        let leaseMS = Int64(lease * 1000)
        let rows = try await client.query("""
            WITH next AS (
                SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < \(unescaped: Self.now))
                ORDER BY priority DESC, id LIMIT 1 FOR UPDATE SKIP LOCKED)
            UPDATE jobs SET state = 'running', worker = \(worker), lease_until = \(unescaped: Self.now) + \(leaseMS),
                attempts = jobs.attempts + 1, progress = 0, started = \(unescaped: Self.now)
            FROM next WHERE jobs.id = next.id
            RETURNING \(unescaped: Schema.jobColumns.split(separator: ",").map { "jobs." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
            """, logger: logger)
        return try await Self.jobs(rows).first
    }

    public func renew(_ id: Int64, worker: String, lease: Double, progress: Double) async throws -> Bool {
        let leaseMS = Int64(lease * 1000)
        let rows = try await client.query("""
            UPDATE jobs SET lease_until = \(unescaped: Self.now) + \(leaseMS), progress = \(progress)
            WHERE id = \(id) AND state = 'running' AND worker = \(worker) RETURNING id
            """, logger: logger)
        return try await rows.collect().count == 1
    }

    public func complete(_ id: Int64, worker: String, outcome: JobOutcome) async throws -> Bool {
        try await client.withTransaction(logger: logger) { c in
            switch outcome {
            case .done(let verdict, let findings, let json, let html, let files, let error, _, _):
                let rows = try await c.query("""
                    UPDATE jobs SET state = 'done', progress = 1, verdict = \(verdict), findings = \(findings), error = \(error),
                        report_json = \(json), report_html = \(html), finished = \(unescaped: Self.now), worker = NULL, lease_until = NULL
                    WHERE id = \(id) AND state = 'running' AND worker = \(worker) RETURNING finished
                    """, logger: logger)
                guard let finished = try await rows.collect().first.map({ try $0.decode(Int64.self) }) else { return false }
                for file in files {
                    try await c.query("""
                        INSERT INTO checks (job_id, path, profile, verdict, finished, findings, error)
                        VALUES (\(id), \(file.path), \(file.profile), \(file.verdict), \(finished), \(ReportSummary.encode(file.findings)), \(file.error))
                        """, logger: logger)
                }
                return true
            case .failed(let error):
                let rows = try await c.query("""
                    UPDATE jobs SET state = 'failed', error = \(error), finished = \(unescaped: Self.now), worker = NULL, lease_until = NULL
                    WHERE id = \(id) AND state = 'running' AND worker = \(worker) RETURNING id
                    """, logger: logger)
                return try await rows.collect().count == 1
            }
        }
    }

    public func handBack(_ id: Int64, worker: String) async throws {
        try await client.query("""
            UPDATE jobs SET state = 'queued', worker = NULL, lease_until = NULL, progress = 0, started = NULL,
                attempts = GREATEST(0, attempts - 1)
            WHERE id = \(id) AND state = 'running' AND worker = \(worker)
            """, logger: logger)
    }

    public func report(_ id: Int64) async throws -> (json: String?, html: String?) {
        for try await (json, html) in try await client.query("SELECT report_json, report_html FROM jobs WHERE id = \(id)", logger: logger)
            .decode((String?, String?).self) {
            return (json, html)
        }
        return (nil, nil)
    }

    public func history(path: String) async throws -> [FileCheck] {
        var out: [FileCheck] = []
        let rows = try await client.query("""
            SELECT job_id, path, profile, verdict, finished, findings, error FROM checks WHERE path = \(path) ORDER BY finished, id
            """, logger: logger)
        for try await (job, path, profile, verdict, finished, findings, error) in rows.decode((Int64, String, String, String, Int64, String, String?).self) {
            out.append(FileCheck(job: job, path: path, profile: profile, verdict: verdict, finished: date(milliseconds: finished),
                                 findings: ReportSummary.decode(findings), error: error))
        }
        return out
    }

    public func counts() async throws -> [JobState: Int] {
        var out: [JobState: Int] = [:]
        for try await (state, n) in try await client.query("SELECT state, COUNT(*) FROM jobs GROUP BY state", logger: logger).decode((String, Int64).self) {
            if let s = JobState(rawValue: state) { out[s] = Int(n) }
        }
        return out
    }

    public func watched(_ path: String) async throws -> WatchedFile? {
        for try await (path, size, modified, job) in try await client.query(
            "SELECT path, size, modified, job_id FROM watched WHERE path = \(path)", logger: logger).decode((String, Int64, Int64, Int64).self) {
            return WatchedFile(path: path, size: size, modified: modified, job: job)
        }
        return nil
    }

    public func recordWatched(_ file: WatchedFile) async throws {
        try await client.query("""
            INSERT INTO watched (path, size, modified, job_id) VALUES (\(file.path), \(file.size), \(file.modified), \(file.job))
            ON CONFLICT (path) DO UPDATE SET size = excluded.size, modified = excluded.modified, job_id = excluded.job_id
            """, logger: logger)
    }

    public func close() async throws {
        running.cancel()
    }
}
