import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `greenlight serve`'s settings.
public struct ServeOptions: Sendable {
    public var roots: [String]
    public var data: String?
    public var database: String?
    public var host = "127.0.0.1"
    public var port = 8080
    /// This process's workers (count 0: the API and the watch folders only).
    public var workers: WorkerOptions
    public var watch: [String] = []
    public var watchProfile = "default"
    public var settle: Double = 10
    public var tokenFile: String?

    public init(roots: [String], workers: WorkerOptions = WorkerOptions(count: 1)) {
        self.roots = roots
        self.workers = workers
    }
}

/// The service's two entry points, which the CLI's `serve` and `worker` commands call.
public enum GreenlightServer {
    static let bootstrap: Void = LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return handler
    }

    static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1"].contains(host) || host.hasPrefix("127.")
    }

    /// Runs the server (HTTP, dashboard, workers, watch folders) until SIGTERM or SIGINT.
    public static func serve(_ options: ServeOptions) async throws {
        _ = bootstrap
        let logger = Logger(label: "greenlight.serve")
        guard isLoopback(options.host) || options.tokenFile != nil else {
            throw ServiceError.usage("--host \(options.host) opens the service beyond this machine: give --token-file (bearer tokens, stored hashed) as well")
        }
        if options.data != nil && options.database != nil { throw ServiceError.usage("give --data DIR (SQLite) or --database URL (PostgreSQL), not both") }
        let roots = try RootPolicy(options.roots)
        let access = try Access(tokenFile: options.tokenFile)
        let store = try await Self.openStore(data: options.data, database: options.database)
        let metrics = ServiceMetrics()
        let workers = WorkerPool(store: store, options: options.workers, roots: roots, metrics: metrics)
        let watch = try WatchFolders(folders: options.watch, roots: roots, store: store, profile: options.watchProfile, settle: options.settle)
        let http = HTTPService(store: store, roots: roots, access: access, metrics: metrics, loopbackOnly: isLoopback(options.host) && !access.required)
        let app = Application(
            responder: http.responder(),
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "greenlight"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? options.port
                let shown = options.host.contains(":") ? "[\(options.host)]" : options.host
                FileHandle.standardError.write(Data("greenlight serve: listening on http://\(shown):\(port)/ (\(options.database == nil ? "SQLite in \(options.data ?? "greenlight-data")" : "PostgreSQL"), \(options.workers.count) worker\(options.workers.count == 1 ? "" : "s"))\n".utf8))
            },
            logger: Logger(label: "greenlight.http")
        )
        // Shut down in reverse: the HTTP server first, then the watch folders, then the workers (with their grace).
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: workers), .init(service: watch), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            try? await store.close()
            throw error
        }
        try? await store.close()
    }

    /// Runs workers only, against a shared PostgreSQL, until SIGTERM or SIGINT.
    public static func work(database: String, roots: [String], workers options: WorkerOptions) async throws {
        _ = bootstrap
        let logger = Logger(label: "greenlight.worker")
        let store = try await Self.openStore(data: nil, database: database)
        let roots = roots.isEmpty ? nil : try RootPolicy(roots)
        let workers = WorkerPool(store: store, options: options, roots: roots, metrics: ServiceMetrics())
        FileHandle.standardError.write(Data("greenlight worker: \(options.count) worker\(options.count == 1 ? "" : "s") as \(options.name)\n".utf8))
        let group = ServiceGroup(configuration: .init(services: [.init(service: workers)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try? await store.close()
    }

    static func openStore(data: String?, database: String?) async throws -> any JobStore {
        let store: any JobStore
        if let database {
            guard database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") else {
                throw ServiceError.usage("--database takes a postgres:// URL (for one machine, --data DIR keeps a SQLite file)")
            }
            store = try await PostgresJobStore(url: database)
        } else {
            let folder = data ?? "greenlight-data"
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw ServiceError.usage("--data \(folder): cannot make the folder: \(error.localizedDescription)")
            }
            store = try SQLiteJobStore(path: (folder as NSString).appendingPathComponent("greenlight.sqlite"))
        }
        try await store.migrate()
        return store
    }
}
