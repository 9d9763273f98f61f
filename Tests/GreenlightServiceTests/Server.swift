import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A `greenlight serve` (or `worker`) process for a test: started on a free port, talked to over
/// HTTP, stopped with a signal of the test's choosing.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let log: URL
    private(set) var port = 0

    /// Starts `greenlight <arguments>`; for `serve`, waits until it listens and reads its port.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        log = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-serve-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: greenlightBinary)
        process.arguments = arguments + (arguments.first == "serve" ? ["--port", "0"] : [])
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        guard arguments.first == "serve" else { return }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let range = output.range(of: "listening on http://127.0.0.1:") ?? output.range(of: "listening on http://0.0.0.0:") {
                port = Int(output[range.upperBound...].prefix { $0.isNumber }) ?? 0
                if port > 0 { return }
            }
            if !process.isRunning { throw TestFailure("greenlight \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(output)") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestFailure("greenlight serve did not start listening: \(output)")
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, within seconds: Double = 30) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: log)
    }

    struct Reply {
        var status: Int
        var body: Data
        var headers: [String: String]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
    }

    /// One HTTP request (redirects are not followed: a test sees the 303).
    func request(_ method: String, _ path: String, json: Any? = nil, form: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let form {
            request.httpBody = Data(form.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: request) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                let http = response as! HTTPURLResponse
                var fields: [String: String] = [:]
                for (k, v) in http.allHeaderFields { fields[String(describing: k).lowercased()] = String(describing: v) }
                continuation.resume(returning: Reply(status: http.statusCode, body: data ?? Data(), headers: fields))
            }.resume()
        }
    }

    /// Submits a job and returns its id.
    func submit(_ paths: [String], profile: String = "default", headers: [String: String] = [:]) async throws -> Int64 {
        let r = try await request("POST", "/api/v1/jobs", json: ["paths": paths, "profile": profile], headers: headers)
        guard r.status == 201, let id = r.json["id"] as? Int else { throw TestFailure("submit: \(r.status) \(r.text)") }
        return Int64(id)
    }

    func job(_ id: Int64) async throws -> [String: Any] { try await request("GET", "/api/v1/jobs/\(id)").json }

    /// Waits for the job to reach one of `states`.
    @discardableResult
    func wait(for id: Int64, _ states: Set<String> = ["done", "failed", "cancelled"], seconds: Double = 180,
              while condition: ([String: Any]) -> Bool = { _ in true }) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let job = try await job(id)
            if let state = job["state"] as? String, states.contains(state), condition(job) { return job }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("job \(id) did not reach \(states.sorted()) in \(seconds) s: \(try await job(id)); log: \(output.suffix(2000))")
    }
}

private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

/// The arguments that put a server (or worker) on `backend`'s fresh store.
func storeArguments(_ backend: Backend) throws -> [String] {
    let at = try backend.freshLocation()
    return at.database.map { ["--database", $0] } ?? ["--data", at.data!]
}

/// A root folder holding copies of sample clips (under the given names).
func mediaRoot(_ files: [(sample: String, name: String)]) throws -> URL {
    let root = try scratchFolder("root")
    for f in files {
        try FileManager.default.copyItem(atPath: "\(sampleMedia)/\(f.sample)", toPath: root.appendingPathComponent(f.name).path)
    }
    return URL(fileURLWithPath: realpath(root.path, nil).map { p in defer { free(p) }; return String(cString: p) } ?? root.path)
}

/// Processes whose command line mentions `text` (a check a killed worker must not leave running).
func processes(mentioning text: String) -> [Int32] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return names.compactMap(Int32.init).filter { pid in
        guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return String(decoding: data, as: UTF8.self).contains(text)
    }
}
