import Foundation
import Testing
import GreenlightMedia
import GreenlightValues
@testable import GreenlightCore
@testable import GreenlightEngine

let sampleMedia = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("sample-media").path

/// Turns every subtitle cue it is given into a finding, so the engine's cue path can be checked.
final class CueEcho: Checker {
    struct Options: CheckerOptions { init(_ values: OptionValues) {} }
    static let description = CheckerDescription(id: "cue-echo", title: "", catches: "", why: "", defaultSeverity: .info,
                                                codes: ["cue.seen"], options: [])
    static let features: FeatureSet = [.subtitles]
    let context: CheckContext
    var findings: [Finding] = []
    init(options: Options, context: CheckContext) { self.context = context }
    func consume(cue: SubtitleCue) {
        findings.append(context.finding(checker: "cue-echo", code: "cue.seen", severity: .info, placement: nil,
                                        start: cue.start, end: cue.end, message: cue.text))
    }
    func finish(_ end: ProgrammeEnd) -> CheckerResult { CheckerResult(findings: findings) }
}

@Suite struct EngineTests {
    @Test func subtitleStreamsReachCheckersAsCues() throws {
        let report = Engine(profile: .builtIn([AnyCheckerType(CueEcho.self)])).check(path: "\(sampleMedia)/subtitles.mkv")
        #expect(report.error == nil)
        #expect(report.findings.map(\.message) == ["Hello", "Two\nlines"])
        #expect(report.findings.map(\.startFrame) == [12, 50])  // 0.5 s and 2.0 s at 25 fps
        #expect(report.findings.map(\.endTimecode) == ["00:00:01:12", "00:00:02:20"])
    }

    @Test func cuesWithoutAnEndCloseAtTheNextEvent() {
        var c = CueCollector(origin: MediaTime(value: 10, timescale: 1))
        let a = SubtitleEvent(streamIndex: 2, start: MediaTime(value: 11, timescale: 1), end: nil, text: "A", isBitmap: false)
        let clear = SubtitleEvent(streamIndex: 2, start: MediaTime(value: 13, timescale: 1), end: nil, text: nil, isBitmap: false)
        #expect(c.add(a).isEmpty)
        let closed = c.add(clear)
        #expect(closed.count == 1)
        #expect(closed.first?.start == MediaTime(value: 1, timescale: 1))
        #expect(closed.first?.end == MediaTime(value: 3, timescale: 1))
        #expect(c.finish(end: MediaTime(value: 20, timescale: 1)).isEmpty)
    }
}

/// Records the ProgrammeEnd the engine hands to checkers.
final class EndRecorder: Checker {
    struct Options: CheckerOptions { init(_ values: OptionValues) {} }
    static let description = CheckerDescription(id: "end", title: "", catches: "", why: "", defaultSeverity: .info,
                                                codes: [], options: [])
    static let features: FeatureSet = [.lumaHistogram, .audioEnvelope]
    nonisolated(unsafe) static var last: ProgrammeEnd?
    init(options: Options, context: CheckContext) {}
    func finish(_ end: ProgrammeEnd) -> CheckerResult {
        EndRecorder.last = end
        return CheckerResult(findings: [])
    }
}

@Suite(.serialized) struct ProgrammeEndTests {
    let engine = Engine(profile: .builtIn([AnyCheckerType(EndRecorder.self)]))

    @Test func aCompleteFileHandsCheckersItsEnds() throws {
        _ = engine.check(path: "\(sampleMedia)/silence.mov")
        let end = try #require(EndRecorder.last)
        #expect(!end.truncated)
        #expect(end.videoEnd == MediaTime(value: 14, timescale: 1))
        #expect(end.audioEnds[1] == MediaTime(value: 14, timescale: 1))
    }

    @Test func aTruncatedFileHasNoKnownEnd() throws {
        _ = engine.check(path: "\(sampleMedia)/broken/truncated.mp4")
        let end = try #require(EndRecorder.last)
        #expect(end.truncated)
        #expect(end.videoEnd == nil)  // the last decoded picture is where the damage is, not the tail
        #expect(end.audioEnds.isEmpty)
    }
}
