import Foundation
import GreenlightCore
import GreenlightReports
import Hummingbird
import Plot

/// The dashboard: the queue, running jobs with progress and ETA, finished jobs with verdicts and
/// findings, a search by file, date and verdict, a job's page and a file's history. Pages are
/// built from escaped nodes (``HTMLNode``); the one script (`/static/dashboard.js`) refreshes the
/// job tables every two seconds. Forms carry a CSRF token bound to a cookie of the browser's.
struct Dashboard: Sendable {
    let service: HTTPService

    private static let csrfCookie = "greenlight_csrf"

    func add(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in try await page(request) { q, csrf in try await home(q, csrf) } }
        router.get("fragments/jobs") { request, _ in
            let q = Form.parse(request.uri.query ?? "")
            let csrf = csrfFor(request).token
            return Self.html(try await jobTables(q, csrf).map(\.node).map { $0.render() }.joined())
        }
        router.get("jobs/{id}") { request, context in
            try await page(request) { _, csrf in try await jobPage(context.parameters.get("id").flatMap { Int64($0) } ?? 0, csrf) }
        }
        router.get("files") { request, _ in try await page(request) { q, _ in try await filePage(q["path"] ?? "") } }
        router.post("jobs") { request, _ in try await form(request) { fields in try await submitForm(fields) } }
        router.post("jobs/{id}/cancel") { request, context in
            try await form(request) { _ in
                let id = context.parameters.get("id").flatMap { Int64($0) } ?? 0
                _ = try await service.store.cancel(id)
                return Response(status: .seeOther, headers: [.location: "/jobs/\(id)"])
            }
        }
        router.get("login") { request, _ in try await page(request) { _, csrf in loginPage(csrf, failed: false) } }
        router.post("login") { request, _ in
            try await form(request) { fields in
                guard let session = service.access.startSession(token: fields["token"] ?? "") else {
                    return Self.html(Self.document("Sign in", loginPage(csrfFor(request).token, failed: true)), status: .unauthorized)
                }
                var headers: HTTPFields = [.location: "/"]
                headers[.setCookie] = "greenlight_session=\(session.id); Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"
                return Response(status: .seeOther, headers: headers)
            }
        }
        router.get("static/dashboard.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: DashboardAssets.script)))
        }
        router.get("static/dashboard.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: DashboardAssets.style)))
        }
    }

    // MARK: Plumbing

    /// The browser's CSRF seed (a new one when it has none) and the token its forms carry.
    private func csrfFor(_ request: Request) -> (seed: String, token: String, fresh: Bool) {
        if let seed = Cookies.parse(request.headers[.cookie])[Self.csrfCookie], seed.count >= 16, seed.count <= 128,
           seed.allSatisfy({ $0.isHexDigit }) {
            return (seed, service.access.csrfToken(seed: seed), false)
        }
        let seed = Access.randomHex(16)
        return (seed, service.access.csrfToken(seed: seed), true)
    }

    private func page(_ request: Request, _ build: ([String: String], String) async throws -> (title: String, body: [HTMLNode])) async throws -> Response {
        let csrf = csrfFor(request)
        let q = Form.parse(request.uri.query ?? "")
        let built = try await build(q, csrf.token)
        var response = Self.html(Self.document(built.title, built.body))
        if csrf.fresh { response.headers[.setCookie] = "\(Self.csrfCookie)=\(csrf.seed); Path=/; HttpOnly; SameSite=Strict" }
        return response
    }

    private func page(_ request: Request, _ build: ([String: String], String) async throws -> [HTMLNode]) async throws -> Response {
        try await page(request) { q, csrf in ("Greenlight", try await build(q, csrf)) }
    }

    private func loginPage(_ csrf: String, failed: Bool) -> [HTMLNode] {
        [.element("h1", text: "Greenlight: sign in"),
         failed ? .element("p", ["class": "error"], text: "That token is not known.") : .text(""),
         .element("form", ["method": "post", "action": "/login"], children: [
            .element("input", ["type": "hidden", "name": "csrf", "value": csrf]),
            .element("label", children: [.text("Token "), .element("input", ["type": "password", "name": "token", "autocomplete": "off"])]),
            .element("button", ["type": "submit"], text: "Sign in"),
         ])]
    }

    /// A POSTed form, read only when its CSRF token matches the browser's cookie.
    private func form(_ request: Request, _ handle: ([String: String]) async throws -> Response) async throws -> Response {
        var request = request
        let body = (try? await request.collectBody(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
        let fields = Form.parse(body)
        let seed = Cookies.parse(request.headers[.cookie])[Self.csrfCookie]
        guard service.access.csrfValid(seed: seed, token: fields["csrf"]) else {
            return Self.html(Self.document("Refused", [.element("h1", text: "Refused"),
                .element("p", text: "This form's CSRF token does not match this browser's: reload the page and try again.")]), status: .forbidden)
        }
        return try await handle(fields)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func document(_ title: String, _ body: [HTMLNode]) -> String {
        HTML(
            .lang(.english),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", text: title),
                .selfClosedElement(named: "link", attributes: [.attribute(named: "rel", value: "stylesheet"), .attribute(named: "href", value: "/static/dashboard.css")])
            ),
            .body(.group(body.map(\.node)), .element(named: "script", nodes: [.attribute(named: "src", value: "/static/dashboard.js")]))
        ).render() + "\n"
    }

    // MARK: Pages

    private func home(_ q: [String: String], _ csrf: String) async throws -> (title: String, body: [HTMLNode]) {
        let counts = try await service.store.counts()
        let summary = JobState.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: " · ")
        var body: [HTMLNode] = [
            .element("header", children: [.element("h1", text: "Greenlight"), .element("p", ["id": "counts"], text: summary)]),
            .element("section", ["class": "forms"], children: [submitBox(csrf), searchBox(q)]),
        ]
        if let message = q["error"], !message.isEmpty { body.insert(.element("p", ["class": "error"], text: message), at: 1) }
        body.append(.element("div", ["id": "jobs", "data-query": Self.query(q)], children: try await jobTables(q, csrf)))
        return ("Greenlight", body)
    }

    private static func query(_ q: [String: String]) -> String {
        ["path", "verdict", "state", "from", "to"].compactMap { key in
            q[key].flatMap { $0.isEmpty ? nil : "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        }.joined(separator: "&")
    }

    private func submitBox(_ csrf: String) -> HTMLNode {
        .element("form", ["method": "post", "action": "/jobs", "class": "box"], children: [
            .element("h2", text: "Check files"),
            .element("input", ["type": "hidden", "name": "csrf", "value": csrf]),
            .element("label", children: [.text("Paths (one per line, under \(service.roots.roots.joined(separator: ", ")))"),
                                         .element("textarea", ["name": "paths", "rows": "3", "required": "required"])]),
            .element("label", children: [.text("Profile "), .element("select", ["name": "profile"], children: Profile.builtInNames.map {
                .element("option", ["value": $0], text: $0)
            })]),
            .element("label", children: [.text("Priority "), .element("input", ["type": "number", "name": "priority", "value": "0", "min": "-1000", "max": "1000"])]),
            .element("button", ["type": "submit"], text: "Queue"),
        ])
    }

    private func searchBox(_ q: [String: String]) -> HTMLNode {
        func select(_ name: String, _ options: [String]) -> HTMLNode {
            .element("select", ["name": name], children: ([""] + options).map { o in
                o == (q[name] ?? "") ? .element("option", ["value": o, "selected": "selected"], text: o.isEmpty ? "any" : o)
                    : .element("option", ["value": o], text: o.isEmpty ? "any" : o)
            })
        }
        return .element("form", ["method": "get", "action": "/", "class": "box", "role": "search"], children: [
            .element("h2", text: "Search"),
            .element("label", children: [.text("File "), .element("input", ["type": "search", "name": "path", "value": q["path"] ?? ""])]),
            .element("label", children: [.text("Verdict "), select("verdict", ["pass", "warn", "fail", "error"])]),
            .element("label", children: [.text("State "), select("state", JobState.allCases.map(\.rawValue))]),
            .element("label", children: [.text("From "), .element("input", ["type": "date", "name": "from", "value": q["from"] ?? ""])]),
            .element("label", children: [.text("To "), .element("input", ["type": "date", "name": "to", "value": q["to"] ?? ""])]),
            .element("button", ["type": "submit"], text: "Search"),
        ])
    }

    /// Running, queued and finished jobs matching the search (the part the script refreshes).
    private func jobTables(_ q: [String: String], _ csrf: String) async throws -> [HTMLNode] {
        var filter: JobFilter
        do { filter = try HTTPService.filter(q, lenient: true) } catch {
            return [.element("p", ["class": "error"], text: error.reason)]
        }
        let searching = filter.path != nil || filter.verdict != nil || filter.from != nil || filter.to != nil || !filter.states.isEmpty
        let now = Date()
        var out: [HTMLNode] = []
        if !searching || filter.states.contains(.running) {
            var f = filter
            f.states = [.running]
            f.queueOrder = true
            out.append(table("Running", ["Job", "Files", "Profile", "Progress", "ETA", "Worker", ""], try await service.store.jobs(f).map { job in
                [link(job), files(job), .text(job.profile), progress(job),
                 .text(job.eta(now: now).map { formatDuration($0) } ?? "—"), .text(job.worker ?? ""), cancel(job, csrf)]
            }, id: "running"))
        }
        if !searching || filter.states.contains(.queued) {
            var f = filter
            f.states = [.queued]
            f.queueOrder = true
            f.limit = 20
            let queued = try await service.store.jobs(f)
            let waiting = (try await service.store.counts())[.queued] ?? queued.count
            out.append(table("Queue", ["Job", "Files", "Profile", "Priority", "Submitted", ""], queued.map { job in
                [link(job), files(job), .text(job.profile), .text("\(job.priority)"), .text(stamp(job.submitted)), cancel(job, csrf)]
            }, id: "queue", total: searching ? nil : waiting))
        }
        var f = filter
        f.states = filter.states.isEmpty ? [.done, .failed, .cancelled] : filter.states.filter(\.isFinal)
        if !f.states.isEmpty {
            f.limit = min(filter.limit, 50)
            let finished: Int? = searching ? nil : try await { () async throws -> Int in
                let counts = try await service.store.counts()
                return [JobState.done, .failed, .cancelled].reduce(0) { $0 + (counts[$1] ?? 0) }
            }()
            out.append(table(searching ? "Found" : "Finished", ["Job", "Files", "Profile", "Verdict", "Findings", "Finished", "Reports"],
                             try await service.store.jobs(f).map { job in
                [link(job), files(job), .text(job.profile), verdict(job), .text(job.findings.map(String.init) ?? "—"),
                 .text(job.finished.map(stamp) ?? ""), reports(job)]
            }, id: "finished", total: finished))
        }
        return out
    }

    private func jobPage(_ id: Int64, _ csrf: String) async throws -> (title: String, body: [HTMLNode]) {
        guard let job = try await service.store.job(id) else {
            return ("No such job", [.element("h1", text: "No such job"), .element("p", children: [.element("a", ["href": "/"], text: "Back to the dashboard")])])
        }
        let facts: [(String, HTMLNode)] = [
            ("State", .text(job.state.rawValue)), ("Verdict", verdict(job)), ("Progress", progress(job)),
            ("Profile", .text(job.profile)), ("Priority", .text("\(job.priority)")), ("Source", .text(job.source)),
            ("Submitted", .text(stamp(job.submitted))), ("Started", .text(job.started.map(stamp) ?? "—")),
            ("Finished", .text(job.finished.map(stamp) ?? "—")), ("Attempts", .text("\(job.attempts)")),
            ("Findings", .text(job.findings.map(String.init) ?? "—")), ("Error", .text(job.error ?? "—")),
        ]
        return ("Job \(id)", [
            .element("p", children: [.element("a", ["href": "/"], text: "← Dashboard")]),
            .element("h1", text: "Job \(id)"),
            .element("dl", children: facts.flatMap { [HTMLNode.element("dt", text: $0.0), .element("dd", children: [$0.1])] }),
            .element("h2", text: "Files"),
            .element("ul", children: job.paths.map { p in
                .element("li", children: [.text(p + " "), .element("a", ["href": "/files?path=\(p.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"], text: "history")])
            }),
            reports(job), cancel(job, csrf),
        ])
    }

    private func filePage(_ path: String) async throws -> (title: String, body: [HTMLNode]) {
        let resolved = service.historyPath(path)
        let checks = try await service.store.history(path: resolved)
        let changes = Dictionary(zip(checks, checks.dropFirst()).map { ($1.job, FileChange(from: $0, to: $1)) }, uniquingKeysWith: { a, _ in a })
        let rows = checks.reversed().map { c -> [HTMLNode] in
            [.element("a", ["href": "/jobs/\(c.job)"], text: "\(c.job)"), .text(stamp(c.finished)), .text(c.profile),
             .element("span", ["class": "badge \(c.verdict)"], text: c.verdict.uppercased()),
             .text(c.error ?? c.findings.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")),
             .text(changes[c.job].map(describe) ?? "first check")]
        }
        return ("History of \(resolved)", [
            .element("p", children: [.element("a", ["href": "/"], text: "← Dashboard")]),
            .element("h1", text: "History"), .element("p", ["class": "path"], text: resolved),
            checks.isEmpty ? .element("p", text: "No finished check of this file.")
                : table("Checks", ["Job", "Finished", "Profile", "Verdict", "Findings", "Changed since the check before"], rows, id: "history"),
        ])
    }

    private func describe(_ c: FileChange) -> String {
        if c.isEmpty { return c.profileChanged ? "same findings (another profile)" : "no change" }
        var parts: [String] = []
        if let v = c.verdict { parts.append("verdict \(v.from) → \(v.to)") }
        if !c.appeared.isEmpty { parts.append("new: " + c.appeared.keys.sorted().joined(separator: ", ")) }
        if !c.disappeared.isEmpty { parts.append("gone: " + c.disappeared.keys.sorted().joined(separator: ", ")) }
        if !c.changed.isEmpty { parts.append(c.changed.keys.sorted().map { "\($0) \(c.changed[$0]!.from)→\(c.changed[$0]!.to)" }.joined(separator: ", ")) }
        if c.profileChanged { parts.append("(another profile)") }
        return parts.joined(separator: "; ")
    }

    private func submitForm(_ fields: [String: String]) async throws -> Response {
        let paths = (fields["paths"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let body: [String: Any] = ["paths": paths, "profile": fields["profile"] ?? "default", "priority": Int(fields["priority"] ?? "0") ?? 0]
        do {
            let request = try APIModel.request(APIModel.data(object: body), roots: service.roots, source: "dashboard")
            let job = try await service.store.submit(request)
            return Response(status: .seeOther, headers: [.location: "/jobs/\(job.id)"])
        } catch let error as APIError {
            return Response(status: .seeOther, headers: [.location: "/?error=\(error.reason.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"])
        }
    }

    // MARK: Pieces

    /// A titled table; `total` when the rows are the first of more (the queue's next 20 of 10 000).
    private func table(_ title: String, _ heads: [String], _ rows: [[HTMLNode]], id: String, total: Int? = nil) -> HTMLNode {
        .element("section", ["id": id], children: [
            .element("h2", text: "\(title) (\(total.map { $0 > rows.count ? "\(id == "queue" ? "next" : "latest") \(rows.count) of \($0)" : "\($0)" } ?? "\(rows.count)"))"),
            rows.isEmpty ? .element("p", ["class": "empty"], text: "None.") : .element("table", children: [
                .element("thead", children: [.element("tr", children: heads.map { .element("th", text: $0) })]),
                .element("tbody", children: rows.map { .element("tr", children: $0.map { .element("td", children: [$0]) }) }),
            ]),
        ])
    }

    private func link(_ job: Job) -> HTMLNode { .element("a", ["href": "/jobs/\(job.id)"], text: "\(job.id)") }

    private func files(_ job: Job) -> HTMLNode {
        let names = job.paths.map { ($0 as NSString).lastPathComponent }
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
        return .element("span", ["title": job.paths.joined(separator: "\n")], text: shown)
    }

    private func progress(_ job: Job) -> HTMLNode {
        let percent = Int((job.progress * 100).rounded())
        return .element("span", ["class": "progress"], children: [
            .element("progress", ["max": "100", "value": "\(percent)"], text: "\(percent) %"), .text(" \(percent) %"),
        ])
    }

    private func verdict(_ job: Job) -> HTMLNode {
        let v = job.verdict ?? (job.state == .done ? "error" : job.state.rawValue)
        return .element("span", ["class": "badge \(v)", "title": job.error ?? ""], text: v.uppercased())
    }

    private func reports(_ job: Job) -> HTMLNode {
        guard job.state == .done else { return .text(job.error ?? "") }
        return .element("span", children: [
            .element("a", ["href": "/api/v1/jobs/\(job.id)/report.html"], text: "HTML"), .text(" · "),
            .element("a", ["href": "/api/v1/jobs/\(job.id)/report"], text: "JSON"),
        ])
    }

    private func cancel(_ job: Job, _ csrf: String) -> HTMLNode {
        guard !job.state.isFinal else { return .text("") }
        return .element("form", ["method": "post", "action": "/jobs/\(job.id)/cancel", "class": "inline"], children: [
            .element("input", ["type": "hidden", "name": "csrf", "value": csrf]),
            .element("button", ["type": "submit"], text: "Cancel"),
        ])
    }

    private func stamp(_ date: Date) -> String {
        let iso = APIModel.iso8601(date)  // 2026-12-06T13:04:29.598Z
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(8) + " UTC"
    }

    private func formatDuration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// The dashboard's one script and its style sheet.
enum DashboardAssets {
    /// Refreshes the job tables every two seconds (the same search), and the counts.
    static let script = """
    (function () {
      var jobs = document.getElementById('jobs');
      if (!jobs) return;
      var query = jobs.getAttribute('data-query') || '';
      function refresh() {
        fetch('/fragments/jobs' + (query ? '?' + query : ''), {credentials: 'same-origin'})
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html !== null) jobs.innerHTML = html; })
          .catch(function () {})
          .finally(function () { setTimeout(refresh, 2000); });
      }
      setTimeout(refresh, 2000);
    })();
    """

    static let style = """
    body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
    h1 { margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 1.2em 0 .4em; }
    #counts { color: #555; margin-top: 0; }
    .forms { display: flex; gap: 1em; flex-wrap: wrap; }
    .box { border: 1px solid #ccc; border-radius: 6px; padding: .6em 1em; }
    .box label { display: block; margin: .3em 0; } textarea { width: 32em; max-width: 100%; }
    table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid #eee; }
    th { background: #f5f5f5; } .empty { color: #777; }
    .badge { display: inline-block; padding: 0 .5em; border-radius: 3px; font-weight: 600; font-size: .85em; color: #fff; background: #888; }
    .badge.pass { background: #2e7d32; } .badge.warn { background: #b26a00; } .badge.fail, .badge.error, .badge.failed { background: #c62828; }
    .badge.cancelled { background: #666; } .badge.running, .badge.queued { background: #1565c0; }
    .error { color: #c62828; font-weight: 600; } form.inline { display: inline; } .path { font-family: monospace; }
    progress { width: 8em; vertical-align: middle; }
    """
}
