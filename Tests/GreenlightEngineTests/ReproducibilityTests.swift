import Foundation
import Testing
import GreenlightCheckers
import GreenlightValues
@testable import GreenlightCore
@testable import GreenlightEngine

/// The same file gives the same report: a damaged or cut file, checked alone with frame threads
/// (whose concealment varies from run to run), is read again on one thread.
@Suite struct ReproducibilityTests {
    /// Every finding as the JSON report says it.
    func said(_ report: FileReport) -> [String] {
        report.findings.map { "\($0.code) \($0.start) \($0.end) \($0.message) \($0.measurements.sorted { $0.key < $1.key })" }
            + [report.error ?? "", report.verdict.rawValue]
    }

    @Test(arguments: ["corrupt-middle.mp4", "broken/truncated.mp4", "lost-cluster.mkv"])
    func tenChecksOfADamagedFileGiveOneReport(file: String) throws {
        let engine = Engine(profile: Profile.builtIn(BuiltInCheckers.all))  // threads 0: frame threads, as a check of one file
        let first = said(engine.check(path: "\(sampleMedia)/\(file)"))
        #expect(first.contains { $0.hasPrefix("decode.") } || first.contains { $0.contains("truncated") }, "\(file): \(first)")
        for run in 2...10 {
            #expect(said(engine.check(path: "\(sampleMedia)/\(file)")) == first, "\(file): run \(run) differs")
        }
        // And the same as a batch's one-thread decode.
        #expect(said(Engine(profile: Profile.builtIn(BuiltInCheckers.all), threads: 1).check(path: "\(sampleMedia)/\(file)")) == first)
    }
}
