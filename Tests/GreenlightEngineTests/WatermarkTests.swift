import Foundation
import Testing
import GreenlightValues
@testable import GreenlightCore
@testable import GreenlightEngine

/// Logs, in arrival order, the start of every picture and envelope block and every watermark.
final class ArrivalLog: Checker {
    enum Arrival { case picture(MediaTime), sound(MediaTime), watermark(MediaTime) }
    struct Options: CheckerOptions { init(_ values: OptionValues) {} }
    static let description = CheckerDescription(id: "arrivals", title: "", catches: "", why: "", defaultSeverity: .info,
                                                codes: [], options: [])
    static let features: FeatureSet = [.lumaHistogram, .audioEnvelope]
    nonisolated(unsafe) static var log: [Arrival] = []
    init(options: Options, context: CheckContext) { ArrivalLog.log = [] }
    func consume(video: VideoFeatures) { ArrivalLog.log.append(.picture(video.time)) }
    func consume(audio: AudioEnvelopeBlock) {
        ArrivalLog.log.append(.sound(audio.time(ofSample: audio.firstWindow * Int64(audio.windowSamples))))
    }
    func consume(watermark time: MediaTime) { ArrivalLog.log.append(.watermark(time)) }
    func finish(_ end: ProgrammeEnd) -> CheckerResult { CheckerResult(findings: []) }
}

@Suite(.serialized) struct WatermarkTests {
    /// audio-early.mkv: sound from -1.021 s (it starts before the first picture), pictures 0-3 s.
    @Test func checkersGetStreamsMergedByTimeBelowARisingWatermark() {
        let report = Engine(profile: .builtIn([AnyCheckerType(ArrivalLog.self)])).check(path: "\(sampleMedia)/audio-early.mkv")
        #expect(report.error == nil)
        var watermark: MediaTime?
        var marks = 0
        var lastSound: MediaTime?
        var soundBeforeFirstPicture = 0
        var seenPicture = false
        for arrival in ArrivalLog.log {
            switch arrival {
            case .watermark(let w):
                if let watermark { #expect(w > watermark) }
                watermark = w
                marks += 1
            case .picture(let t):
                // Nothing may arrive that starts before what was already declared complete.
                if let watermark { #expect(t >= watermark) }
                seenPicture = true
            case .sound(let t):
                if let watermark { #expect(t >= watermark) }
                if let lastSound { #expect(t > lastSound) }
                lastSound = t
                if !seenPicture { soundBeforeFirstPicture += 1 }
            }
        }
        // The second of sound before the first picture arrives first; the watermark rises as the
        // file is read (many marks, not one at the end) and reaches the end of the sound.
        #expect(soundBeforeFirstPicture >= 40)
        #expect(marks > 50)
        #expect(watermark.map { $0.seconds > 2.9 } == true)
    }
}
