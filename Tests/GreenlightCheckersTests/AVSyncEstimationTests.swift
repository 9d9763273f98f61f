import Foundation
import Testing
@testable import GreenlightCheckers
@testable import GreenlightCore
import GreenlightValues
import GreenlightEngine

/// A small seeded generator, so every run draws the same cases.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct AVSyncEstimationTests {
    /// One synthetic programme: cuts at irregular frames; when `related`, a share of them has a
    /// sound `offset` after it (±10 ms); onsets with no cut at `distractorRate` per second.
    struct Case {
        var pictures: [Double], sounds: [Double], offset: Double, frame: Double, related: Bool
        /// The share of cuts with a sound, and other sounds per second.
        var keep: Double, distractorRate: Double
    }

    static func makeCase(_ rng: inout SplitMix64) -> Case {
        let frame = Bool.random(using: &rng) ? 0.04 : 1001.0 / 24000
        let length = Double.random(in: 20...60, using: &rng)
        let offset = Double.random(in: -0.4...0.4, using: &rng)
        let related = Double.random(in: 0...1, using: &rng) < 0.7
        let keep = Double.random(in: 0.3...1, using: &rng)
        let distractorRate = Double.random(in: 0...3, using: &rng)
        var pictures: [Double] = [], sounds: [Double] = []
        var t = Double.random(in: 0.3...3, using: &rng)
        while t < length {
            let cut = (t / frame).rounded() * frame
            pictures.append(cut)
            if related, Double.random(in: 0...1, using: &rng) < keep {
                sounds.append(cut + offset + Double.random(in: -0.010...0.010, using: &rng))
            }
            t += Double.random(in: 0.3...3, using: &rng)
        }
        for _ in 0..<Int(distractorRate * length) { sounds.append(Double.random(in: 0...length, using: &rng)) }
        return Case(pictures: pictures, sounds: sounds, offset: offset, frame: frame, related: related,
                    keep: keep, distractorRate: distractorRate)
    }

    @Test func confidentContentEstimatesAreRightNineTimesInTen() {
        var rng = SplitMix64(state: 2026)
        var confident = 0, confidentRight = 0, easy = 0, easyConfident = 0, unrelatedConfident = 0, unrelated = 0
        for _ in 0..<400 {
            let c = Self.makeCase(&rng)
            let e = estimateContentOffset(pictures: c.pictures, sounds: c.sounds, frameDuration: c.frame)
            let right = c.related && e.offset.map { abs($0 - c.offset) <= c.frame } == true
            if e.confidence >= 0.8 {
                confident += 1
                if right { confidentRight += 1 }
            }
            if !c.related {
                unrelated += 1
                if e.confidence >= 0.8 { unrelatedConfident += 1 }
            }
            // Many events, most with their sound, few other sounds: these must come out confident.
            if c.related, c.pictures.count >= 10, c.keep >= 0.7, c.distractorRate <= 1 {
                easy += 1
                if e.confidence >= 0.8 { easyConfident += 1 }
            }
        }
        print("av-sync calibration: \(confidentRight)/\(confident) confident right, easy \(easyConfident)/\(easy), unrelated \(unrelatedConfident)/\(unrelated)")
        #expect(confident >= 100, "too few confident estimates to judge (\(confident))")
        #expect(Double(confidentRight) >= 0.9 * Double(confident), "\(confidentRight) of \(confident) confident estimates right")
        #expect(unrelatedConfident <= unrelated / 20, "\(unrelatedConfident) of \(unrelated) unrelated cases confident")
        #expect(easy >= 20 && Double(easyConfident) >= 0.9 * Double(easy), "\(easyConfident) of \(easy) easy cases confident")
    }

    @Test func irregularEventsGiveTheOffsetToHalfAFrame() {
        let frame = 0.04
        let cuts = [36, 79, 116, 152, 192, 237, 257, 276, 316, 354, 402, 449].map { Double($0) * frame }
        for offset in [-0.12, -0.05, 0, 0.033, 0.2] {
            let e = estimateContentOffset(pictures: cuts, sounds: cuts.map { $0 + offset }, frameDuration: frame)
            #expect(abs((e.offset ?? 9) - offset) <= frame / 2, "\(offset): \(String(describing: e.offset))")
            #expect(e.confidence >= 0.8)
        }
    }

    @Test func windowsAlongTheFileShowADrift() {
        // Two minutes of irregular cuts whose sounds drift 1000 ppm: 20 s windows see 0…0.1 s.
        var rng = SplitMix64(state: 5)
        var cuts: [Double] = []
        var t = 0.5
        while t < 120 { cuts.append((t / 0.04).rounded() * 0.04); t += Double.random(in: 0.4...2.5, using: &rng) }
        let e = estimateContentOffset(pictures: cuts, sounds: cuts.map { $0 * 1.001 }, frameDuration: 0.04)
        #expect(e.windows.count == 6)
        for w in e.windows {
            // The window's events sit from its start to 20 s on: the offset at its middle, ±half a frame.
            #expect(abs(w.offset - (w.start + 10) * 0.001) <= 0.02 + 0.01, "window at \(w.start): \(w.offset)")
        }
        let trend = OffsetTrend(e.windows.map { SyncEvent(pictureTime: $0.start, soundTime: $0.start + $0.offset) }, minimumChange: 0.04)
        guard case .drift(_, let b) = trend.shape else { Issue.record("not a drift: \(trend.shape)"); return }
        #expect(abs(b * 1e6 - 1000) < 150)
    }

    @Test func evenlySpacedEventsAreAmbiguous() {
        // Cuts every 0.4 s: every lag 0.4 s apart lines up as well, so no offset can be trusted.
        let cuts = (1...40).map { Double($0) * 0.4 }
        let e = estimateContentOffset(pictures: cuts, sounds: cuts.map { $0 + 0.08 }, frameDuration: 0.04)
        #expect(e.confidence < 0.5)
    }

    @Test func aTrendIsConstantADriftOrAStep() {
        let times = (0..<20).map { 0.5 + Double($0) }
        let constant = OffsetTrend(times.map { SyncEvent(pictureTime: $0, soundTime: $0 + 0.03) }, minimumChange: 0.01)
        #expect(constant.shape == .constant)
        #expect(abs(constant.offset - 0.03) < 1e-9)
        let drift = OffsetTrend(times.map { SyncEvent(pictureTime: $0, soundTime: $0 * 1.002) }, minimumChange: 0.01)
        guard case .drift(_, let b) = drift.shape else { Issue.record("not a drift: \(drift.shape)"); return }
        #expect(abs(b * 1e6 - 2000) < 1)
        let step = OffsetTrend(times.map { SyncEvent(pictureTime: $0, soundTime: $0 + ($0 > 12 ? 0.1 : 0)) }, minimumChange: 0.01)
        guard case .step(let index, let before, let after) = step.shape else { Issue.record("not a step: \(step.shape)"); return }
        #expect(index == 12 && abs(before) < 1e-9 && abs(after - 0.1) < 1e-9)
    }

    @Test func flashesPairWithTheirNearestBeepOnce() {
        let pairs = pairFlashes([1, 2, 3], withBeeps: [1.08, 2.5, 2.07, 9], maximumDistance: 0.4)
        #expect(pairs.map(\.offset).map { ($0 * 1000).rounded() } == [80, 70])
    }

    /// A block of `channels` at 48 kHz holding `samples`, starting at `first`.
    func block(_ samples: [Float], first: Int64) -> AudioSampleBlock {
        AudioSampleBlock(streamIndex: 1, format: AudioFormat(sampleRate: 48000, channelCount: 1, layout: "mono", channelNames: ["FC"], sampleFormat: "fltp"), segment: 0, firstSample: first,
                         segmentStart: .zero, channels: [samples])
    }

    @Test func aToneOnsetIsPlacedToTheSample() {
        // Quiet noise, then one frame (40 ms) of 1 kHz from sample 48_123 (1.0025625 s).
        var rng = SplitMix64(state: 7)
        var s = (0..<96_000).map { _ in Float.random(in: -0.001...0.001, using: &rng) }
        for i in 0..<1920 { s[48_123 + i] += 0.5 * Float(sin(2 * Double.pi * 1000 * Double(i) / 48000)) }
        let detector = SoundOnsetDetector()
        // Blocks of 1024 samples, as a decoder hands them out.
        stride(from: 0, to: s.count, by: 1024).forEach { detector.add(block(Array(s[$0..<min($0 + 1024, s.count)]), first: Int64($0))) }
        detector.finish()
        #expect(detector.onsets.count == 1)
        let onset = try! #require(detector.onsets.first)
        #expect(abs(onset.time - 48_123.0 / 48000) < 0.0002, "\(onset.time)")
        #expect(abs((onset.toneFrequency ?? 0) - 1000) < 20)
        #expect(abs(onset.duration - 0.040) < 0.005)
    }

    @Test func aNoiseHitIsAnOnsetButNotATone() {
        var rng = SplitMix64(state: 9)
        var s = [Float](repeating: 0, count: 48_000)
        for i in 0..<6000 { s[20_000 + i] = Float(exp(-Double(i) / 1920)) * Float.random(in: -0.5...0.5, using: &rng) }
        let detector = SoundOnsetDetector()
        detector.add(block(s, first: 0))
        detector.finish()
        #expect(detector.onsets.count == 1)
        #expect(abs((detector.onsets.first?.time ?? 0) - 20_000.0 / 48000) < 0.001)
        #expect(detector.onsets.first?.toneFrequency == nil)
    }

    @Test func toleranceRulesAndTheirNames() throws {
        func window(_ yaml: String) throws -> ClosedRange<Double> {
            var values = OptionValues(defaults: AVSyncChecker.optionSpecs)
            for (k, v) in yaml.split(separator: ",").map({ $0.split(separator: "=").map(String.init) }).map({ ($0[0], $0[1]) }) {
                try values.set(k, raw: Double(v) ?? v as Any, specs: AVSyncChecker.optionSpecs, checker: "av-sync", source: "t")
            }
            return try AVSyncChecker.Options(values).window(frameDuration: 0.04)
        }
        #expect(try window("tolerance=r37") == -0.040...0.060)
        #expect(try window("tolerance=atsc") == -0.015...0.045)
        #expect(try window("tolerance=bt1359") == -0.045...0.125)
        #expect(try window("tolerance=frames,frames=2") == -0.08...0.08)
        #expect(throws: ProfileError.self) { try window("tolerance=smpte") }
    }
}

/// av-sync on footage nobody here made, published in sync: no offset is raised, a confident
/// estimate is within a frame of zero, and a copy with its sound moved three frames is either
/// measured within a frame of the move or said to be not measurable. Reads ../shared/corpora/media.
@Suite struct AVSyncRealFootageTests {
    func summary(_ path: String) -> (FileReport, [String: SummaryValue]) {
        let report = Engine(profile: .builtIn(BuiltInCheckers.all)).check(path: path)
        return (report, report.summaries["av-sync"] ?? [:])
    }

    func number(_ value: SummaryValue?) -> Double? {
        if case .number(let n)? = value { return n }
        if case .integer(let i)? = value { return Double(i) }
        return nil
    }

    /// Checked on the report RealFootageFreezeTests makes (each file is decoded once).
    static func expectInSync(_ report: FileReport, file: String) {
        let s = report.summaries["av-sync"] ?? [:]
        #expect(!report.findings.contains { $0.code == "sync.offset" }, "\(report.findings.map(\.message))")
        let frame = 1 / (report.media?.primaryVideo?.numberingRate.map { Double($0.numerator) / Double($0.denominator) } ?? 25)
        if case .number(let confidence)? = s["confidence"], confidence >= 0.8, case .number(let offset)? = s["offsetSeconds"] {
            #expect(abs(offset) <= frame, "\(file): \(offset) s at confidence \(confidence)")
        }
    }

    @Test(arguments: [0.1, -0.1])
    func soundMovedThreeFramesIsFoundOrNotMeasurable(shift: Double) throws {
        let source = "\(RealFootageFreezeTests.corpus)/mdnla__crystal.mp4"
        guard FileManager.default.fileExists(atPath: source) else {
            print("skipped: \(source) is absent (../shared/corpora is on the developers' machines only)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gl-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func remux(_ offset: Double, _ name: String) throws -> String {
            let out = dir.appendingPathComponent(name).path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", source, "-itsoffset", "\(offset)", "-i", source,
                           "-map", "0:v", "-map", "1:a", "-c", "copy", out]
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus == 0 ? out : ""
        }
        // 30 fps: 0.1 s is three frames.
        let plain = try remux(0, "plain.mkv"), moved = try remux(shift, "moved.mkv")
        guard !plain.isEmpty, !moved.isEmpty else {
            print("skipped: the ffmpeg command line is not installed")
            return
        }
        let (_, before) = summary(plain), (report, after) = summary(moved)
        // The move shows in the streams' timing, to the millisecond.
        let streamMove = (number(after["streamOffsetSeconds"]) ?? .nan) - (number(before["streamOffsetSeconds"]) ?? .nan)
        #expect(abs(streamMove - shift) < 0.002, "stream offset moved \(streamMove) s")
        #expect(report.findings.contains { $0.code == "sync.stream-offset" })
        // The content either finds it within a frame or says it cannot.
        if after["measurable"] == .flag(true) {
            #expect(abs((number(after["offsetSeconds"]) ?? .nan) - (number(before["offsetSeconds"]) ?? 0) - shift) <= 1.0 / 30)
        } else {
            #expect(number(after["confidence"]).map { $0 < 0.8 } == true)
            #expect((after["note"]?.description ?? "").hasPrefix("not measurable"))
        }
    }
}
