import Foundation
import Testing

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let sampleMedia = repoRoot.appendingPathComponent("sample-media").path

/// The `greenlight` binary SwiftPM built beside this test bundle.
let greenlightBinary: String = {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("greenlight").path
    if FileManager.default.isExecutableFile(atPath: beside) { return beside }
    return repoRoot.appendingPathComponent(".build/debug/greenlight").path
}()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the binary with `arguments`, in `directory` when given.
func greenlight(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Run {
    try execute(greenlightBinary, arguments, in: directory, environment: environment)
}

/// Runs a program and returns its status and output.
func execute(_ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let directory { p.currentDirectoryURL = directory }
    if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Both pipes drained at once: a child filling one while the other is read would block forever.
    nonisolated(unsafe) var e = Data()
    let stderrRead = DispatchGroup()
    DispatchQueue.global().async(group: stderrRead) { e = err.fileHandleForReading.readDataToEndOfFile() }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    stderrRead.wait()
    p.waitUntilExit()
    return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("greenlight-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

@Suite(.serialized) struct CLITests {
    @Test func passingClipExitsZero() throws {
        let r = try greenlight(["check", "\(sampleMedia)/static-noise.mp4"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("[PASS]"))
        #expect(r.stdout.contains("Verdict: PASS"))
    }

    @Test func warningsStillExitZero() throws {
        let r = try greenlight(["check", "\(sampleMedia)/timecode-2997df.mov"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("warning 01:00:02;00–01:00:02;03 black.segment"))
    }

    @Test func errorSeverityFindingExitsOne() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let profile = dir.appendingPathComponent("gate.yaml")
        try "severity:\n  black.segment@programme: error\n".write(to: profile, atomically: true, encoding: .utf8)
        let junit = dir.appendingPathComponent("qc.xml").path
        let r = try greenlight(["check", "\(sampleMedia)/black-8bit-limited.mp4", "--profile", profile.path, "--junit", junit])
        #expect(r.status == 1)
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains(#"failures="1""#))
    }

    @Test func unreadableFilesExitTwoAndTheRestIsStillReported() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("qc.json").path
        let r = try greenlight(["check", "\(sampleMedia)/broken", "\(sampleMedia)/freeze.mp4", "\(sampleMedia)/nope.mov", "--json", json])
        #expect(r.status == 2)
        #expect(r.stderr.contains("nope.mov: Cannot open the file: No such file or directory"))
        // Several files share the cores, one decoder thread each: a single-threaded H.264 decoder
        // gives every picture before the cut (a frame-threaded one loses the three in flight, 04:16).
        #expect(r.stderr.contains("truncated.mp4: The file is truncated or damaged: the picture (stream #0, h264) stops at 00:00:04:19"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let files = try #require(root["files"] as? [[String: Any]])
        let verdicts = Dictionary(uniqueKeysWithValues: files.map { (URL(fileURLWithPath: $0["path"] as! String).lastPathComponent, $0["verdict"] as! String) })
        #expect(verdicts == ["empty.mp4": "error", "random.mov": "error", "truncated.mp4": "error", "freeze.mp4": "warn", "nope.mov": "error",
                             "no-streams.mp4": "error", "tmcd-only.mov": "error", "zero-channels.wav": "error"])
        let freeze = try #require(files.first { ($0["path"] as! String).hasSuffix("freeze.mp4") })
        let codes = (freeze["findings"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
        // freeze.mp4 carries no colour tags: information, about the whole file.
        #expect(codes == ["colour.metadata-missing", "freeze.segment", "black.segment"])
        #expect(root["verdict"] as? String == "error")
    }

    @Test func profileErrorsNameTheKeyAndFileAndExitTwo() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let profile = dir.appendingPathComponent("typo.yaml")
        try "checkers:\n  black:\n    treshold: 12\n".write(to: profile, atomically: true, encoding: .utf8)
        let r = try greenlight(["check", "\(sampleMedia)/dark-scene.mp4", "--profile", profile.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("\(profile.path): checkers.black.treshold: unknown option 'treshold' for checker 'black'"))
    }

    @Test func checkersFlagRestrictsTheRun() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("qc.json").path
        let r = try greenlight(["check", "\(sampleMedia)/freeze.mp4", "--checkers", "freeze", "--json", json])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: json, encoding: .utf8)
        #expect(text.contains("freeze.segment"))
        #expect(!text.contains("black.segment"))
        let bad = try greenlight(["check", "\(sampleMedia)/freeze.mp4", "--checkers", "blakc"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("unknown checker"))
    }

    @Test func probePrintsJSON() throws {
        let r = try greenlight(["probe", "\(sampleMedia)/black-10bit-limited.mov", "--json"])
        #expect(r.status == 0)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(root["startTimecode"] as? String == "10:00:00:00")
        let streams = try #require(root["streams"] as? [[String: Any]])
        #expect(streams[0]["bitDepth"] as? Int == 10)
        #expect(streams[0]["frameRate"] as? String == "25")
    }

    @Test func parallelJobsGiveTheSameReportInTheSameOrder() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let one = dir.appendingPathComponent("one.json").path, two = dir.appendingPathComponent("two.json").path
        let clips = ["freeze.mp4", "silence.mov", "black-8bit-full.mp4", "dark-scene.mp4"].map { "\(sampleMedia)/\($0)" }
        #expect(try greenlight(["check"] + clips + ["--json", one, "--quiet"]).status == 0)
        #expect(try greenlight(["check"] + clips + ["--json", two, "--quiet", "--jobs", "3"]).status == 0)
        let a = try String(contentsOfFile: one, encoding: .utf8), b = try String(contentsOfFile: two, encoding: .utf8)
        #expect(a == b)
        #expect(a.contains("silence.segment") && a.contains("freeze.segment") && a.contains("black.segment"))
    }

    @Test func deliveryProfileFailsMidProgrammeDefectsOnly() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("qc.json").path
        let r = try greenlight(["check", "\(sampleMedia)/black-10bit-limited.mov", "\(sampleMedia)/dark-scene.mp4", "--profile", "delivery", "--json", json])
        #expect(r.status == 1)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(root["profile"] as? String == "delivery")
        let files = try #require(root["files"] as? [[String: Any]])
        let severities = (files[0]["findings"] as? [[String: Any]])?.compactMap { $0["severity"] as? String }
        let blackSeverities = (files[0]["findings"] as? [[String: Any]])?.filter { $0["checker"] as? String == "black" }.compactMap { $0["severity"] as? String }
        #expect(blackSeverities == ["info", "error", "error", "info"])  // head and tail stay information
        #expect(severities?.filter { $0 == "error" }.count == 2, "\(severities ?? [])")
        // dark-scene.mp4 squeezed testsrc2's luma and kept its chroma: its colours are outside
        // R'G'B' gamut, which delivery fails; nothing else in it is an error.
        #expect(files[1]["verdict"] as? String == "fail")
        let darkErrors = (files[1]["findings"] as? [[String: Any]])?.filter { $0["severity"] as? String == "error" }.compactMap { $0["code"] as? String }
        #expect(darkErrors == ["gamut.rgb"])
    }

    @Test func inputFilesAreNeverModified() throws {
        let clips = ["silence.mov", "broken/truncated.mp4", "corrupt-middle.mp4"].map { "\(sampleMedia)/\($0)" }
        let before = try clips.map(fingerprint)
        _ = try greenlight(["check"] + clips + ["--quiet"])
        #expect(try clips.map(fingerprint) == before)
    }

    @Test func usageErrorsExitTwo() throws {
        let r = try greenlight(["check", "--jobs", "0", "\(sampleMedia)/freeze.mp4"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--jobs must be at least 1"))
        #expect(try greenlight(["check"]).status == 2)
    }

    @Test func checkersDescribeThemselves() throws {
        let r = try greenlight(["checkers"])
        #expect(r.status == 0)
        for id in ["black: Black frames", "freeze: Frozen pictures", "silence: Silence", "option min-duration = 2s"] {
            #expect(r.stdout.contains(id))
        }
    }

    @Test func htmlAndMarkersAreWritten() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try greenlight(["check", "\(sampleMedia)/black-10bit-limited.mov", "--html", dir.appendingPathComponent("qc.html").path,
                                "--markers", dir.appendingPathComponent("qc.edl").path, "--quiet"])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        let edl = try String(contentsOfFile: dir.appendingPathComponent("qc.edl").path, encoding: .utf8)
        #expect(edl.contains("10:00:05:00 10:00:05:01"))
        let html = try String(contentsOfFile: dir.appendingPathComponent("qc.html").path, encoding: .utf8)
        #expect(html.contains("Black for 12 frames (0.48 s) mid-programme at 10:00:05:00"))
    }
}

/// Files of one run from one source, tagged differently, are set against each other.
struct RunColourTagTests {
    @Test func theOddlyTaggedDailyIsNamed() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("qc.json").path
        let files = ["colour-shots-matched.mp4", "colour-grade-jump.mp4", "colour-range-full-tag.mp4"].map { "\(sampleMedia)/\($0)" }
        _ = try greenlight(["check"] + files + ["--checkers", "colour-metadata", "--json", json])
        let data = try #require(FileManager.default.contents(atPath: json))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let reports = try #require(root["files"] as? [[String: Any]])
        let flagged = reports.filter { r in ((r["findings"] as? [[String: Any]]) ?? []).contains { $0["code"] as? String == "colour.metadata-run" } }
            .compactMap { ($0["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } }
        // Same codec, raster and rate; two tagged limited, one full: the full one is the odd one.
        #expect(flagged == ["colour-range-full-tag.mp4"])
    }
}
