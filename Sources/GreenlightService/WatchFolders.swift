import Foundation
import GreenlightCore
import Logging
import ServiceLifecycle

/// `--watch DIR`: every media file that appears in a watch folder is checked once. Files arrive
/// by copy (from cards, from transfers), so one is taken only when its size and modification
/// time have held still for `settle` seconds; a file taken before is taken again only if it
/// changes. Nothing in a watch folder is moved, renamed or written.
public final class WatchFolders: Service, Sendable {
    let folders: [String]
    let roots: RootPolicy
    let store: any JobStore
    let profile: String
    /// Seconds a file must stay unchanged before it is taken.
    let settle: Double
    let interval: Double
    let logger: Logger

    /// Each folder must be under one of `roots`; files are submitted by their resolved paths.
    public init(folders: [String], roots: RootPolicy, store: any JobStore, profile: String, settle: Double = 10, interval: Double = 2,
                logger: Logger = Logger(label: "greenlight.watch")) throws {
        self.folders = try folders.map { folder in
            do { return try roots.resolve(folder.hasPrefix("/") ? folder : FileManager.default.currentDirectoryPath + "/" + folder) } catch {
                throw ServiceError.usage("--watch \(folder): \(error)")
            }
        }
        self.roots = roots
        self.store = store
        self.profile = profile
        self.settle = settle
        self.interval = interval
        self.logger = logger
    }

    struct Seen: Equatable {
        var size: Int64
        var modified: Int64
        var since: Date
        /// Queued (or found queued before) as it is now: not asked about again until it changes.
        var taken = false
    }

    public func run() async throws {
        guard !folders.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        var seen: [String: Seen] = [:]
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            seen = await scan(seen, now: Date())
            try? await Task.sleep(for: .seconds(interval))
        }
    }

    /// One look at the folders: what changed is timed again, what held still long enough is submitted.
    func scan(_ before: [String: Seen], now: Date) async -> [String: Seen] {
        var after: [String: Seen] = [:]
        for found in MediaCollector.collect(folders) {
            guard let path = try? roots.resolve(found) else { continue }  // a link out of the roots is not followed
            var st = stat()
            guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
            let size = Int64(st.st_size)
            let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
            var entry = Seen(size: size, modified: modified, since: now)
            if let old = before[path], old.size == size, old.modified == modified {
                entry.since = old.since
                entry.taken = old.taken
            }
            after[path] = entry
            guard !entry.taken, now.timeIntervalSince(entry.since) >= settle else { continue }
            do {
                if let taken = try await store.watched(path), taken.size == size, taken.modified == modified {
                    after[path]?.taken = true
                    continue
                }
                let job = try await store.submit(JobRequest(paths: [path], profile: profile, priority: 0, source: "watch"))
                try await store.recordWatched(WatchedFile(path: path, size: size, modified: modified, job: job.id))
                after[path]?.taken = true
                logger.info("watch: \(path) queued as job \(job.id)")
            } catch {
                logger.error("watch: cannot queue \(path): \(error)")
            }
        }
        return after
    }
}
