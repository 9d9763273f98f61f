import Foundation
import Testing

/// Runs a program from the PATH (or an absolute path) and returns its status and output.
func tool(_ name: String, _ arguments: [String]) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [name] + arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

/// Whether `name` is on the PATH.
func have(_ name: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
    }
}

@Suite struct HTMLInBrowserTests {
    /// The HTML report as Chromium builds it: the page's script ran without a console message,
    /// every thumbnail decoded, and the timeline, the plots and the swatches are there.
    @Test func theReportLoadsCleanlyInChromium() throws {
        guard have("chromium") else {
            print("skipped: no chromium on the PATH (make test installs it with apt-get)")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("qc.html").path
        let files = ["freeze.mp4", "silence.mov", "colour-shots-warm.mp4"].map { "\(sampleMedia)/\($0)" }
        let r = try greenlight(["check"] + files + ["--html", html, "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let console = dir.appendingPathComponent("console.log").path
        let page = try tool(repoRoot.appendingPathComponent("scripts/render-html.sh").path, [html, dir.appendingPathComponent("qc.png").path, console])
        #expect(page.status == 0, "\(page.stderr)")
        let messages = (try? String(contentsOfFile: console, encoding: .utf8)) ?? "(no console log)"
        #expect(messages.isEmpty, "console: \(messages)")
        let dom = page.stdout
        #expect(dom.contains(#"data-ready="1""#))
        // freeze.mp4 has two visual findings (a freeze and black), colour-shots-warm.mp4 one (the warm shot).
        #expect(dom.contains(#"data-pictures="3/3""#))
        #expect(dom.components(separatedBy: #"<div class="timeline">"#).count - 1 == 3)
        #expect(dom.components(separatedBy: #"data-series="black.luma""#).count - 1 == 3)
        #expect(dom.contains(#"data-series="loudness.short-term.1""#))
        #expect(dom.contains(#"data-series="colour-consistency.shots""#))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("qc.png").path))
    }
}

@Suite struct JSONSchemaTests {
    let validator = repoRoot.appendingPathComponent("scripts/validate-report.py").path

    /// The CLI's JSON over files of every kind (unreadable, truncated, audio only, subtitled,
    /// HDR, drop-frame, colour) validates against docs/report.schema.json; a report with a field
    /// renamed does not, so the schema is strict enough to catch a change.
    @Test func theReportMatchesItsSchema() throws {
        guard (try? tool("python3", ["-c", "import jsonschema"]))?.status == 0 else {
            print("skipped: Python's jsonschema is not installed (make test installs it with pip)")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("qc.json").path
        let files = ["broken", "audio-clean-r128.wav", "subtitled.mp4", "subtitles.mkv", "hdr10.mp4", "timecode-2997df.mov",
                     "colour-shots-warm.mp4", "sync-flash-25-late80.mp4", "nope.mov"].map { "\(sampleMedia)/\($0)" }
        let r = try greenlight(["check"] + files + ["--json", json, "--quiet"])
        #expect(r.status == 2, "\(r.stderr)")  // the broken and missing files are errors
        let valid = try tool(validator, [json])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")

        var text = try String(contentsOfFile: json, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"startFrame\"", with: "\"firstFrame\"")
        let renamed = dir.appendingPathComponent("renamed.json").path
        try text.write(toFile: renamed, atomically: true, encoding: .utf8)
        let invalid = try tool(validator, [renamed])
        #expect(invalid.status == 1)
        #expect(invalid.stdout.contains("'firstFrame' was unexpected"))
    }
}
