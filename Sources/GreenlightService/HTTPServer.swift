import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The HTTP side: the JSON API under `/api/v1` (described by `/openapi.json`), the dashboard,
/// `/metrics` and `/healthz`, over one ``JobStore``.
public struct HTTPService: Sendable {
    let store: any JobStore
    let roots: RootPolicy
    let access: Access
    let metrics: ServiceMetrics
    /// Bound to a loopback address: requests must name it as their Host (no DNS rebinding).
    let loopbackOnly: Bool

    public init(store: any JobStore, roots: RootPolicy, access: Access, metrics: ServiceMetrics, loopbackOnly: Bool) {
        self.store = store
        self.roots = roots
        self.access = access
        self.metrics = metrics
        self.loopbackOnly = loopbackOnly
    }

    /// The responder the server runs: the router, behind the 405 for methods a path does not take.
    public func responder() -> some HTTPResponder<BasicRequestContext> {
        MethodGuard(inner: router().buildResponder())
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: Gate(service: self))
        let api = router.group("api/v1")
        api.post("jobs") { request, context in try await submit(request, context) }
        api.get("jobs") { request, _ in try await list(request) }
        api.get("jobs/{id}") { _, context in try await show(context) }
        api.delete("jobs/{id}") { _, context in try await cancel(context) }
        api.get("jobs/{id}/report") { _, context in try await report(context, html: false) }
        api.get("jobs/{id}/report.html") { _, context in try await report(context, html: true) }
        api.get("files") { request, _ in try await history(request) }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: await metrics.render(store: store))))
        }
        router.get("healthz") { _, _ in
            do {
                _ = try await store.counts()
                return Self.json(["status": "ok"])
            } catch {
                return Self.json(["status": "database unreachable: \(error)"], status: .serviceUnavailable)
            }
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        Dashboard(service: self).add(to: router)
        return router
    }

    // MARK: API

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: APIModel.data(value))))
    }

    static func refusal(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        json(["error": reason], status: status)
    }

    private func jobID(_ context: BasicRequestContext) -> Int64? {
        context.parameters.get("id").flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil }
    }

    private func submit(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            return Self.refusal(.unsupportedMediaType, "send the job as JSON (Content-Type: application/json)")
        }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: 1 << 20) } catch {
            return Self.refusal(.contentTooLarge, "the body is over 1 MB")
        }
        let asked: JobRequest
        do {
            asked = try APIModel.request(Data(body.readableBytesView), roots: roots, source: "api")
        } catch {
            switch error {
            case .bad(let why): return Self.refusal(.badRequest, why)
            case .forbidden(let why): return Self.refusal(.forbidden, why)
            }
        }
        let job = try await store.submit(asked)
        return Self.json(APIModel.JobBody(job: job, now: Date()), status: .created, headers: [.location: "/api/v1/jobs/\(job.id)"])
    }

    /// A listing's filter from `state`, `path`, `verdict`, `from`, `to`, `limit` (query or form).
    static func filter(_ query: [String: String], lenient: Bool = false) throws(APIError) -> JobFilter {
        // The dashboard's search form sends every field, the empty ones empty; the API refuses an empty value.
        let q = lenient ? query.filter { !$0.value.isEmpty } : query
        var f = JobFilter()
        if let states = q["state"] {
            f.states = try states.split(separator: ",", omittingEmptySubsequences: false).map { s throws(APIError) in
                guard let state = JobState(rawValue: String(s)) else { throw .bad("state: \(s) is not one of queued, running, done, failed, cancelled") }
                return state
            }
        }
        f.path = q["path"].flatMap { $0.isEmpty ? nil : $0 }
        if let v = q["verdict"] {
            guard ["pass", "warn", "fail", "error"].contains(v) else { throw .bad("verdict: \(v) is not one of pass, warn, fail, error") }
            f.verdict = v
        }
        for (key, keyPath) in [("from", \JobFilter.from), ("to", \JobFilter.to)] {
            if let text = q[key] {
                guard let d = APIModel.parseTime(text) else { throw .bad("\(key): \(text) is not a date (2026-12-06 or 2026-12-06T10:00:00Z)") }
                f[keyPath: keyPath] = d
            }
        }
        if let l = q["limit"] {
            guard let n = Int(l), (1...1000).contains(n) else { throw .bad("limit: a whole number from 1 to 1000") }
            f.limit = n
        }
        return f
    }

    private func list(_ request: Request) async throws -> Response {
        let filter: JobFilter
        do { filter = try Self.filter(Form.parse(request.uri.query ?? "")) } catch { return Self.refusal(.badRequest, error.reason) }
        let now = Date()
        return Self.json(APIModel.JobList(jobs: try await store.jobs(filter).map { APIModel.JobBody(job: $0, now: now) }))
    }

    private func show(_ context: BasicRequestContext) async throws -> Response {
        guard let id = jobID(context), let job = try await store.job(id) else { return Self.refusal(.notFound, "no such job") }
        return Self.json(APIModel.JobBody(job: job, now: Date()))
    }

    private func cancel(_ context: BasicRequestContext) async throws -> Response {
        guard let id = jobID(context), let before = try await store.job(id) else { return Self.refusal(.notFound, "no such job") }
        guard !before.state.isFinal else {
            return Self.refusal(.conflict, "job \(id) is \(before.state.rawValue); only queued or running jobs can be cancelled")
        }
        guard let job = try await store.cancel(id) else { return Self.refusal(.notFound, "no such job") }
        if job.state != .cancelled {
            return Self.refusal(.conflict, "job \(id) is \(job.state.rawValue); only queued or running jobs can be cancelled")
        }
        return Self.json(APIModel.JobBody(job: job, now: Date()))
    }

    private func report(_ context: BasicRequestContext, html: Bool) async throws -> Response {
        guard let id = jobID(context), let job = try await store.job(id) else { return Self.refusal(.notFound, "no such job") }
        let reports = try await store.report(id)
        guard let text = html ? reports.html : reports.json else {
            let why = job.state == .done ? "job \(id) wrote no \(html ? "HTML" : "JSON") report"
                : job.state.isFinal ? "job \(id) is \(job.state.rawValue)\(job.error.map { ": \($0)" } ?? ""); it has no report"
                : "job \(id) is \(job.state.rawValue); its report is there once it is done"
            return Self.refusal(.notFound, why)
        }
        var headers: HTTPFields = [.contentType: html ? "text/html; charset=utf-8" : "application/json"]
        // The report's own policy: its inline script and style, pictures as data, nothing fetched.
        if html { headers[.contentSecurityPolicy] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The path a history is asked for, resolved the way jobs store theirs when it can be.
    func historyPath(_ path: String) -> String { (try? roots.resolve(path)) ?? path }

    private func history(_ request: Request) async throws -> Response {
        guard let path = Form.parse(request.uri.query ?? "")["path"], !path.isEmpty else {
            return Self.refusal(.badRequest, "give the file as ?path=/path/to/file.mov")
        }
        let resolved = historyPath(path)
        return Self.json(APIModel.history(path: resolved, try await store.history(path: resolved)))
    }
}

/// Every request passes here: the Host check, who the caller is, what they may do, security headers.
struct Gate: RouterMiddleware {
    typealias Context = BasicRequestContext
    let service: HTTPService

    static let open: Set<String> = ["/healthz", "/openapi.json", "/login", "/static/dashboard.js", "/static/dashboard.css"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        service.metrics.request()
        var response = try await gate(request, context: context, next: next)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"
        }
        return response
    }

    private func gate(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if service.loopbackOnly, let host = request.head.authority {
            let name = host.hasPrefix("[") ? String(host.prefix { $0 != "]" }.dropFirst()) : String(host.split(separator: ":").first ?? "")
            guard ["127.0.0.1", "localhost", "::1"].contains(name.lowercased()) else {
                return HTTPService.refusal(.misdirectedRequest, "this service answers to localhost only (Host: \(host)); bind another address with --host and a --token-file")
            }
        }
        if Self.open.contains(path) { return try await next(request, context) }
        let cookies = Cookies.parse(request.headers[.cookie])
        let role = service.access.role(authorization: request.headers[.authorization], sessionCookie: cookies["greenlight_session"])
        let needed: Role = [.get, .head].contains(request.method) ? .read : .submit
        guard let role else {
            if path.hasPrefix("/api/") || path == "/metrics" {
                return HTTPService.json(["error": "this service needs a token: Authorization: Bearer <token>"], status: .unauthorized,
                                        headers: [.wwwAuthenticate: "Bearer realm=\"greenlight\""])
            }
            return Response(status: .seeOther, headers: [.location: "/login"])
        }
        guard role >= needed else {
            return HTTPService.refusal(.forbidden, "this token may only read; submitting and cancelling need a submit token")
        }
        return try await next(request, context)
    }
}

/// The API's paths and the methods each takes.
private let knownRoutes: [(segments: [String], methods: [HTTPRequest.Method])] = [
    ("api/v1/jobs", [.get, .post]), ("api/v1/jobs/{id}", [.get, .delete]), ("api/v1/jobs/{id}/report", [.get]),
    ("api/v1/jobs/{id}/report.html", [.get]), ("api/v1/files", [.get]), ("metrics", [.get]), ("healthz", [.get]),
    ("openapi.json", [.get]),
].map { ($0.0.split(separator: "/").map(String.init), $0.1) }

/// A method a known path does not take is 405 with an Allow header, not the router's 404.
struct MethodGuard<Inner: HTTPResponder<BasicRequestContext>>: HTTPResponder {
    let inner: Inner

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let parts = request.uri.path.split(separator: "/").map(String.init)
        if let route = knownRoutes.first(where: { r in
            r.segments.count == parts.count && zip(r.segments, parts).allSatisfy { $0 == "{id}" || $0 == $1 }
        }), !route.methods.contains(request.method) {
            let allow = route.methods.map(\.rawValue).joined(separator: ", ")
            return HTTPService.json(["error": "\(request.uri.path) takes \(allow)"], status: .methodNotAllowed, headers: [.allow: allow])
        }
        return try await inner.respond(to: request, context: context)
    }
}

/// `a=1&b=two+words` and cookies, parsed by hand (percent-decoding, `+` as a space).
enum Form {
    static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(kv[0]), value = kv.count > 1 ? decode(kv[1]) : ""
            if out[key] == nil { out[key] = value }
        }
        return out
    }

    static func decode(_ s: Substring) -> String {
        let spaced = s.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

enum Cookies {
    static func parse(_ header: String?) -> [String: String] {
        var out: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { out[kv[0].trimmingCharacters(in: .whitespaces)] = kv[1].trimmingCharacters(in: .whitespaces) }
        }
        return out
    }
}
