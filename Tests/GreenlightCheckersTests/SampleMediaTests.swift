import Testing
@testable import GreenlightCore
@testable import GreenlightCheckers
import GreenlightValues
import GreenlightEngine
import GreenlightSubtitles

/// Every clip in sample-media is checked with the default profile and compared with the
/// manifest: each expected finding found (frame-exact where the tolerance is 0), nothing from
/// the forbidden checkers, and the file's verdict.
@Suite struct SampleMediaTests {
    let engine = Engine(profile: .builtIn(BuiltInCheckers.all))

    @Test(arguments: Manifest.shared.clips)
    func findsExactlyWhatTheClipHolds(clip: Manifest.Clip) {
        // Sidecar subtitles beside the clip are read as `greenlight check` reads them.
        let path = "\(sampleMedia)/\(clip.file)"
        let report = engine.check(path: path, subtitles: SubtitleFile.sidecars(for: path))
        #expect(report.error == nil)
        #expect(report.verdict.rawValue == clip.verdict)
        if let tc = clip.startTimecode { #expect(report.media?.startTimecode == tc) }
        for e in clip.expect {
            let candidates = report.findings.filter { $0.checker == e.checker && $0.code == e.code && (e.channel == nil || $0.channel == e.channel) }
            let match = candidates.first { f in
                if let s = e.startFrame, let end = e.endFrame {
                    guard let fs = f.startFrame, let fe = f.endFrame else { return false }
                    return abs(Double(fs - s)) <= e.tolerance && abs(Double(fe - end)) <= e.tolerance
                }
                return abs(f.start - e.start!) <= e.tolerance && abs(f.end - e.end!) <= e.tolerance
            }
            guard let f = match else {
                Issue.record("\(clip.file): no \(e.code) at \(e.startFrame.map(String.init) ?? "\(e.start!)s"); found \(candidates.map { "\($0.startFrame ?? -1)-\($0.endFrame ?? -1) \($0.start)-\($0.end)" })")
                continue
            }
            #expect(f.placement?.rawValue == e.placement, "\(clip.file) \(f.message)")
            #expect(f.severity.rawValue == e.severity, "\(clip.file) \(f.message)")
            if let tc = e.startTimecode { #expect(f.startTimecode == tc) }
            if let tc = e.endTimecode { #expect(f.endTimecode == tc) }
        }
        if clip.audioOnly == true {
            #expect(report.findings.allSatisfy { $0.startFrame == nil && $0.startTimecode == nil && $0.endTimecode == nil })
        }
        for checker in clip.forbid {
            // A checker that could not measure says so (its .not-measured finding, expected where it applies).
            let unexpected = report.findings.filter { $0.checker == checker && !$0.code.hasSuffix(FileReport.notMeasuredSuffix) }
            #expect(unexpected.isEmpty, "\(clip.file): \(unexpected.map(\.message))")
        }
        if let truth = clip.sync {
            let summary = report.summaries["av-sync"] ?? [:]
            #expect(summary["method"] == .text(truth.method), "\(clip.file): \(summary)")
            #expect(summary["measurable"] == .flag(truth.measurable ?? true), "\(clip.file): \(summary)")
            if let offset = truth.offsetSeconds, let tolerance = truth.tolerance {
                guard case .number(let measured)? = summary["offsetSeconds"] else {
                    Issue.record("\(clip.file): no offset measured: \(summary)")
                    return
                }
                #expect(abs(measured - offset) <= tolerance, "\(clip.file): measured \(measured) s, made \(offset) s")
            }
            if let drift = truth.driftPpm, let tolerance = truth.driftTolerance {
                guard case .number(let measured)? = summary["driftPpm"] else {
                    Issue.record("\(clip.file): no drift measured")
                    return
                }
                #expect(abs(measured - drift) <= tolerance, "\(clip.file): drift \(measured) ppm, made \(drift) ppm")
            }
        }
        for (checker, limit) in clip.maxFindings ?? [:] {
            #expect(report.findings.filter { $0.checker == checker }.count <= limit, "\(clip.file): too many \(checker) findings")
        }
    }

    @Test(arguments: Manifest.shared.unreadable)
    func unreadableFilesReportWhy(item: Manifest.Unreadable) {
        let report = engine.check(path: "\(sampleMedia)/\(item.file)")
        #expect(report.verdict == .error)
        #expect(report.error?.contains(item.errorContains) == true, "\(report.error ?? "no error")")
        if let seconds = item.decodedAtLeastSeconds {
            // A truncated file still reports what it decoded, and where decoding stopped.
            #expect(report.media != nil)
            #expect((report.summaries["black"]?["frames"]).map { "\($0)" }.flatMap(Double.init).map { $0 / 25 >= seconds } == true)
            #expect(report.error?.contains("00:00:04") == true)
        }
        for e in item.expect ?? [] {
            #expect(report.findings.contains { $0.code == e.code && $0.startFrame == e.startFrame && $0.endFrame == e.endFrame },
                    "\(item.file): \(report.findings.map(\.message))")
        }
    }

    @Test func missingPathIsAnErrorNotACrash() {
        let report = engine.check(path: "\(sampleMedia)/does-not-exist.mov")
        #expect(report.verdict == .error)
        #expect(report.error?.contains("No such file") == true)
    }
}

@Suite struct CheckerOptionTests {
    @Test func blackMinimumDurationDropsShortRuns() throws {
        var profile = Profile.builtIn(BuiltInCheckers.all)
        profile = try Profile.parse("checkers: { black: { min-duration: 2f } }", source: "t.yaml", registry: BuiltInCheckers.all)
        let report = Engine(profile: profile).check(path: "\(sampleMedia)/black-8bit-limited.mp4")
        let starts = report.findings.map(\.startFrame)
        #expect(starts == [0, 125])  // the single black frame at 75 is gone
    }

    @Test func raisingTheThresholdTurnsTheDarkSceneBlack() throws {
        // The night scene peaks near 30% of the range: a 40% threshold calls it black, the default does not.
        let profile = try Profile.parse("checkers: { black: { threshold: 40 } }", source: "t.yaml", registry: BuiltInCheckers.all)
        let report = Engine(profile: profile).check(path: "\(sampleMedia)/dark-scene.mp4")
        #expect(report.findings.count == 1)
        #expect(report.findings.first?.placement == .whole)
    }

    @Test func severityMappingRaisesOnlyMidProgrammeBlack() throws {
        let profile = try Profile.parse("severity: { black.segment@programme: error }", source: "t.yaml", registry: BuiltInCheckers.all)
        let report = Engine(profile: profile).check(path: "\(sampleMedia)/black-8bit-limited.mp4")
        #expect(report.findings.map(\.severity) == [.info, .error, .error])
        #expect(report.verdict == .fail)
    }

    @Test func silenceThresholdDecidesWhetherRoomToneIsSilence() throws {
        // Room tone sits at -50 dBFS RMS: silence at -45 dBFS, not at the default -60.
        let profile = try Profile.parse("checkers: { silence: { threshold: -45 } }", source: "t.yaml", registry: BuiltInCheckers.all)
        let report = Engine(profile: profile).check(path: "\(sampleMedia)/silence.mov")
        let mix = report.findings.filter { $0.channel == "all channels" }
        // 0-2 (silence) + 3-5.5 (room tone) + 5.5-8 (silence) join up at 3.0-8.0.
        #expect(mix.contains { abs($0.start - 3.0) < 0.01 && abs($0.end - 8.0) < 0.01 })
    }

    @Test func driftAndChangedPixelsEachKeepASlowLightChangeFromBeingAFreeze() throws {
        // With both checks off, each picture of lamp-up.mp4 looks like the one before.
        func freezes(_ options: String) throws -> [Finding] {
            let profile = try Profile.parse("checkers: { freeze: { \(options) } }", source: "t.yaml", registry: BuiltInCheckers.all)
            return Engine(profile: profile).check(path: "\(sampleMedia)/lamp-up.mp4").findings.filter { $0.code == "freeze.segment" }
        }
        #expect(try freezes("drift: 100, changed-pixels: 100").contains { $0.duration > 6 })
        #expect(try freezes("drift: 100").isEmpty)           // the lamp changes a quarter of the pixels each frame
        #expect(try freezes("changed-pixels: 100").isEmpty)  // the drift from the run's first picture
    }

    @Test func freezeIgnoresBlackHolds() {
        let report = Engine(profile: .builtIn(BuiltInCheckers.all)).check(path: "\(sampleMedia)/freeze.mp4")
        let freezes = report.findings.filter { $0.checker == "freeze" }
        #expect(freezes.count == 1)
        #expect(freezes.allSatisfy { $0.end <= 6.0 })
    }
}

@Suite struct CutShortTests {
    /// Feeds `count` black pictures at 25 fps straight into a black checker.
    func blackRun(count: Int64, end: ProgrammeEnd) -> Finding? {
        let context = CheckContext(path: "x.mov", media: MediaInfo(path: "x.mov", container: "mov", streams: []))
        let checker = BlackChecker(options: BlackChecker.Options(OptionValues(defaults: BlackChecker.optionSpecs)), context: context)
        var counts = [Int32](repeating: 0, count: 256)
        counts[16] = 100
        let histogram = LumaHistogram(counts: counts, binShift: 0, total: 100)
        // 50 ordinary pictures, then `count` black ones up to the last decoded picture.
        for n in 0..<(50 + count) {
            let black = n >= 50
            checker.consume(video: VideoFeatures(
                frameNumber: n, time: MediaTime(value: n, timescale: 25), duration: MediaTime(value: 1, timescale: 25),
                signal: LumaSignal(bitDepth: 8, range: .limited), isKeyFrame: false, histogram: histogram,
                stats: LumaStats(min: 16, max: black ? 16 : 235, mean: black ? 16 : 120), blackShare: black ? 100 : 10, isBlack: black))
        }
        return checker.finish(end).findings.first
    }

    @Test func blackReachingTheEndIsTailOnlyWhenTheEndIsKnown() {
        let whole = ProgrammeEnd(videoEnd: MediaTime(value: 60, timescale: 25), audioEnds: [:], truncated: false)
        #expect(blackRun(count: 10, end: whole)?.placement == .tail)
        #expect(blackRun(count: 10, end: whole)?.severity == .info)
        // Cut short at the same picture: the run is inside the programme, a warning, not padding.
        let cut = ProgrammeEnd(videoEnd: nil, audioEnds: [:], truncated: true)
        #expect(blackRun(count: 10, end: cut)?.placement == .programme)
        #expect(blackRun(count: 10, end: cut)?.severity == .warning)
    }
}
