#if canImport(GreenlightService)
import ArgumentParser
import Foundation
import GreenlightService

/// How a process's workers hold jobs: the options `serve` and `worker` share.
struct WorkerTimings: ParsableArguments {
    @Option(help: "Seconds a worker's claim on a job lasts without renewal; a lost worker's job runs again after it.")
    var lease: Double = 30
    @Option(help: "After SIGTERM, seconds a running job may take to finish before it goes back to the queue.")
    var grace: Double = 30
    @Option(help: "Seconds after which a job is stopped and failed (default: no limit).")
    var jobTimeout: Double?

    func validate() throws {
        if lease < 1 { throw ValidationError("--lease must be at least 1 second") }
        if grace < 0 { throw ValidationError("--grace cannot be negative") }
        if let jobTimeout, jobTimeout <= 0 { throw ValidationError("--job-timeout must be more than 0 seconds") }
    }

    func options(count: Int) -> WorkerOptions {
        var o = WorkerOptions(count: count)
        o.lease = lease
        o.grace = grace
        o.jobTimeout = jobTimeout
        return o
    }
}

/// `greenlight serve`: thin over ``GreenlightServer/serve(_:)``.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the QC service: an HTTP API and dashboard, a job queue with workers, watch folders.",
        discussion: """
        Examples:
          greenlight serve --root sample-media --watch sample-media        (then open http://127.0.0.1:8080/)
          greenlight serve --root /mnt/media --database postgres://qc@db/qc --workers 0 --host 0.0.0.0 --token-file tokens
        Jobs and reports are kept in SQLite under --data (default ./greenlight-data), or in PostgreSQL with --database,
        which `greenlight worker` processes on other machines share. The API is described at /openapi.json; see docs/service.md.
        """
    )

    @Option(name: .customLong("root"), help: ArgumentHelp("A folder the service may read (repeat for more): submitted paths must resolve under one.", valueName: "dir"))
    var roots: [String] = []
    @Option(help: ArgumentHelp("Keep jobs and reports in a SQLite file in this folder (default: greenlight-data).", valueName: "dir"))
    var data: String?
    @Option(help: ArgumentHelp("Keep them in PostgreSQL instead: postgres://user:password@host:port/database.", valueName: "url"))
    var database: String?
    @Option(help: "The address to listen on (another than 127.0.0.1 needs --token-file).")
    var host = "127.0.0.1"
    @Option(help: "The port to listen on (0: any free port, printed on stderr).")
    var port = 8080
    @Option(help: "Jobs checked at once in this process (0: none; `greenlight worker` processes do the checking).")
    var workers = 1
    @Option(name: .customLong("watch"), help: ArgumentHelp("A folder under a --root whose new media files are checked once they stop growing (repeat for more). Nothing in it is moved or changed.", valueName: "dir"))
    var watch: [String] = []
    @Option(help: "The profile watch-folder files are checked with.")
    var watchProfile = "default"
    @Option(help: "Seconds a new file's size and time must hold still before a watch folder takes it.")
    var settle: Double = 10
    @Option(help: ArgumentHelp("Bearer tokens, stored hashed: lines `read sha256:<hex>` or `submit sha256:<hex>` (printf '%s' \"$TOKEN\" | sha256sum).", valueName: "file"))
    var tokenFile: String?
    @OptionGroup(title: "Workers") var timings: WorkerTimings

    func validate() throws {
        if roots.isEmpty { throw ValidationError("give at least one --root: the folders the service may read") }
        if workers < 0 { throw ValidationError("--workers must be 0 or more") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
        if settle < 0 { throw ValidationError("--settle cannot be negative") }
    }

    func run() async throws {
        var o = ServeOptions(roots: roots, workers: timings.options(count: workers))
        o.data = data
        o.database = database
        o.host = host
        o.port = port
        o.watch = watch
        o.watchProfile = watchProfile
        o.settle = settle
        o.tokenFile = tokenFile
        do { try await GreenlightServer.serve(o) } catch let error as ServiceError {
            throw ValidationError(error.description)
        }
    }
}

/// `greenlight worker`: thin over ``GreenlightServer/work(_:)``.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check jobs from a service's PostgreSQL queue (on this or another machine with the same media paths).",
        discussion: """
        Example:
          greenlight worker --database postgres://qc@db/qc --workers 2 --root /mnt/media
        """
    )

    @Option(help: ArgumentHelp("The service's PostgreSQL: postgres://user:password@host:port/database.", valueName: "url"))
    var database: String
    @Option(help: "Jobs checked at once.")
    var workers = 1
    @Option(name: .customLong("root"), help: ArgumentHelp("Check only paths that resolve under these folders (repeat; default: whatever the server accepted).", valueName: "dir"))
    var roots: [String] = []
    @OptionGroup(title: "Workers") var timings: WorkerTimings

    func validate() throws {
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() async throws {
        do { try await GreenlightServer.work(database: database, roots: roots, workers: timings.options(count: workers)) } catch let error as ServiceError {
            throw ValidationError(error.description)
        }
    }
}
#endif
