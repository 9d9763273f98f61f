import Foundation
import Testing
import GreenlightValues
@testable import GreenlightCore
@testable import GreenlightEngine

/// Records what reaches a checker, so a test sees what the engine decoded and measured.
final class FeatureCounter: Checker {
    struct Options: CheckerOptions { init(_ values: OptionValues) {} }
    static let description = CheckerDescription(id: "counter", title: "", catches: "", why: "", defaultSeverity: .info,
                                                codes: [], options: [])
    static let features: FeatureSet = [.subtitles]
    nonisolated(unsafe) static var pictures = 0
    init(options: Options, context: CheckContext) {}
    func consume(video: VideoFeatures) { FeatureCounter.pictures += 1 }
    func finish(_ end: ProgrammeEnd) -> CheckerResult { CheckerResult(findings: []) }
}

@Suite(.serialized) struct FileHealthTests {
    @Test func aCheckerThatNeedsNoPicturesGetsNoPictureWorkButTheFileIsStillDecoded() {
        var stats = EngineStats()
        let report = Engine(profile: .builtIn([AnyCheckerType(FeatureCounter.self)])).check(path: "\(sampleMedia)/silence.mov", stats: &stats)
        #expect(report.error == nil)
        #expect(stats.videoFrames == 350)   // 14 s at 25 fps: decoded for health
        #expect(stats.scannedFrames == 0)   // but no pixel was measured
        #expect(stats.audioSamples == 14 * 48000)
        #expect(FeatureCounter.pictures == 0)
    }

    @Test func aPictureCheckerScansEveryPicture() {
        var stats = EngineStats()
        _ = Engine(profile: .builtIn([AnyCheckerType(EndRecorder.self)])).check(path: "\(sampleMedia)/silence.mov", stats: &stats)
        #expect(stats.videoFrames == 350)
        #expect(stats.scannedFrames == 350)
    }

    @Test func damageIsReportedWhateverCheckersRun() {
        // Only a cue checker: before, nothing was decoded and the damaged file passed.
        let report = Engine(profile: .builtIn([AnyCheckerType(FeatureCounter.self)])).check(path: "\(sampleMedia)/corrupt-middle.mp4")
        #expect(report.findings.contains { $0.code == "decode.damaged" && $0.severity == .error })
        #expect(report.verdict == .fail)
    }

    @Test func eachStreamIsJudgedAgainstItsOwnEnd() {
        for file in ["audio-early.mkv", "audio-longer.mp4", "video-longer.mp4"] {
            let report = Engine(profile: .builtIn([AnyCheckerType(FeatureCounter.self)])).check(path: "\(sampleMedia)/\(file)")
            #expect(report.error == nil, "\(file): \(report.error ?? "")")
        }
    }

    @Test func aLostClusterBreaksRunsAndIsAGap() throws {
        let report = Engine(profile: .builtIn([AnyCheckerType(FeatureCounter.self)])).check(path: "\(sampleMedia)/lost-cluster.mkv")
        let gap = try #require(report.findings.first { $0.code == "decode.gap" })
        #expect(gap.startFrame == 50 && gap.endFrame == 75)
        #expect(gap.message == "Pictures missing: the timestamps jump 25 frames (1 s) from 00:00:02:00 to 00:00:03:00.")
    }

    @Test func videoTimelineFlagsGapsAndJumpsBackOnly() {
        var t = VideoTimeline()
        let d = MediaTime(value: 1, timescale: 25)
        #expect(t.add(time: .zero, duration: d) == nil)
        #expect(t.add(time: MediaTime(value: 1, timescale: 25), duration: d) == nil)
        #expect(t.add(time: MediaTime(value: 2, timescale: 25) + MediaTime(value: 1, timescale: 100), duration: d) == nil)  // jitter
        let gap = t.add(time: MediaTime(value: 5, timescale: 25), duration: d)
        guard case .gap(let expected, let actual)? = gap?.kind else { Issue.record("no gap"); return }
        #expect(expected == MediaTime(value: 3, timescale: 25) + MediaTime(value: 1, timescale: 100))
        #expect(actual == MediaTime(value: 5, timescale: 25))
        #expect(t.add(time: MediaTime(value: 4, timescale: 25), duration: d) != nil)  // back in time
    }
}
