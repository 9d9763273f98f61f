import Foundation
import GreenlightCore

/// The API's JSON, written the way `docs/openapi.json` (served at `/openapi.json`) describes it.
enum APIModel {
    static func time(_ date: Date?) -> Any {
        guard let date else { return NSNull() }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
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

    static func job(_ job: Job, now: Date = Date()) -> [String: Any] {
        [
            "id": job.id, "state": job.state.rawValue, "progress": job.progress, "verdict": job.verdict ?? NSNull(),
            "paths": job.paths, "profile": job.profile, "priority": job.priority, "source": job.source,
            "submitted": time(job.submitted), "started": time(job.started), "finished": time(job.finished),
            "error": job.error ?? NSNull(), "findings": job.findings ?? NSNull(), "attempts": job.attempts,
            "etaSeconds": job.eta(now: now) ?? NSNull(),
        ]
    }

    static func history(path: String, _ checks: [FileCheck]) -> [String: Any] {
        let changes = zip(checks, checks.dropFirst()).map { FileChange(from: $0, to: $1) }
        return [
            "path": path,
            "checks": checks.map { c -> [String: Any] in
                ["job": c.job, "profile": c.profile, "verdict": c.verdict, "finished": time(c.finished), "findings": c.findings,
                 "error": c.error ?? NSNull()]
            },
            "changes": changes.map { c -> [String: Any] in
                ["from": c.from, "to": c.to,
                 "verdict": c.verdict.map { ["from": $0.from, "to": $0.to] as [String: Any] } ?? NSNull(),
                 "appeared": c.appeared, "disappeared": c.disappeared,
                 "changed": c.changed.mapValues { ["from": $0.from, "to": $0.to] }, "profileChanged": c.profileChanged]
            },
        ]
    }

    static func data(_ object: Any) -> Data {
        (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
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
