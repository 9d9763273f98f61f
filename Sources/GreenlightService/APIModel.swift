import Foundation
import GreenlightCore

/// The API's JSON, written the way `docs/openapi.json` (served at `/openapi.json`) describes it.
enum APIModel {
    static func time(_ date: Date?) -> Any {
        guard let date else { return NSNull() }
        return iso8601(date)
    }

    /// `2026-12-06T13:04:29.598Z` (UTC, milliseconds), formatted by hand: a formatter made per
    /// value cost more than the rest of a job's JSON.
    static func iso8601(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(ms / 1000)
        var t = tm()
        gmtime_r(&seconds, &t)
        var out: [UInt8] = []
        out.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int) {
            var v = value, d = [UInt8](repeating: 48, count: count)
            for i in stride(from: count - 1, through: 0, by: -1) { d[i] = UInt8(48 + v % 10); v /= 10 }
            out += d
        }
        digits(Int(t.tm_year) + 1900, 4); out.append(45); digits(Int(t.tm_mon) + 1, 2); out.append(45); digits(Int(t.tm_mday), 2)
        out.append(84); digits(Int(t.tm_hour), 2); out.append(58); digits(Int(t.tm_min), 2); out.append(58); digits(Int(t.tm_sec), 2)
        out.append(46); digits(Int(ms % 1000), 3); out.append(90)
        return String(decoding: out, as: UTF8.self)
    }

    static func parseTime(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withFullDate]
        return f.date(from: text)
    }

    /// A job as the API shows it (every key present, `null` where there is nothing yet).
    struct JobBody: Encodable {
        let job: Job
        let now: Date

        enum Key: String, CodingKey {
            case id, state, progress, verdict, paths, profile, priority, source, submitted, started, finished, error, findings, attempts, etaSeconds
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(job.id, forKey: .id)
            try c.encode(job.state.rawValue, forKey: .state)
            try c.encode(job.progress, forKey: .progress)
            try c.encode(job.verdict, forKey: .verdict)
            try c.encode(job.paths, forKey: .paths)
            try c.encode(job.profile, forKey: .profile)
            try c.encode(job.priority, forKey: .priority)
            try c.encode(job.source, forKey: .source)
            try c.encode(iso8601(job.submitted), forKey: .submitted)
            try c.encode(job.started.map(iso8601), forKey: .started)
            try c.encode(job.finished.map(iso8601), forKey: .finished)
            try c.encode(job.error, forKey: .error)
            try c.encode(job.findings, forKey: .findings)
            try c.encode(job.attempts, forKey: .attempts)
            try c.encode(job.eta(now: now), forKey: .etaSeconds)
        }
    }

    struct JobList: Encodable {
        let jobs: [JobBody]
    }

    /// One file's history: its checks and what changed from each to the next.
    struct History: Encodable {
        struct Check: Encodable {
            let job: Int64
            let profile: String
            let verdict: String
            let finished: String
            let findings: [String: Int]
            let error: String?

            enum Keys: String, CodingKey { case job, profile, verdict, finished, findings, error }

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode(job, forKey: .job)
                try c.encode(profile, forKey: .profile)
                try c.encode(verdict, forKey: .verdict)
                try c.encode(finished, forKey: .finished)
                try c.encode(findings, forKey: .findings)
                try c.encode(error, forKey: .error)
            }
        }

        let path: String
        let checks: [Check]
        let changes: [FileChange]
    }

    static func history(path: String, _ checks: [FileCheck]) -> History {
        History(
            path: path,
            checks: checks.map { History.Check(job: $0.job, profile: $0.profile, verdict: $0.verdict, finished: iso8601($0.finished), findings: $0.findings, error: $0.error) },
            changes: zip(checks, checks.dropFirst()).map { FileChange(from: $0, to: $1) })
    }

    static func data(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// Small documents (`{"error": …}`) and the dashboard's form as a request body.
    static func data(object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    /// A job request from a client's JSON, or why it is not one.
    static func request(_ body: Data, roots: RootPolicy, source: String) throws(APIError) -> JobRequest {
        guard let object = try? JSONSerialization.jsonObject(with: body), let fields = object as? [String: Any] else {
            throw .bad("the body is not a JSON object: send {\"paths\": [\"/path/to/file.mov\"], \"profile\": \"default\", \"priority\": 0}")
        }
        if let unknown = fields.keys.sorted().first(where: { !["paths", "profile", "priority"].contains($0) }) {
            throw .bad("unknown field \"\(unknown)\" (known: paths, profile, priority)")
        }
        struct Body: Decodable {
            var paths: [String]?
            var profile: String?
            var priority: Int?
        }
        let decoded: Body
        do { decoded = try JSONDecoder().decode(Body.self, from: body) } catch {
            throw .bad("\"paths\" must be an array of strings, \"profile\" a string, \"priority\" a whole number")
        }
        guard let paths = decoded.paths, !paths.isEmpty else { throw .bad("\"paths\" must be a non-empty array of file or folder paths") }
        guard paths.count <= 1000 else { throw .bad("\"paths\" holds \(paths.count) paths; at most 1000 per job (submit folders, or several jobs)") }
        var resolved: [String] = []
        for p in paths {
            do { resolved.append(try roots.resolve(p)) } catch { throw .forbidden("\(error)") }
        }
        var profile = decoded.profile ?? "default"
        guard !profile.isEmpty else { throw .bad("\"profile\" must be a profile name or a profile file's path") }
        if !Profile.builtInNames.contains(profile) {
            guard profile.hasPrefix("/") else {
                throw .bad("\"profile\": no built-in profile \(profile) (built-in: \(Profile.builtInNames.joined(separator: ", "))); a profile file is given by its absolute path")
            }
            do { profile = try roots.resolve(profile) } catch { throw .forbidden("profile: \(error)") }
        }
        let priority = decoded.priority ?? 0
        guard (-1000...1000).contains(priority) else { throw .bad("\"priority\" must be from -1000 to 1000 (higher runs first)") }
        return JobRequest(paths: resolved, profile: profile, priority: priority, source: source)
    }
}

/// A refusal with its HTTP status and reason.
enum APIError: Error {
    case bad(String)
    case forbidden(String)

    var reason: String {
        switch self {
        case .bad(let s), .forbidden(let s): return s
        }
    }
}
