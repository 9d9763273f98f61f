/// The one schema, for both databases: migration N brings a database from version N-1 to N.
/// The version is kept in `greenlight_schema`; a database newer than this program is refused.
/// Times are milliseconds since 1970 (BIGINT) in both, so the two stores read alike.
enum Schema {
    struct Migration {
        var version: Int
        var sqlite: [String]
        var postgres: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            version: 1,
            sqlite: [
                """
                CREATE TABLE jobs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    state TEXT NOT NULL, paths TEXT NOT NULL, search TEXT NOT NULL, profile TEXT NOT NULL,
                    priority INTEGER NOT NULL, source TEXT NOT NULL, progress REAL NOT NULL DEFAULT 0,
                    verdict TEXT, error TEXT, findings INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
                    worker TEXT, lease_until INTEGER,
                    submitted INTEGER NOT NULL, started INTEGER, finished INTEGER,
                    report_json TEXT, report_html TEXT)
                """,
                "CREATE INDEX jobs_queue ON jobs (state, priority DESC, id)",
                "CREATE INDEX jobs_submitted ON jobs (submitted)",
                """
                CREATE TABLE checks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, job_id INTEGER NOT NULL REFERENCES jobs(id),
                    path TEXT NOT NULL, profile TEXT NOT NULL, verdict TEXT NOT NULL, finished INTEGER NOT NULL,
                    findings TEXT NOT NULL, error TEXT)
                """,
                "CREATE INDEX checks_path ON checks (path, finished)",
                "CREATE TABLE watched (path TEXT PRIMARY KEY, size INTEGER NOT NULL, modified INTEGER NOT NULL, job_id INTEGER NOT NULL)",
            ],
            postgres: [
                """
                CREATE TABLE jobs (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    state TEXT NOT NULL, paths TEXT NOT NULL, search TEXT NOT NULL, profile TEXT NOT NULL,
                    priority INTEGER NOT NULL, source TEXT NOT NULL, progress DOUBLE PRECISION NOT NULL DEFAULT 0,
                    verdict TEXT, error TEXT, findings INTEGER, attempts INTEGER NOT NULL DEFAULT 0,
                    worker TEXT, lease_until BIGINT,
                    submitted BIGINT NOT NULL, started BIGINT, finished BIGINT,
                    report_json TEXT, report_html TEXT)
                """,
                "CREATE INDEX jobs_queue ON jobs (state, priority DESC, id)",
                "CREATE INDEX jobs_submitted ON jobs (submitted)",
                """
                CREATE TABLE checks (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, job_id BIGINT NOT NULL REFERENCES jobs(id),
                    path TEXT NOT NULL, profile TEXT NOT NULL, verdict TEXT NOT NULL, finished BIGINT NOT NULL,
                    findings TEXT NOT NULL, error TEXT)
                """,
                "CREATE INDEX checks_path ON checks (path, finished)",
                "CREATE TABLE watched (path TEXT PRIMARY KEY, size BIGINT NOT NULL, modified BIGINT NOT NULL, job_id BIGINT NOT NULL)",
            ]
        ),
        // Listings by state, newest first (the API's `?state=queued`), without sorting every queued job.
        Migration(version: 2, sqlite: ["CREATE INDEX jobs_state_id ON jobs (state, id)"], postgres: ["CREATE INDEX jobs_state_id ON jobs (state, id)"]),
    ]

    static var current: Int { migrations.last!.version }

    /// The columns every job query reads, in ``JobRow``'s order.
    static let jobColumns = "id, state, paths, profile, priority, source, progress, verdict, error, findings, attempts, worker, submitted, started, finished"

    /// `LIKE` text matching `text` anywhere, with the pattern characters escaped (`ESCAPE '\'`).
    static func likePattern(_ text: String) -> String {
        var out = "%"
        for ch in text.lowercased() {
            if ch == "%" || ch == "_" || ch == "\\" { out.append("\\") }
            out.append(ch)
        }
        return out + "%"
    }

    /// What a job's paths are searched by: lower-cased, one per line.
    static func searchText(_ paths: [String]) -> String { paths.map { $0.lowercased() }.joined(separator: "\n") }
}

/// A job as the database holds it (the columns of ``Schema/jobColumns``).
struct JobRow {
    var id: Int64
    var state: String
    var paths: String
    var profile: String
    var priority: Int
    var source: String
    var progress: Double
    var verdict: String?
    var error: String?
    var findings: Int?
    var attempts: Int
    var worker: String?
    var submitted: Int64
    var started: Int64?
    var finished: Int64?

    var job: Job {
        Job(id: id, state: JobState(rawValue: state) ?? .failed, paths: ReportSummary.decode(paths: paths), profile: profile,
            priority: priority, source: source, progress: progress, verdict: verdict, error: error, findings: findings,
            attempts: attempts, worker: worker, submitted: date(milliseconds: submitted), started: started.map { date(milliseconds: $0) },
            finished: finished.map { date(milliseconds: $0) })
    }
}
