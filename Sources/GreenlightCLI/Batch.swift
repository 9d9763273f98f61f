import ArgumentParser
import Dispatch
import Foundation
import GreenlightCore
import GreenlightValues
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM (what Kubernetes and Slurm send before they kill): the first asks
/// the run to stop where it is and still write its reports, marked incomplete; a second quits at once.
final class Interruption: Sendable {
    private let signal = Atomic<Int32>(0)
    // Dispatch sources are not Sendable; they are set once here and only cancelled.
    nonisolated(unsafe) private var sources: [DispatchSourceSignal] = []

    /// The signal received, or nil.
    var received: Int32? {
        let s = signal.load(ordering: .relaxed)
        return s == 0 ? nil : s
    }

    init() {
        for number in [SIGINT, SIGTERM] {
            Foundation.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                let (exchanged, _) = self.signal.compareExchange(expected: 0, desired: number, ordering: .relaxed)
                if !exchanged { _exit(128 + number) }
                warn("\ngreenlight: \(number == SIGINT ? "interrupted" : "terminated"); writing the reports for what is done (again to quit at once).")
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Gives the signals back to their defaults.
    func release() {
        for s in sources { s.cancel() }
        Foundation.signal(SIGINT, SIG_DFL)
        Foundation.signal(SIGTERM, SIG_DFL)
    }

    var reason: String {
        received == SIGTERM ? "terminated (SIGTERM) before every file was checked" : "interrupted (Ctrl-C) before every file was checked"
    }
}

/// `--shard K/N`: this machine's share of a run. `auto/N` reads K from the scheduler: a
/// Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` (0-based) or a Slurm array's
/// `SLURM_ARRAY_TASK_ID` (from `SLURM_ARRAY_TASK_MIN`, 1 when unset).
struct Shard: ExpressibleByArgument, Hashable, CustomStringConvertible {
    /// 1-based index, or nil for `auto`.
    var index: Int?
    var count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int(parts[1]), n >= 1 else { return nil }
        if parts[0] == "auto" {
            index = nil
        } else {
            guard let k = Int(parts[0]), (1...n).contains(k) else { return nil }
            index = k
        }
        count = n
    }

    init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    var description: String { "\(index.map(String.init) ?? "auto")/\(count)" }

    /// K resolved from the environment for `auto`.
    func resolved(environment: [String: String]) throws -> Shard {
        if index != nil { return self }
        let k: Int
        if let job = environment["JOB_COMPLETION_INDEX"] {
            guard let i = Int(job), i >= 0 else { throw ValidationError("--shard auto: JOB_COMPLETION_INDEX is not an index: \(job)") }
            k = i + 1
        } else if let task = environment["SLURM_ARRAY_TASK_ID"] {
            let first = environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 1
            guard let i = Int(task) else { throw ValidationError("--shard auto: SLURM_ARRAY_TASK_ID is not a number: \(task)") }
            k = i - first + 1
        } else {
            throw ValidationError("--shard auto/\(count) needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (a Slurm job array) in the environment")
        }
        guard (1...count).contains(k) else {
            throw ValidationError("--shard auto/\(count): the scheduler's index makes shard \(k), outside 1...\(count)")
        }
        return Shard(index: k, count: count)
    }

    /// The run's files this shard checks, in the run's order: files are dealt largest first to
    /// whichever shard holds the fewest bytes so far (ties to the lower shard), by size then
    /// path, so every machine that lists the same files, in whatever order, makes the same
    /// partition. A file that cannot be read counts as empty (its report says why).
    static func share(of files: [String], index: Int, count: Int, size: (String) -> Int64 = Shard.size) -> [String] {
        let sized = files.map { ($0, size($0)) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }
        var load = [Int64](repeating: 0, count: count)
        var mine: Set<String> = []
        for (path, bytes) in sized {
            let lightest = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            load[lightest] += bytes
            if lightest == index - 1 { mine.insert(path) }
        }
        return files.filter(mine.contains)
    }

    static func size(_ path: String) -> Int64 {
        var st = stat()
        return stat(path, &st) == 0 ? Int64(st.st_size) : 0
    }
}

/// `--json-dir`: one JSON report per file, named after the file (`A001C003.mov.json`); when two
/// files of the run share a name, enough of their folders is kept to tell them apart
/// (`day1_A001C003.mov.json`). Names are worked out over the whole run (every shard's files),
/// so shards writing to one shared folder never collide.
enum JSONDirectory {
    static func names(for files: [String]) -> [String: String] {
        let split = files.map { path -> [String] in
            URL(fileURLWithPath: path).standardizedFileURL.pathComponents.filter { $0 != "/" }
        }
        var depth = [Int](repeating: 1, count: files.count)
        func name(_ i: Int) -> String { split[i].suffix(depth[i]).joined(separator: "_") + ".json" }
        while true {
            let grouped = Dictionary(grouping: files.indices, by: name)
            let clashes = grouped.values.filter { $0.count > 1 }.flatMap { $0 }.filter { depth[$0] < split[$0].count }
            if clashes.isEmpty { break }
            for i in clashes { depth[i] += 1 }
        }
        var out: [String: String] = [:]
        for i in files.indices { out[files[i]] = sanitized(name(i)) }
        return out
    }

    /// No control characters, no leading dot (names stay visible and typeable).
    private static func sanitized(_ name: String) -> String {
        var s = String(name.unicodeScalars.map { $0.properties.generalCategory == .control ? "_" : Character($0) })
        if s.hasPrefix(".") { s = "_" + s.dropFirst() }
        return s
    }
}

/// `--range`: one time range of one file. `START-END` in seconds (`3600-5400`, `59.5-`) or
/// timecode of the file (`01:00:00:00-01:30:00:00`; an empty END is the file's end), or `K/N`
/// (`auto/N` from the scheduler, as `--shard`): the K-th of N equal parts of the file. Starts
/// and ends fall on frame boundaries, so ranges cut from one file meet exactly.
struct RangeArgument: ExpressibleByArgument {
    enum Spec {
        case times(start: String, end: String?)
        case part(Shard)
    }

    var spec: Spec
    var text: String

    init?(argument: String) {
        text = argument
        if argument.contains("/") {
            guard let part = Shard(argument: argument) else { return nil }
            spec = .part(part)
            return
        }
        guard let dash = argument.firstIndex(of: "-"), argument[..<dash].count > 0 else { return nil }
        let end = String(argument[argument.index(after: dash)...])
        spec = .times(start: String(argument[..<dash]), end: end.isEmpty ? nil : end)
    }

    /// The range in `media`'s programme time.
    func resolve(media: MediaInfo, environment: [String: String]) throws -> CheckRange {
        let context = CheckContext(path: "", media: media)
        let origin = media.primaryVideo?.startTime ?? media.startTime ?? 0
        let duration = max(0, (media.duration ?? 0) + (media.startTime ?? 0) - origin)
        func aligned(_ seconds: Double) -> MediaTime {
            guard let rate = context.frameRate else { return MediaTime(seconds: seconds) }
            return MediaTime.frameStart(Int64((seconds * rate.doubleValue - 1e-6).rounded(.up)), rate: rate)
        }
        switch spec {
        case .part(let shard):
            let k = try shard.resolved(environment: environment)
            guard duration > 0 else { throw ValidationError("--range \(text): the file declares no duration to divide") }
            let n = Double(k.count), i = Double(k.index! - 1)
            let start = aligned(duration * i / n)
            return CheckRange(start: start, end: k.index == k.count ? nil : aligned(duration * (i + 1) / n))
        case .times(let startText, let endText):
            let start = try seconds(startText, context: context)
            let end = try endText.map { try seconds($0, context: context) }
            if let end, end <= start { throw ValidationError("--range \(text): the end is not after the start") }
            if duration > 0, start >= duration { throw ValidationError("--range \(text): the file is \(formatSeconds(duration)) long") }
            return CheckRange(start: aligned(start), end: end.map(aligned))
        }
    }

    /// Seconds from the first frame: a number, or a timecode of the file (its start timecode counts as 0).
    private func seconds(_ text: String, context: CheckContext) throws -> Double {
        if let s = Double(text), s >= 0, s.isFinite {
            // Past a year no file has frames; the frame arithmetic of 1e300 s would overflow.
            guard s < 366 * 86_400 else { throw ValidationError("--range \(self.text): \(text) s is past the end of any file") }
            return s
        }
        guard let start = context.startTimecode, let tc = Timecode(parsing: text, rate: start.rate) else {
            throw ValidationError("--range \(self.text): \(text) is neither seconds nor a timecode of this file\(context.startTimecode == nil ? " (it has no timecode)" : "")")
        }
        let frames = tc.frameCount - start.frameCount
        guard frames >= 0 else { throw ValidationError("--range \(self.text): \(text) is before the file's first timecode \(start)") }
        return MediaTime.frameStart(frames, rate: context.frameRate!).seconds
    }
}
