import Foundation
@testable import GreenlightCLI
import Testing

/// Runs a program from the PATH (or an absolute path) and returns its status and output.
func tool(_ name: String, _ arguments: [String]) throws -> Run {
    try execute("/usr/bin/env", [name] + arguments)
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

@Suite struct JUnitSchemaTests {
    /// The CLI's JUnit XML validates against docs/junit.xsd (what Jenkins and GitLab read), also
    /// for a file whose name holds markup and control characters; a report with a count that is
    /// not a number does not validate.
    @Test func theJUnitReportMatchesItsSchema() throws {
        guard have("xmllint") else {
            print("skipped: no xmllint on the PATH (make test installs libxml2-utils)")
            return
        }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let hostile = dir.appendingPathComponent("a<b>&\"c\u{1B}[31m.mp4").path
        try FileManager.default.copyItem(atPath: "\(sampleMedia)/freeze.mp4", toPath: hostile)
        let xml = dir.appendingPathComponent("qc.xml").path
        let r = try greenlight(["check", hostile, "\(sampleMedia)/broken/truncated.mp4", "\(sampleMedia)/sync-flash-25-late80.mp4",
                                "--junit", xml, "--quiet"])
        #expect(r.status == 2, "\(r.stderr)")
        let schema = repoRoot.appendingPathComponent("docs/junit.xsd").path
        let valid = try tool("xmllint", ["--noout", "--schema", schema, xml])
        #expect(valid.status == 0, "\(valid.stderr)")
        let text = try String(contentsOfFile: xml, encoding: .utf8)
        #expect(text.contains("a&lt;b&gt;&amp;&quot;c\\u{1B}[31m.mp4"))
        #expect(text.contains(#"<failure message="Audio lags picture by 80.1 ms"#))  // sync error: a failure
        #expect(text.contains(#"<error message="The file is truncated or damaged"#))

        let broken = dir.appendingPathComponent("broken.xml").path
        try text.replacingOccurrences(of: "failures=\"0\"", with: "failures=\"none\"").write(toFile: broken, atomically: true, encoding: .utf8)
        let invalid = try tool("xmllint", ["--noout", "--schema", schema, broken])
        #expect(invalid.status != 0)
        #expect(invalid.stderr.contains("'none' is not a valid value"))
    }
}

@Suite struct ProfileCommandTests {
    @Test func profilesListsEveryBuiltInOnOneLine() throws {
        let r = try greenlight(["profiles"])
        #expect(r.status == 0)
        let names = r.stdout.split(separator: "\n").prefix(8).map { String($0.split(separator: " ")[0]) }
        #expect(names == ["default", "dailies", "delivery", "hdr10-delivery", "netflix", "bbc", "ebu-r128", "ci"])
    }

    /// `profile show` prints YAML that reads back as the same profile, for every built-in.
    @Test func aShownProfileReadsBackTheSame() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["default", "dailies", "delivery", "hdr10-delivery", "netflix", "bbc", "ebu-r128", "ci"] {
            let shown = try greenlight(["profile", "show", name])
            #expect(shown.status == 0, "\(name): \(shown.stderr)")
            let file = dir.appendingPathComponent("\(name).yaml").path
            try shown.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            let again = try greenlight(["profile", "show", file])
            #expect(again.stdout == shown.stdout, "\(name)")
        }
        let delivery = try greenlight(["profile", "show", "delivery"]).stdout
        for rule in ["black.segment@programme: error", "freeze.segment@programme: error", "decode.damaged: error",
                     "loudness.integrated: error", "subtitle.reading-speed: error", "subtitle.line-length: error"] {
            #expect(delivery.contains("\n  \(rule)\n"), "delivery: \(rule)")
        }
        let dailies = try greenlight(["profile", "show", "dailies"]).stdout
        #expect(dailies.contains("\n  subtitle.reading-speed: warning\n"))
        #expect(!dailies.contains("colour-consistency:") && !dailies.contains("gamut:"))
        let r128 = try greenlight(["profile", "show", "ebu-r128"]).stdout
        #expect(r128.contains("loudness: { standard: r128,") && r128.contains("\n  loudness.true-peak: error\n"))
        let unknown = try greenlight(["profile", "show", "nope"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no built-in profile by that name"))
    }
}

@Suite struct TerminalTests {
    let file = "\(sampleMedia)/freeze.mp4"

    /// Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal would.
    func onTerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let command = ([greenlightBinary] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // The test runner's own NO_COLOR (if any) is not the user's: each run sets its own.
        p.arguments = ["-u", "NO_COLOR"] + environment.map { "\($0.key)=\($0.value)" } + ["script", "-qec", command, "/dev/null"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func colourOnATerminalUnlessNoColour() throws {
        guard have("script") else {
            print("skipped: no `script` (util-linux) to give the CLI a terminal")
            return
        }
        let coloured = try onTerminal(["check", file, "--checkers", "black,freeze"])
        #expect(coloured.contains("\u{1B}[33m[WARN] \u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[33mwarning\u{1B}[0m 00:00:02:00"))
        #expect(coloured.contains("▕"))  // the progress bar, on the same terminal
        let plain = try onTerminal(["check", file, "--checkers", "black,freeze"], environment: ["NO_COLOR": "1"])
        #expect(plain.contains("[WARN]  ") && !plain.contains("\u{1B}[33m"))
        // Not a terminal: no colour, no progress, unless asked.
        let piped = try greenlight(["check", file, "--checkers", "black,freeze"])
        #expect(!piped.stdout.contains("\u{1B}") && !piped.stderr.contains("▕"))
        #expect(try greenlight(["check", file, "--checkers", "black,freeze", "--color", "always"]).stdout.contains("\u{1B}[33m[WARN]"))
    }

    @Test func progressVerboseAndQuiet() throws {
        let two = ["check", file, "\(sampleMedia)/colour-shots-warm.mp4", "--checkers", "black,freeze,colour-consistency"]
        let shown = try greenlight(two + ["--progress", "always", "--jobs", "2"])
        // How many lines are drawn, and whether one falls between the two files' ends, depends on
        // the clock; the count of files done is checked on the line itself (progressLineETAs).
        #expect(shown.stderr.contains("[0/2] ▕"))
        #expect(shown.stderr.contains("· freeze.mp4 ") || shown.stderr.contains("· colour-shots-warm.mp4 "))
        #expect(shown.stderr.hasSuffix("\r\u{1B}[K"))  // the line is cleared before the summary
        let verbose = try greenlight(["check", file, "--checkers", "black,freeze", "--verbose"])
        #expect(verbose.stdout.contains("frames 75, maxBlockDifferencePercent"))
        #expect(verbose.stdout.contains("  black: blackFrames 65, blackSeconds 2.6, frames 250"))
        let quiet = try greenlight(two + ["--quiet", "--progress", "always"])
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty)
    }

    /// `--progress lines` (what the service's workers read): one `progress F` line per percent
    /// the run moves, rising, ending at 1, even with --quiet, and nothing else on stderr.
    @Test func progressLinesForPrograms() throws {
        let r = try greenlight(["check", file, "\(sampleMedia)/colour-shots-warm.mp4", "--checkers", "black,freeze", "--quiet", "--progress", "lines"])
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("progress ") })
        let values = lines.compactMap { Double($0.dropFirst(9)) }
        #expect(values.count == lines.count)
        #expect(values == values.sorted() && Set(values).count == values.count)
        #expect(values.last == 1)
        #expect(values.count >= 10)  // two 10 s files: each percent of the way is said
        #expect(r.stdout.isEmpty)
    }

    /// The progress line's ETAs, from a state rather than a clock: none before the first second
    /// or 2 %; the run's from the files done plus the fractions under way, each file's from its own.
    @Test func progressLineETAs() {
        let early = ProgressBoard.line(files: 2, done: 0, active: [("a.mp4", 0.5, 0.4)], elapsed: 0.5, width: 200)
        #expect(early == "[0/2] ▕████░░░░░░░░░░░░░░░░▏ 20% · a.mp4 40%")
        let later = ProgressBoard.line(files: 2, done: 1, active: [("b.mov", 10, 0.25)], elapsed: 30, width: 200)
        // Run: 1.25 of 2 in 30 s, 18 s to go; b.mov: a quarter in 10 s, 30 s to go.
        #expect(later == "[1/2] ▕████████████░░░░░░░░▏ 62% ETA 0:18 · b.mov 25% ETA 0:30")
        #expect(ProgressBoard.eta(elapsed: 3600, fraction: 0.25) == "3:00:00")
        #expect(ProgressBoard.line(files: 2, done: 1, active: [("b.mov", 10, 0.25)], elapsed: 30, width: 30).count == 30)
    }
}

@Suite struct MarkersFormatOptionTests {
    /// --markers-format decides over the extension; a path that names no format needs it.
    @Test func theFormatOptionWinsOverTheExtension() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("freeze.markers").path
        let file = "\(sampleMedia)/freeze.mp4"
        let refused = try greenlight(["check", file, "--checkers", "freeze", "--markers", path])
        #expect(refused.status == 2 && refused.stderr.contains("or name its format with --markers-format"))
        let r = try greenlight(["check", file, "--checkers", "freeze", "--markers", path, "--markers-format", "OTIO", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let otio = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(otio["OTIO_SCHEMA"] as? String == "Timeline.1")
        let bad = try greenlight(["check", file, "--markers", path, "--markers-format", "xml"])
        #expect(bad.status == 2 && bad.stderr.contains("--markers-format must be one of edl, avid, fcpxml, otio, csv: xml"))
    }
}
