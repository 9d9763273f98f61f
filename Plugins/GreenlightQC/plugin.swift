import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory greenlight-qc [MEDIA...] [check options]`
///
/// Builds `greenlight` in release (its pixel loops are far too slow in a debug build), checks
/// MEDIA (default: the package's sample-media folder) and writes reports/qc.json and
/// reports/qc.xml (JUnit) in the package, printing greenlight's summary. Fails the command, so a
/// CI job fails, when greenlight exits non-zero: 1 for an error-severity finding (the gate),
/// 2 for unreadable media or a usage error.
@main
struct GreenlightQC: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let build = try packageManager.build(.product("greenlight"), parameters: .init(configuration: .release, logging: .concise))
        guard build.succeeded else {
            Diagnostics.error("greenlight-qc: building greenlight in release failed:\n\(build.logText)")
            throw QCFailure(status: 2)
        }
        guard let tool = build.builtArtifacts.first(where: { $0.kind == .executable && $0.url.lastPathComponent == "greenlight" }) else {
            Diagnostics.error("greenlight-qc: the release build made no greenlight executable")
            throw QCFailure(status: 2)
        }
        let root = context.package.directoryURL
        let reports = root.appending(path: "reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        var args = arguments
        if !args.contains(where: { !$0.hasPrefix("-") }) {
            args.insert(root.appending(path: "sample-media").path, at: 0)
        }
        if !args.contains("--json") { args += ["--json", reports.appending(path: "qc.json").path] }
        if !args.contains("--junit") { args += ["--junit", reports.appending(path: "qc.xml").path] }

        let process = Process()
        process.executableURL = tool.url
        process.arguments = ["check"] + args
        try process.run()
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0:
            print("greenlight-qc: passed; reports in \(reports.path)")
        case 1:
            Diagnostics.error("greenlight-qc: a finding reached error severity (the gate failed); see \(reports.path)")
            throw QCFailure(status: 1)
        default:
            Diagnostics.error("greenlight-qc: greenlight exited \(process.terminationStatus) (unreadable media or a usage error)")
            throw QCFailure(status: process.terminationStatus)
        }
    }
}

struct QCFailure: Error, CustomStringConvertible {
    var status: Int32
    var description: String { "greenlight exited with status \(status)" }
}
