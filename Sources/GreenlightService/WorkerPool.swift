import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// How workers take and hold jobs.
public struct WorkerOptions: Sendable {
    /// Jobs run at once by this process.
    public var count: Int
    /// Seconds a claim holds without renewal: a worker lost with a job gives it up this long after its last renewal.
    public var lease: Double = 30
    /// A job whose worker is lost this many times is failed rather than tried again.
    public var maxAttempts = 3
    /// After SIGTERM, seconds a running job may take to finish before it is handed back to the queue.
    public var grace: Double = 30
    /// A job taking longer is stopped and failed (nil: no limit).
    public var jobTimeout: Double?
    /// Seconds between looks at an empty queue.
    public var poll: Double = 0.5
    /// This process's name in the store (host and pid).
    public var name: String = "\(ProcessInfo.processInfo.hostName):\(getpid())"

    public init(count: Int) { self.count = count }
}

/// Workers in this process: each claims a job, runs it as `greenlight check`, renews its lease
/// while it runs, and records the outcome only if the job is still its own. On graceful
/// shutdown (SIGTERM) they take no more work; a running job gets `grace` seconds, then goes
/// back to the queue for another worker.
public final class WorkerPool: Service, Sendable {
    let store: any JobStore
    let runner: CheckRunner
    let options: WorkerOptions
    let roots: RootPolicy?
    let metrics: ServiceMetrics
    let logger: Logger
    private let stopAt = Mutex<Date?>(nil)

    public init(store: any JobStore, options: WorkerOptions, roots: RootPolicy?, metrics: ServiceMetrics,
                logger: Logger = Logger(label: "greenlight.worker")) {
        self.store = store
        self.runner = CheckRunner(timeout: options.jobTimeout)
        self.options = options
        self.roots = roots
        self.metrics = metrics
        self.logger = logger
    }

    private var stopping: Bool { stopAt.withLock { $0 != nil } }

    public func run() async throws {
        guard options.count > 0 else {
            try? await gracefulShutdown()
            return
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<options.count { group.addTask { await self.loop("\(self.options.name)/\(i + 1)") } }
            }
        } onGracefulShutdown: {
            self.stopAt.withLock { $0 = $0 ?? Date() }
        }
    }

    private func loop(_ name: String) async {
        while !stopping && !Task.isCancelled {
            let job: Job?
            do {
                job = try await store.claim(worker: name, lease: options.lease, maxAttempts: options.maxAttempts)
            } catch {
                logger.error("cannot claim a job: \(error)")
                try? await Task.sleep(for: .seconds(max(1, options.poll)))
                continue
            }
            guard let job else {
                try? await Task.sleep(for: .seconds(options.poll))
                continue
            }
            await run(job, worker: name)
        }
    }

    private func run(_ job: Job, worker: String) async {
        logger.info("job \(job.id): checking \(job.paths.count) path(s) with profile \(job.profile)", metadata: ["worker": "\(worker)"])
        if let roots, let outside = job.paths.first(where: { (try? roots.resolve($0)) == nil }) {
            _ = try? await store.complete(job.id, worker: worker, outcome: .failed(error: "\(outside) no longer resolves under a --root"))
            return
        }
        let state = RunState(lease: options.lease)
        let started = Date()
        let ended = await runner.run(job, progress: { p in state.progress.withLock { $0 = p } }) { [self] in
            if let stop = stopAt.withLock({ $0 }), Date().timeIntervalSince(stop) > options.grace {
                state.handBack.withLock { $0 = true }
                return .stop
            }
            guard state.renewDue() else { return .carryOn }
            let progress = state.progress.withLock { $0 }
            do {
                if try await store.renew(job.id, worker: worker, lease: options.lease, progress: progress) { return .carryOn }
                logger.info("job \(job.id): no longer this worker's (cancelled, or its lease ran out); stopping its check")
                return .stop
            } catch {
                logger.warning("job \(job.id): cannot renew the lease: \(error)")
                return .carryOn
            }
        }
        switch ended {
        case .stopped:
            if state.handBack.withLock({ $0 }) {
                try? await store.handBack(job.id, worker: worker)
                logger.info("job \(job.id): handed back to the queue (shutting down)")
            }
        case .finished(let outcome):
            do {
                let recorded = try await store.complete(job.id, worker: worker, outcome: outcome)
                if recorded { metrics.finished(seconds: Date().timeIntervalSince(started), outcome: outcome) }
                else { logger.info("job \(job.id): finished, but it is no longer this worker's; the result is dropped") }
            } catch {
                logger.error("job \(job.id): cannot record the outcome: \(error); it runs again when the lease runs out")
            }
        }
    }
}

/// One running job's shared state (progress from the child's stderr, lease renewals).
private final class RunState: Sendable {
    let progress = Mutex<Double>(0)
    let handBack = Mutex(false)
    private let lastRenewal = Mutex(Date())
    private let every: Double

    init(lease: Double) { every = max(0.2, lease / 3) }

    /// True (and the clock reset) when a renewal is due.
    func renewDue() -> Bool {
        lastRenewal.withLock {
            guard Date().timeIntervalSince($0) >= every else { return false }
            $0 = Date()
            return true
        }
    }
}
