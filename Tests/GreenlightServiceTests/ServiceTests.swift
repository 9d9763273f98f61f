import Foundation
import GreenlightService
import Testing

/// `greenlight serve` and `greenlight worker` as processes, on SQLite and on PostgreSQL.
@Suite(.serialized) struct ServiceTests {
    /// A job that takes a few seconds: ten copies of a clip in one job.
    static let slowClips = (0..<10).map { (sample: "sync-drift.mp4", name: "d\($0).mp4") }

    @Test func jobReportIsTheChecksReportAndTheDashboardShowsIt() async throws {
        let name = "reel <b>&\"1\".mp4"
        let root = try mediaRoot([("freeze.mp4", name)])
        let server = try ServerProcess(["serve", "--root", root.path] + storeArguments(.sqlite))
        defer { server.stop() }
        let path = root.appendingPathComponent(name).path
        let id = try await server.submit([path])
        let job = try await server.wait(for: id)
        #expect(job["state"] as? String == "done")
        #expect(job["verdict"] as? String == "warn")
        #expect(job["attempts"] as? Int == 1)
        #expect(job["progress"] as? Double == 1)

        // The same bytes `greenlight check --json` writes for the same file and profile.
        let report = try await server.request("GET", "/api/v1/jobs/\(id)/report")
        let direct = try scratchFolder("direct").appendingPathComponent("qc.json")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: greenlightBinary)
        check.arguments = ["check", path, "--profile", "default", "--json", direct.path, "--quiet"]
        try check.run()
        check.waitUntilExit()
        #expect(report.status == 200 && report.headers["content-type"] == "application/json")
        #expect(report.body == (try Data(contentsOf: direct)))
        let html = try await server.request("GET", "/api/v1/jobs/\(id)/report.html")
        #expect(html.status == 200 && html.text.hasPrefix("<!DOCTYPE html>"))
        #expect(html.headers["content-security-policy"]?.contains("default-src 'none'") == true)

        // The file's history, and the dashboard (escaped) with its job.
        let history = try await server.request("GET", "/api/v1/files?path=\(path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)").json
        let checks = history["checks"] as? [[String: Any]] ?? []
        #expect(checks.count == 1)
        #expect((checks.first?["findings"] as? [String: Int])?["freeze.segment"] == 1)
        let page = try await server.request("GET", "/")
        #expect(page.status == 200)
        #expect(page.text.contains("reel &lt;b&gt;&amp;&quot;1&quot;.mp4"))
        #expect(!page.text.contains("<b>&"))
        #expect(page.text.contains("Finished (1)"))
        #expect(page.headers["set-cookie"]?.contains("greenlight_csrf=") == true)
        let metrics = try await server.request("GET", "/metrics").text
        #expect(metrics.contains("greenlight_jobs{state=\"done\"} 1"))
        #expect(metrics.contains("greenlight_frames_checked_total 250"))

        // In headless Chromium: the page renders, its script runs without a console message.
        guard let rendered = try renderInChromium("http://127.0.0.1:\(server.port)/") else { return }
        #expect(rendered.dom.contains("Finished (1)"))
        #expect(rendered.dom.contains("reel &lt;b&gt;&amp;\"1\".mp4") || rendered.dom.contains("reel &lt;b&gt;&amp;&quot;1&quot;.mp4"))
        #expect(rendered.console.isEmpty, "console: \(rendered.console)")
        #expect(rendered.png > 20_000)
    }

    @Test(arguments: Backend.available) func pathsOutsideTheRootsAreRefused(_ backend: Backend) async throws {
        let root = try mediaRoot([("freeze.mp4", "in.mp4")])
        let outside = try mediaRoot([("freeze.mp4", "out.mp4")])
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link.mp4").path,
                                                   withDestinationPath: outside.appendingPathComponent("out.mp4").path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("etc").path, withDestinationPath: "/etc")
        let server = try ServerProcess(["serve", "--root", root.path, "--workers", "0"] + storeArguments(backend))
        defer { server.stop() }
        let refused: [(String, String)] = [
            ("/etc/hostname", "outside the service's roots"),
            (root.appendingPathComponent("link.mp4").path, "resolves to \(outside.path)/out.mp4"),
            (root.appendingPathComponent("etc/hostname").path, "outside the service's roots"),
            (root.path + "/../" + outside.lastPathComponent + "/out.mp4", "outside the service's roots"),
            ("in.mp4", "give an absolute path"),
            (root.appendingPathComponent("missing.mp4").path, "no such file or folder"),
        ]
        for (path, reason) in refused {
            let r = try await server.request("POST", "/api/v1/jobs", json: ["paths": [path]])
            #expect(r.status == 403, "\(path)")
            #expect((r.json["error"] as? String)?.contains(reason) == true, "\(path): \(r.text)")
        }
        let mixed = try await server.request("POST", "/api/v1/jobs", json: ["paths": [root.appendingPathComponent("in.mp4").path, "/etc/passwd"]])
        #expect(mixed.status == 403)
        let none = try await server.request("GET", "/api/v1/jobs").json["jobs"] as? [Any]
        #expect(none?.isEmpty == true)
        #expect(try await server.request("POST", "/api/v1/jobs", json: ["paths": []]).status == 400)
        #expect(try await server.request("POST", "/api/v1/jobs", json: ["paths": [root.path], "profile": "nonsense"]).status == 400)
        #expect(try await server.request("POST", "/api/v1/jobs", json: ["paths": [root.path], "colour": 1]).status == 400)
        #expect(try await server.request("POST", "/api/v1/jobs", form: "paths=/x").status == 415)
        #expect(try await server.request("PUT", "/api/v1/jobs").status == 405)
        let ok = try await server.request("POST", "/api/v1/jobs", json: ["paths": [root.appendingPathComponent("in.mp4").path], "priority": 3])
        #expect(ok.status == 201)
        #expect(ok.headers["location"] == "/api/v1/jobs/\(ok.json["id"] as? Int ?? 0)")
        #expect(ok.json["paths"] as? [String] == [root.appendingPathComponent("in.mp4").path])
        #expect(try await server.request("GET", "/api/v1/jobs/424242").status == 404)
        let id = ok.json["id"] as? Int ?? 0
        #expect(try await server.request("DELETE", "/api/v1/jobs/\(id)").json["state"] as? String == "cancelled")
        #expect(try await server.request("DELETE", "/api/v1/jobs/\(id)").status == 409)
    }

    /// A worker killed mid-job (SIGKILL): its check stops too, and the job runs again once the
    /// lease runs out, on the next worker (SQLite: the restarted server; PostgreSQL: another
    /// `greenlight worker`), and is finished once.
    @Test(arguments: Backend.available) func aKilledWorkersJobRunsAgain(_ backend: Backend) async throws {
        let root = try mediaRoot(Self.slowClips)
        let store = try storeArguments(backend)
        let paths = Self.slowClips.map { root.appendingPathComponent($0.name).path }
        var server = try ServerProcess(["serve", "--root", root.path, "--lease", "2", "--workers", backend == .sqlite ? "1" : "0"] + store)
        defer { server.stop() }
        let first = backend == .postgres ? try ServerProcess(["worker", "--lease", "2"] + store) : nil
        let id = try await server.submit(paths)
        try await server.wait(for: id, ["running"]) { ($0["progress"] as? Double ?? 0) > 0 }
        #expect(!processes(mentioning: root.path).filter { $0 != server.process.processIdentifier }.isEmpty)  // the check is running
        if let first { first.stop(SIGKILL) } else { server.stop(SIGKILL) }
        // The orphaned check notices within a second or two and exits.
        var left: [Int32] = []
        for _ in 0..<150 {
            left = processes(mentioning: root.path).filter { $0 != server.process.processIdentifier }
            if left.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(left.isEmpty, "a check outlived its worker: \(left)")
        let second: ServerProcess
        if backend == .sqlite {
            server = try ServerProcess(["serve", "--root", root.path, "--lease", "2"] + store)
            second = server
        } else {
            second = try ServerProcess(["worker", "--lease", "2"] + store)
        }
        defer { if backend == .postgres { second.stop() } }
        let job = try await server.wait(for: id)
        #expect(job["state"] as? String == "done")
        #expect(job["attempts"] as? Int == 2)
        let history = try await server.request("GET", "/api/v1/files?path=\(paths[0].addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)").json
        #expect((history["checks"] as? [Any])?.count == 1)
    }

    /// SIGTERM: the server stops taking work and hands the running job back (here with no grace);
    /// after a restart everything is still there and the job is done.
    @Test(arguments: Backend.available) func restartKeepsJobsAndHandsBackRunningWork(_ backend: Backend) async throws {
        let root = try mediaRoot(Self.slowClips + [("freeze.mp4", "quick.mp4")])
        let store = try storeArguments(backend)
        var server = try ServerProcess(["serve", "--root", root.path, "--grace", "0"] + store)
        let quick = try await server.submit([root.appendingPathComponent("quick.mp4").path])
        try await server.wait(for: quick)
        let quickReport = try await server.request("GET", "/api/v1/jobs/\(quick)/report").body
        let slow = try await server.submit(Self.slowClips.map { root.appendingPathComponent($0.name).path })
        try await server.wait(for: slow, ["running"])
        let started = Date()
        #expect(server.stop(SIGTERM) == 0)
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(server.output.contains("handed back to the queue"))

        server = try ServerProcess(["serve", "--root", root.path, "--workers", "0"] + store)
        let handedBack = try await server.job(slow)
        #expect(handedBack["state"] as? String == "queued")
        #expect(handedBack["attempts"] as? Int == 0)
        #expect(try await server.request("GET", "/api/v1/jobs/\(quick)/report").body == quickReport)
        server.stop()
        server = try ServerProcess(["serve", "--root", root.path] + store)
        defer { server.stop() }
        let done = try await server.wait(for: slow)
        #expect(done["state"] as? String == "done")
        #expect(done["attempts"] as? Int == 1)
    }

    @Test func tokensRolesAndCSRF() async throws {
        let root = try mediaRoot([("freeze.mp4", "a.mp4")])
        let tokens = try scratchFolder("tokens").appendingPathComponent("tokens")
        // sha256("reader-token") and sha256("submit-token")
        try """
        # who may do what
        read sha256:\(sha256Hex("reader-token"))
        submit sha256:\(sha256Hex("submit-token"))
        """.write(to: tokens, atomically: true, encoding: .utf8)
        let open = Process()
        open.executableURL = URL(fileURLWithPath: greenlightBinary)
        open.arguments = ["serve", "--root", root.path, "--host", "0.0.0.0", "--port", "0"] + (try storeArguments(.sqlite))
        let err = Pipe()
        open.standardError = err
        try open.run()
        open.waitUntilExit()
        #expect(open.terminationStatus == 2)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("give --token-file"))

        let server = try ServerProcess(["serve", "--root", root.path, "--host", "0.0.0.0", "--token-file", tokens.path, "--workers", "0"]
                                       + storeArguments(.sqlite))
        defer { server.stop() }
        let path = root.appendingPathComponent("a.mp4").path
        #expect(try await server.request("GET", "/api/v1/jobs").status == 401)
        #expect(try await server.request("GET", "/api/v1/jobs", headers: ["Authorization": "Bearer wrong"]).status == 401)
        #expect(try await server.request("GET", "/api/v1/jobs", headers: ["Authorization": "Bearer reader-token"]).status == 200)
        #expect(try await server.request("POST", "/api/v1/jobs", json: ["paths": [path]], headers: ["Authorization": "Bearer reader-token"]).status == 403)
        #expect(try await server.request("POST", "/api/v1/jobs", json: ["paths": [path]], headers: ["Authorization": "Bearer submit-token"]).status == 201)
        #expect(try await server.request("GET", "/healthz").status == 200)
        #expect(try await server.request("GET", "/metrics").status == 401)
        let toLogin = try await server.request("GET", "/")
        #expect(toLogin.status == 303 && toLogin.headers["location"] == "/login")

        // The browser's way: the login form (with its CSRF token) sets a session cookie.
        let login = try await server.request("GET", "/login")
        let seed = try #require(cookie("greenlight_csrf", in: login.headers["set-cookie"]))
        let csrf = try #require(hiddenCSRF(in: login.text))
        #expect(try await server.request("POST", "/login", form: "csrf=\(csrf)&token=wrong", headers: ["Cookie": "greenlight_csrf=\(seed)"]).status == 401)
        let signedIn = try await server.request("POST", "/login", form: "csrf=\(csrf)&token=submit-token", headers: ["Cookie": "greenlight_csrf=\(seed)"])
        #expect(signedIn.status == 303)
        let session = try #require(cookie("greenlight_session", in: signedIn.headers["set-cookie"]))
        let cookies = "greenlight_csrf=\(seed); greenlight_session=\(session)"
        #expect(try await server.request("GET", "/", headers: ["Cookie": cookies]).status == 200)
        // A form without the token, or with another browser's, is refused; with it, the job is queued.
        let form = "paths=\(path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&profile=default&priority=0"
        #expect(try await server.request("POST", "/jobs", form: form, headers: ["Cookie": cookies]).status == 403)
        #expect(try await server.request("POST", "/jobs", form: form + "&csrf=\(csrf)",
                                         headers: ["Cookie": "greenlight_csrf=00112233445566778899aabbccddeeff; greenlight_session=\(session)"]).status == 403)
        let queued = try await server.request("POST", "/jobs", form: form + "&csrf=\(csrf)", headers: ["Cookie": cookies])
        #expect(queued.status == 303 && queued.headers["location"]?.hasPrefix("/jobs/") == true)
        let jobs = try await server.request("GET", "/api/v1/jobs", headers: ["Authorization": "Bearer reader-token"]).json["jobs"] as? [[String: Any]]
        #expect(jobs?.map { $0["source"] as? String } == ["dashboard", "api"])
    }

    @Test func aWatchFolderTakesAFileOnceItHasStoppedGrowing() async throws {
        let root = try mediaRoot([])
        let watch = root.appendingPathComponent("incoming")
        try FileManager.default.createDirectory(at: watch, withIntermediateDirectories: true)
        let store = try storeArguments(.sqlite)
        let source = try Data(contentsOf: URL(fileURLWithPath: "\(sampleMedia)/freeze.mp4"))
        var server = try ServerProcess(["serve", "--root", root.path, "--watch", watch.path, "--settle", "3", "--workers", "0"] + store)
        // Arrives in three parts half a second apart, as a copy from a card does.
        let target = watch.appendingPathComponent("A001C003.mp4")
        let third = source.count / 3
        try source.prefix(third).write(to: target)
        for part in 1...2 {
            try await Task.sleep(for: .milliseconds(500))
            let handle = try FileHandle(forWritingTo: target)
            try handle.seekToEnd()
            try handle.write(contentsOf: source[(part * third)..<(part == 2 ? source.count : (part + 1) * third)])
            try handle.close()
        }
        let lastWrite = Date()
        var jobs: [[String: Any]] = []
        for _ in 0..<200 {
            jobs = try await server.request("GET", "/api/v1/jobs").json["jobs"] as? [[String: Any]] ?? []
            if !jobs.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        // Taken only once it had held still for the settle time (not while it grew).
        let submitted = (jobs.first?["submitted"] as? String).flatMap { text -> Date? in
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return f.date(from: text)
        }
        #expect(submitted.map { $0.timeIntervalSince(lastWrite) >= 2.9 } == true, "taken \(submitted.map { $0.timeIntervalSince(lastWrite) } ?? -1) s after the last write")
        #expect(jobs.count == 1)
        #expect(jobs.first?["paths"] as? [String] == [target.path])
        #expect(jobs.first?["source"] as? String == "watch")
        try await Task.sleep(for: .seconds(3))  // more scans: still one job
        #expect((try await server.request("GET", "/api/v1/jobs").json["jobs"] as? [Any])?.count == 1)
        server.stop()
        server = try ServerProcess(["serve", "--root", root.path, "--watch", watch.path, "--settle", "0.5"] + store)
        defer { server.stop() }
        let id = Int64(jobs.first?["id"] as? Int ?? 0)
        #expect(try await server.wait(for: id)["state"] as? String == "done")
        try await Task.sleep(for: .seconds(2))
        #expect((try await server.request("GET", "/api/v1/jobs").json["jobs"] as? [Any])?.count == 1, "taken again after a restart")
        // Nothing in the watch folder was moved or changed.
        #expect(try FileManager.default.contentsOfDirectory(atPath: watch.path) == ["A001C003.mp4"])
        #expect(try Data(contentsOf: target) == source)
    }
}

func sha256Hex(_ text: String) -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["sha256sum"]
    let input = Pipe(), output = Pipe()
    p.standardInput = input
    p.standardOutput = output
    try? p.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try? input.fileHandleForWriting.close()
    p.waitUntilExit()
    return String(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64))
}

func cookie(_ name: String, in header: String?) -> String? {
    guard let header, let range = header.range(of: name + "=") else { return nil }
    return String(header[range.upperBound...].prefix { $0 != ";" && $0 != "," })
}

func hiddenCSRF(in html: String) -> String? {
    guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
    return String(html[range.upperBound...].prefix { $0 != "\"" })
}

/// The page at `url` in headless Chromium (scripts/render-html.sh): its DOM after the script ran,
/// its console messages, the screenshot's size. Nil (the test says so) without Chromium.
func renderInChromium(_ url: String) throws -> (dom: String, console: String, png: Int)? {
    let hasBrowser = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    guard hasBrowser else {
        print("note: no Chromium (apt-get install chromium): the dashboard was not rendered in a browser")
        return nil
    }
    let out = try scratchFolder("chromium")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: repoRoot.appendingPathComponent("scripts/render-html.sh").path)
    p.arguments = [url, out.appendingPathComponent("page.png").path, out.appendingPathComponent("console.log").path]
    p.environment = ProcessInfo.processInfo.environment.merging(["HEIGHT": "1200"]) { _, n in n }
    let dom = Pipe()
    p.standardOutput = dom
    try p.run()
    let text = String(decoding: dom.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    let console = (try? String(contentsOf: out.appendingPathComponent("console.log"), encoding: .utf8)) ?? ""
    let png = (try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("page.png").path)[.size] as? Int) ?? 0
    return (text, console, png)
}

/// The README's one command, as a user runs it from a fresh clone: every sample clip is taken
/// from the watch folder, checked and shown on the dashboard.
@Suite(.serialized) struct ReadmeServeTests {
    @Test func serveWatchingSampleMediaChecksEveryClip() async throws {
        let expected = try FileManager.default.subpathsOfDirectory(atPath: sampleMedia).filter { path in
            !path.split(separator: "/").contains { $0.hasPrefix(".") }
                && ["mov", "mp4", "mkv", "wav", "flac", "m4a", "ac3", "nut"].contains((path as NSString).pathExtension.lowercased())
        }
        let server = try ServerProcess(["serve", "--root", sampleMedia, "--watch", sampleMedia, "--settle", "1", "--workers", "2"]
                                       + storeArguments(.sqlite))
        defer { server.stop() }
        var jobs: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            jobs = try await server.request("GET", "/api/v1/jobs?limit=1000").json["jobs"] as? [[String: Any]] ?? []
            if jobs.count == expected.count, jobs.allSatisfy({ ($0["state"] as? String) == "done" }) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(jobs.count == expected.count)
        #expect(jobs.filter { $0["state"] as? String == "done" }.count == expected.count)
        let verdicts = Dictionary(grouping: jobs, by: { $0["verdict"] as? String ?? "none" }).mapValues(\.count)
        // The unreadable files of sample-media/broken are jobs that finished with an error verdict.
        #expect(verdicts["error"] == 6)
        #expect(jobs.allSatisfy { ($0["source"] as? String) == "watch" })
        let page = try await server.request("GET", "/")
        #expect(page.text.contains("Finished (latest 50 of \(expected.count))"))
        guard let rendered = try renderInChromium("http://127.0.0.1:\(server.port)/") else { return }
        #expect(rendered.dom.contains("Finished (latest 50 of \(expected.count))"))
        #expect(rendered.console.isEmpty, "console: \(rendered.console)")
        #expect(rendered.png > 50_000)
    }
}
