import Foundation
import GreenlightCore
import GreenlightValues
import Testing

/// A checker that could not measure says so in every report: never a bare PASS for it.
@Suite struct NotMeasuredTests {
    /// sync-still-tone.mp4: one picture held over a steady tone, nothing for av-sync to line up.
    @Test func everyReportFormatSaysWhatWasNotMeasured() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let clip = "\(sampleMedia)/sync-still-tone.mp4"
        let (json, junit, html) = (dir.appendingPathComponent("r.json"), dir.appendingPathComponent("r.xml"), dir.appendingPathComponent("r.html"))
        let r = try greenlight(["check", clip, "--checkers", "av-sync,black", "--json", json.path, "--junit", junit.path, "--html", html.path, "--color", "never"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("[PASS]") && r.stdout.contains("  not measured: av-sync"), "\(r.stdout)")
        #expect(r.stdout.contains("av-sync.not-measured") && r.stdout.contains("av-sync could not measure: the picture has 0 sudden change(s)"))
        let file = try #require(try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: json)).files.first)
        #expect(file.checkers?.ran == ["av-sync", "black"])  // as --checkers names them
        #expect(file.checkers?.measured == ["black"])
        #expect(file.checkers?.notMeasured["av-sync"]?.contains("too few to line up with the sound") == true)
        #expect(file.findings.first { $0.code == "av-sync.not-measured" }?.severity == .info)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains(#"skipped="1""#) && xml.contains(#"<skipped message="not measured: the picture has 0 sudden change(s)"#), "\(xml)")
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains(#"<span class="not-measured">Not measured: av-sync (the picture has 0 sudden change(s)"#))
    }

    @Test func aProfileCanMakeNotMeasuredAWarning() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let profile = dir.appendingPathComponent("gate.yaml").path
        try "notMeasured: warn\nchecks: {}\n".replacingOccurrences(of: "checks: {}\n", with: "checkers: { av-sync: {} }\n")
            .write(toFile: profile, atomically: true, encoding: .utf8)
        for p in [profile, "delivery"] {
            let json = dir.appendingPathComponent("r.json")
            let r = try greenlight(["check", "\(sampleMedia)/sync-still-tone.mp4", "--profile", p, "--json", json.path, "--quiet"])
            #expect(r.status == 0 || r.status == 1, "\(p): \(r.stderr)")
            let file = try #require(try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: json)).files.first)
            #expect(file.findings.first { $0.code == "av-sync.not-measured" }?.severity == .warning, "\(p)")
        }
        #expect(try greenlight(["profile", "show", "delivery"]).stdout.contains("notMeasured: warning"))
        try "notMeasured: sometimes\n".write(toFile: profile, atomically: true, encoding: .utf8)
        let bad = try greenlight(["check", "\(sampleMedia)/sync-still-tone.mp4", "--profile", profile])
        #expect(bad.status == 2 && bad.stderr.contains("notMeasured: 'sometimes' is not info, warning or error"))
    }
}
