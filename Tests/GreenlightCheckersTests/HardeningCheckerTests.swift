import Foundation
import Testing
@testable import GreenlightCore
@testable import GreenlightCheckers
import GreenlightValues
import GreenlightEngine

/// Resident memory of this process, from /proc (Linux).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
          let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

@Suite(.serialized) struct FreezeMemoryTests {
    /// Feeds the freeze checker 1080p50 made from 25p: every picture shown twice, so every frame
    /// pair is a two-frame "hold". Returns the growth of resident memory and the runs kept.
    func feedDoubledFrames(pairs: Int) throws -> (growth: Int, held: Int, closed: Int) {
        let context = CheckContext(path: "doubled.mov", media: MediaInfo(path: "doubled.mov", container: "mov", streams: []))
        let checker = FreezeChecker(options: FreezeChecker.Options(OptionValues(defaults: FreezeChecker.description.options)), context: context)
        let blocks = 60 * 34  // 32x32-pixel block means of a 1920x1080 picture
        let signal = LumaSignal(bitDepth: 8, range: .limited)
        let before = residentBytes()
        for i in 0..<(2 * pairs) {
            let picture = LumaThumbnail(width: 60, height: 34, pixels: [Float](repeating: Float(i / 2 % 50), count: blocks))
            let repeated = i % 2 == 1
            var f = VideoFeatures(frameNumber: Int64(i), time: MediaTime(value: Int64(i), timescale: 50),
                                  duration: MediaTime(value: 1, timescale: 50), signal: signal, isKeyFrame: false, isBlack: false)
            f.thumbnail = picture
            f.difference = i == 0 ? nil : repeated ? FrameDifference(mean: 0, worstBlock: 0, changedShare: 0)
                                                   : FrameDifference(mean: 3, worstBlock: 20, changedShare: 80)
            checker.consume(video: f)
        }
        let growth = residentBytes() - before
        let held = checker.heldRuns, closed = checker.closedRuns
        #expect(checker.finish(ProgrammeEnd(videoEnd: nil, audioEnds: [:], truncated: false)).findings.isEmpty)
        return (growth, held, closed)
    }

    @Test func memoryDoesNotGrowWithTheNumberOfShortRuns() throws {
        let short = try feedDoubledFrames(pairs: 5_000)
        let long = try feedDoubledFrames(pairs: 50_000)
        #expect(short.closed == 4_999 && long.closed == 49_999)
        #expect(short.held == 0 && long.held == 0)
        // Keeping a reference picture (8 KB) per run would grow by about 360 MB more over the
        // 45,000 extra runs. Resident memory is the whole process's, and other suites run beside
        // this one (their pictures and reports count too: 67 MB once the suite got faster and
        // more of it overlapped), so the bound sits halfway between.
        #expect(long.growth - short.growth < 192 << 20, "grew \(long.growth >> 20) MB vs \(short.growth >> 20) MB")
    }
}

/// The freeze checker on footage nobody here made: live pictures are never frozen (and, on
/// the same reports, sound published in sync is not called out of sync). Reads
/// ../shared/corpora/media, which only the developers' machines have.
@Suite struct RealFootageFreezeTests {
    static let corpus = URL(fileURLWithPath: sampleMedia).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/corpora/media").path

    @Test(arguments: ["mdnla__crystal.mp4", "mdnie__friday.mp4", "moviepy__chaplin.mp4", "mdnie__flower.webm", "moviepy__big_buck_bunny_0_30.webm"])
    func liveFootageHasNoFreeze(file: String) throws {
        let path = "\(Self.corpus)/\(file)"
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        let report = Engine(profile: .builtIn(BuiltInCheckers.all)).check(path: path)
        #expect(report.error == nil)
        #expect(!report.findings.contains { $0.code == "freeze.segment" }, "\(report.findings.map(\.message))")
        #expect(!report.findings.contains { $0.code == "decode.gap" }, "\(report.findings.map(\.message))")
        AVSyncRealFootageTests.expectInSync(report, file: file)
    }

    @Test func aLockedOffShotAndASoftPushInWereFrozenWithoutTheChangedPixelCheck() throws {
        // Pins why changed-pixels exists: turned off, both real-footage clips read as holds.
        let profile = try Profile.parse("checkers: { freeze: { changed-pixels: 100 } }", source: "t.yaml", registry: BuiltInCheckers.all)
        for file in ["real-lockedoff.mp4", "real-pushin-soft.mp4"] {
            let report = Engine(profile: profile).check(path: "\(sampleMedia)/\(file)")
            #expect(report.findings.contains { $0.code == "freeze.segment" && $0.duration >= 5 }, "\(file)")
        }
    }
}

@Suite struct FieldSamplingTests {
    @Test func bothFieldsOfA1080PictureAreMeasured() throws {
        // Odd lines black, even lines white: half the picture is black. Reading every second
        // line saw none of it.
        var shares: [Double] = []
        _ = try FeatureDump.run(path: "\(sampleMedia)/fields-1080.mp4") { shares.append($0.blackShare ?? -1) }
        #expect(shares.count == 2)
        #expect(shares.allSatisfy { abs($0 - 50) < 0.5 }, "\(shares)")
    }
}

/// Where a hold starts when the encoder spends its first pictures refining it (a few per cent of
/// pixels changing by a level or two, fewer each time): at its first picture, not once that
/// settles; a stretch that does not converge, or changes most pixels (grain), is not taken.
@Suite struct FreezeStartTests {
    /// 25 fps: 1 s of motion, then the held picture with `refining` changed shares on its first
    /// repeats and none after, to 4 s.
    func hold(refining: [Double], motion: FrameDifference = FrameDifference(mean: 3, worstBlock: 20, changedShare: 80)) throws -> Double {
        let context = CheckContext(path: "hold.mov", media: MediaInfo(path: "hold.mov", container: "mov", streams: []))
        let checker = FreezeChecker(options: FreezeChecker.Options(OptionValues(defaults: FreezeChecker.description.options)), context: context)
        let signal = LumaSignal(bitDepth: 8, range: .limited)
        for i in 0..<100 {
            let moving = i < 25
            let picture = LumaThumbnail(width: 8, height: 4, pixels: [Float](repeating: moving ? Float(i) : 40, count: 32))
            var f = VideoFeatures(frameNumber: Int64(i), time: MediaTime(value: Int64(i), timescale: 25),
                                  duration: MediaTime(value: 1, timescale: 25), signal: signal, isKeyFrame: i == 0, isBlack: false)
            f.thumbnail = picture
            let k = i - 26  // picture 25 is the held one's first showing; 26 its first repeat
            f.difference = i == 0 ? nil : moving || i == 25 ? motion
                : FrameDifference(mean: 0.02, worstBlock: 0.1, changedShare: k < refining.count ? refining[k] : 0.2)
            checker.consume(video: f)
        }
        let findings = checker.finish(ProgrammeEnd(videoEnd: MediaTime(value: 100, timescale: 25), audioEnds: [:], truncated: false)).findings
        return try #require(findings.first?.start)
    }

    @Test func aRefiningHoldStartsAtItsFirstPicture() throws {
        // Converging: 8 % of pixels, then fewer, as x264 refines a hold.
        #expect(abs(try hold(refining: [8, 6.5, 5, 5.4, 4, 3, 3.2, 2, 1.5, 1.2]) - 1.0) < 0.001)
    }

    @Test func aStretchThatDoesNotConvergeIsNotTaken() throws {
        // Changes growing: not an encoder settling; the hold starts at the picture before the first clean repeat.
        #expect(abs(try hold(refining: [1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10]) - 35.0 / 25) < 0.001)
    }

    @Test func grainIsNeverTakenForRefinement() throws {
        // Most pixels changing (a still live shot's noise) though the means are still.
        #expect(abs(try hold(refining: [60, 55, 50, 45, 40, 35, 30, 25, 20, 18]) - 35.0 / 25) < 0.001)
    }
}
