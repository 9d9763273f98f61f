import Foundation
import Synchronization
import Prometheus

/// What `/metrics` says, in Prometheus' text format: the queue and jobs by state (read from the
/// store at each scrape, so every server and worker of one database agrees), and what this
/// process's workers did: seconds per job, files by verdict, frames and programme seconds
/// checked (their rate over the check seconds is frames per second).
public final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let byState: [JobState: Gauge]
    private let queueDepth: Gauge
    private let jobSeconds: ValueHistogram
    private let checkSeconds: Counter
    private let frames: Counter
    private let programmeSeconds: Counter
    private let requests: Counter

    public init() {
        let registry = self.registry
        func d(_ name: String, _ help: String) -> MetricNameDescriptor { MetricNameDescriptor(metricName: name, unitName: "", helpText: help) }
        byState = Dictionary(uniqueKeysWithValues: JobState.allCases.map {
            ($0, registry.makeGauge(descriptor: d("greenlight_jobs", "Jobs in the store by state."), labels: [("state", $0.rawValue)]))
        })
        queueDepth = registry.makeGauge(descriptor: d("greenlight_queue_depth", "Jobs waiting for a worker."))
        jobSeconds = registry.makeValueHistogram(descriptor: d("greenlight_job_seconds", "Wall-clock seconds per finished job (this process's workers)."), buckets: [1, 5, 15, 60, 300, 900, 3600, 14_400])
        checkSeconds = registry.makeCounter(descriptor: d("greenlight_check_seconds_total", "Seconds this process's workers spent checking."))
        frames = registry.makeCounter(descriptor: d("greenlight_frames_checked_total", "Video frames checked by this process's workers."))
        programmeSeconds = registry.makeCounter(descriptor: d("greenlight_programme_seconds_checked_total", "Seconds of programme checked."))
        requests = registry.makeCounter(descriptor: d("greenlight_api_requests_total", "HTTP requests served."))
    }

    private let verdicts = Mutex<[String: Counter]>([:])

    func finished(seconds: Double, outcome: JobOutcome) {
        jobSeconds.record(seconds)
        checkSeconds.increment(by: seconds)
        let verdict: String
        switch outcome {
        case .done(let v, _, _, _, _, _, let f, let s):
            verdict = v
            frames.increment(by: Double(f))
            programmeSeconds.increment(by: s)
        case .failed:
            verdict = "failed"
        }
        let counter = verdicts.withLock { made in
            if let c = made[verdict] { return c }
            let c = registry.makeCounter(descriptor: MetricNameDescriptor(metricName: "greenlight_jobs_finished_total", unitName: "",
                                                                     helpText: "Jobs finished by this process's workers."), labels: [("outcome", verdict)])
            made[verdict] = c
            return c
        }
        counter.increment()
    }

    func request() { requests.increment() }

    /// The exposition text, with the store's counts read now.
    func render(store: any JobStore) async -> String {
        if let counts = try? await store.counts() {
            for (state, gauge) in byState { gauge.set(Double(counts[state] ?? 0)) }
            queueDepth.set(Double(counts[.queued] ?? 0))
        }
        return registry.emitToString()
    }
}
