import Foundation
import GreenlightCheckers
import GreenlightCLI
import GreenlightCore
import SlateCheck
import Testing

/// The slate checker run through greenlight's own entry point, beside the built-in checkers, on
/// two clips whose make-up make-fixtures.sh gives.
@Suite struct SlateCheckTests {
    let checkers = BuiltInCheckers.all + [AnyCheckerType(SlateChecker.self)]
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("slate-\(UUID().uuidString)")

    func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: name, withExtension: "mp4", subdirectory: "Fixtures")).path
    }

    func check(_ arguments: [String]) async throws -> (status: Int32, report: RunReport) {
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let json = out.appendingPathComponent("qc-\(UUID().uuidString).json")
        let status = await GreenlightCLI.run(arguments: ["check"] + arguments + ["--json", json.path, "--quiet"], checkers: checkers)
        return (status, try JSONDecoder().decode(RunReport.self, from: Data(contentsOf: json)))
    }

    @Test func aHeldCardIsTheSlateAndItsFindingIsInTheReport() async throws {
        let (status, report) = try await check([try fixture("slated"), "--checkers", "slate,black"])
        #expect(status == 0)
        let file = try #require(report.files.first)
        let slate = file.findings.filter { $0.checker == "slate" }
        #expect(slate.map(\.code) == ["slate.found"])
        // Frames 0-37: the still card; 38-49 black (the built-in black checker, same pass).
        #expect(slate.first?.startFrame == 0)
        #expect(slate.first?.endFrame == 38)
        #expect(file.findings.filter { $0.code == "black.segment" }.map(\.startFrame) == [38])
        #expect(file.summaries["slate"]?["slate"] == .flag(true))
        #expect(report.checkers == ["black", "slate"] || report.checkers == ["slate", "black"])
    }

    @Test func aClipThatOpensOnPictureHasNoSlate() async throws {
        let (status, report) = try await check([try fixture("unslated"), "--checkers", "slate"])
        #expect(status == 0)  // a warning: the gate passes
        let finding = try #require(report.files.first?.findings.first)
        #expect(finding.code == "slate.missing")
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("within 10 s"))
    }

    @Test func aProfileCanMakeAMissingSlateAnError() async throws {
        let profile = out.appendingPathComponent("slated-delivery.yaml")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try "name: slated\ncheckers:\n  slate: { min-duration: 2s }\nseverity:\n  slate.missing: error\n".write(to: profile, atomically: true, encoding: .utf8)
        // The card is held 1.52 s: not a slate when 2 s are required.
        let (status, report) = try await check([try fixture("slated"), "--profile", profile.path])
        #expect(status == 1)
        #expect(report.files.first?.findings.map(\.code) == ["slate.missing"])
        #expect(report.verdict == .fail)
    }

    @Test func theExecutableListsTheCheckerBesideTheBuiltInOnes() throws {
        // greenlight-slate, built beside this test bundle.
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("greenlight-slate")
        let dir = FileManager.default.isExecutableFile(atPath: binary.path) ? binary
            : URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/greenlight-slate")
        let p = Process()
        p.executableURL = dir
        p.arguments = ["checkers"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(text.contains("slate"))
        #expect(text.contains("Slate at the head"))
        #expect(text.contains("black"))
    }
}
