import Foundation
import GreenlightService
import Testing

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let sampleMedia = repoRoot.appendingPathComponent("sample-media").path

/// The `greenlight` binary SwiftPM built beside this test bundle.
let greenlightBinary: String = {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("greenlight").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return repoRoot.appendingPathComponent(".build/debug/greenlight").path
}()

/// The two job stores. PostgreSQL is tested when GREENLIGHT_TEST_DATABASE names a server
/// (scripts/with-postgres.sh starts one in a temporary folder; `make test` runs the suite under it).
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["GREENLIGHT_TEST_DATABASE"]
    static let available: [Backend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    static let skipMessage: Comment = "PostgreSQL tests skipped: GREENLIGHT_TEST_DATABASE is not set (make test runs them under scripts/with-postgres.sh, which starts a server)"

    var testDescription: String { rawValue }

    /// A fresh, empty database's URL (a new database on the test server) or SQLite folder.
    func freshLocation() throws -> (data: String?, database: String?) {
        switch self {
        case .sqlite:
            return (try scratchFolder("store").path, nil)
        case .postgres:
            let admin = Backend.postgresURL!
            let name = "gl_\(UUID().uuidString.prefix(8).lowercased())"
            let psql = Process()
            psql.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            psql.arguments = ["psql", admin, "-q", "-c", "CREATE DATABASE \(name)"]
            psql.standardOutput = FileHandle.nullDevice
            try psql.run()
            psql.waitUntilExit()
            guard psql.terminationStatus == 0 else { throw TestFailure("psql could not create \(name) on \(admin)") }
            var parts = URLComponents(string: admin)!
            parts.path = "/" + name
            return (nil, parts.string!)
        }
    }

    func makeStore() async throws -> any JobStore {
        let at = try freshLocation()
        let store: any JobStore = try await {
            if let database = at.database { return try await PostgresJobStore(url: database) }
            return try SQLiteJobStore(path: at.data! + "/greenlight.sqlite")
        }()
        try await store.migrate()
        return store
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ s: String) { description = s }
}

func scratchFolder(_ tag: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-service-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// A report of one file as the store gets it from a worker.
func outcome(path: String, verdict: String, codes: [String: Int]) -> JobOutcome {
    .done(verdict: verdict, findings: codes.values.reduce(0, +), json: "{\"verdict\":\"\(verdict)\"}", html: "<!DOCTYPE html>",
          files: [FileCheck(job: 0, path: path, profile: "default", verdict: verdict, finished: Date(), findings: codes, error: nil)], error: nil)
}
