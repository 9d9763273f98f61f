import Foundation
import GreenlightService
import Testing

/// The job store's contract, the same on SQLite and PostgreSQL.
@Suite struct StoreTests {
    @Test(.enabled(if: Backend.postgresURL != nil, Backend.skipMessage)) func postgresIsTested() {
        #expect(Backend.available.contains(.postgres))
    }

    @Test(arguments: Backend.available) func claimsByPriorityThenAge(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        defer { Task { try? await store.close() } }
        let low = try await store.submit(JobRequest(paths: ["/m/a.mov"], priority: 0))
        let high = try await store.submit(JobRequest(paths: ["/m/b.mov"], priority: 5))
        let low2 = try await store.submit(JobRequest(paths: ["/m/c.mov"], priority: 0))
        #expect(low.state == .queued && low.attempts == 0)
        var order: [Int64] = []
        while let job = try await store.claim(worker: "w", lease: 30, maxAttempts: 3) {
            #expect(job.state == .running && job.worker == "w" && job.attempts == 1 && job.started != nil)
            order.append(job.id)
        }
        #expect(order == [high.id, low.id, low2.id])
        #expect(try await store.counts()[.running] == 3)
    }

    @Test(arguments: Backend.available) func lostWorkersJobIsTakenAgainAndFinishedOnce(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        defer { Task { try? await store.close() } }
        let job = try await store.submit(JobRequest(paths: ["/m/a.mov"]))
        let first = try #require(try await store.claim(worker: "lost", lease: 600, maxAttempts: 3))
        #expect(first.id == job.id)
        // Held: nobody else takes it while the lease runs.
        #expect(try await store.claim(worker: "other", lease: 600, maxAttempts: 3) == nil)
        // The worker's last renewal, then silence: the lease runs out 50 ms later (a sleeping
        // test cannot make a long lease run out early, and a busy machine cannot make this one late).
        #expect(try await store.renew(job.id, worker: "lost", lease: 0.05, progress: 0.1))
        try await Task.sleep(for: .milliseconds(300))
        let second = try #require(try await store.claim(worker: "other", lease: 30, maxAttempts: 3))
        #expect(second.id == job.id && second.attempts == 2 && second.worker == "other")
        // The first worker, back from the dead, can neither renew nor finish it.
        #expect(try await store.renew(job.id, worker: "lost", lease: 30, progress: 0.5) == false)
        #expect(try await store.complete(job.id, worker: "lost", outcome: outcome(path: "/m/a.mov", verdict: "fail", codes: ["x": 1])) == false)
        #expect(try await store.renew(job.id, worker: "other", lease: 30, progress: 0.5))
        #expect(try await store.job(job.id)?.progress == 0.5)
        #expect(try await store.complete(job.id, worker: "other", outcome: outcome(path: "/m/a.mov", verdict: "warn", codes: ["y": 2])))
        #expect(try await store.complete(job.id, worker: "other", outcome: outcome(path: "/m/a.mov", verdict: "warn", codes: ["y": 2])) == false)
        let done = try #require(try await store.job(job.id))
        #expect(done.state == .done && done.verdict == "warn" && done.findings == 2 && done.progress == 1 && done.worker == nil && done.finished != nil)
        #expect(try await store.history(path: "/m/a.mov").count == 1)
        #expect(try await store.report(job.id).json == "{\"verdict\":\"warn\"}")
    }

    @Test(arguments: Backend.available) func aJobThatLosesItsWorkerTooOftenFails(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        defer { Task { try? await store.close() } }
        let job = try await store.submit(JobRequest(paths: ["/m/poison.mov"]))
        for attempt in 1...2 {
            let taken = try #require(try await store.claim(worker: "w\(attempt)", lease: 0.2, maxAttempts: 2))
            #expect(taken.attempts == attempt)
            try await Task.sleep(for: .milliseconds(400))
        }
        #expect(try await store.claim(worker: "w3", lease: 0.2, maxAttempts: 2) == nil)
        let failed = try #require(try await store.job(job.id))
        #expect(failed.state == .failed)
        #expect(failed.error?.contains("its worker was lost 2 times") == true)
    }

    @Test(arguments: Backend.available) func cancelStopsARunningJobAndHandBackRequeues(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        defer { Task { try? await store.close() } }
        let a = try await store.submit(JobRequest(paths: ["/m/a.mov"]))
        let b = try await store.submit(JobRequest(paths: ["/m/b.mov"]))
        _ = try await store.claim(worker: "w", lease: 30, maxAttempts: 3)
        #expect(try await store.cancel(a.id)?.state == .cancelled)
        #expect(try await store.renew(a.id, worker: "w", lease: 30, progress: 0.3) == false)
        #expect(try await store.complete(a.id, worker: "w", outcome: .failed(error: "x")) == false)
        #expect(try await store.cancel(a.id)?.state == .cancelled)  // twice: still cancelled, nothing else
        #expect(try await store.cancel(999_999) == nil)
        let taken = try #require(try await store.claim(worker: "w", lease: 30, maxAttempts: 3))
        #expect(taken.id == b.id)
        try await store.handBack(b.id, worker: "w")
        let back = try #require(try await store.job(b.id))
        #expect(back.state == .queued && back.attempts == 0 && back.worker == nil && back.started == nil)
    }

    @Test(arguments: Backend.available) func historySaysWhatChanged(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        defer { Task { try? await store.close() } }
        let path = "/m/reel 1.mov"
        for (verdict, codes) in [("fail", ["black.mid-programme": 2, "freeze.segment": 1]), ("warn", ["black.mid-programme": 1, "silence.segment": 1])] {
            let job = try await store.submit(JobRequest(paths: [path]))
            _ = try await store.claim(worker: "w", lease: 30, maxAttempts: 3)
            #expect(try await store.complete(job.id, worker: "w", outcome: outcome(path: path, verdict: verdict, codes: codes)))
        }
        let checks = try await store.history(path: path)
        #expect(checks.map(\.verdict) == ["fail", "warn"])
        let change = FileChange(from: checks[0], to: checks[1])
        #expect(change.verdict?.from == "fail" && change.verdict?.to == "warn")
        #expect(change.appeared == ["silence.segment": 1])
        #expect(change.disappeared == ["freeze.segment": 1])
        #expect(change.changed["black.mid-programme"]?.from == 2 && change.changed["black.mid-programme"]?.to == 1)
        #expect(try await store.history(path: "/m/other.mov").isEmpty)
    }

    @Test(arguments: Backend.available) func listingsFilterByStateFileAndVerdict(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        defer { Task { try? await store.close() } }
        let a = try await store.submit(JobRequest(paths: ["/m/Reel_1.mov"]))
        let b = try await store.submit(JobRequest(paths: ["/m/reel%2.mov"]))
        _ = try await store.submit(JobRequest(paths: ["/m/other.mov"]))
        _ = try await store.claim(worker: "w", lease: 30, maxAttempts: 3)
        #expect(try await store.complete(a.id, worker: "w", outcome: outcome(path: "/m/Reel_1.mov", verdict: "pass", codes: [:])))
        #expect(try await store.jobs(JobFilter(path: "reel")).map(\.id) == [b.id, a.id])  // newest first, case-insensitive
        #expect(try await store.jobs(JobFilter(path: "l%")).map(\.id) == [b.id])  // % is a character, not a wildcard
        #expect(try await store.jobs(JobFilter(path: "l_1")).map(\.id) == [a.id])
        #expect(try await store.jobs(JobFilter(path: "l_2")).isEmpty)
        #expect(try await store.jobs(JobFilter(verdict: "pass")).map(\.id) == [a.id])
        #expect(try await store.jobs(JobFilter(states: [.queued])).count == 2)
        #expect(try await store.jobs(JobFilter(from: Date().addingTimeInterval(3600))).isEmpty)
        #expect(try await store.jobs(JobFilter(limit: 1)).count == 1)
    }

    /// Eight workers claiming at once take each of 40 jobs exactly once.
    @Test(arguments: Backend.available) func concurrentClaimsNeverShareAJob(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        defer { Task { try? await store.close() } }
        for i in 0..<40 { _ = try await store.submit(JobRequest(paths: ["/m/\(i).mov"])) }
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for w in 0..<8 {
                group.addTask {
                    var mine: [Int64] = []
                    while let job = try await store.claim(worker: "w\(w)", lease: 30, maxAttempts: 3) { mine.append(job.id) }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(claimed.count == 40)
        #expect(Set(claimed).count == 40)
    }

    @Test(arguments: Backend.available) func watchedFilesAreRemembered(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        defer { Task { try? await store.close() } }
        #expect(try await store.watched("/w/a.mov") == nil)
        try await store.recordWatched(WatchedFile(path: "/w/a.mov", size: 10, modified: 5, job: 1))
        try await store.recordWatched(WatchedFile(path: "/w/a.mov", size: 20, modified: 6, job: 2))
        #expect(try await store.watched("/w/a.mov") == WatchedFile(path: "/w/a.mov", size: 20, modified: 6, job: 2))
    }

    @Test func migratingTwiceIsHarmless() async throws {
        let folder = try scratchFolder("migrate")
        let store = try SQLiteJobStore(path: folder.path + "/g.sqlite")
        try await store.migrate()
        let job = try await store.submit(JobRequest(paths: ["/m/a.mov"]))
        try await store.migrate()
        #expect(try await store.job(job.id)?.paths == ["/m/a.mov"])
    }
}
