import Foundation
import GreenlightAnalyzers
import Testing

/// EBU Tech 3341 / 3342-style signals made here, sample by sample, fed to the meter in decoder-
/// sized blocks: the expected values follow from ITU-R BS.1770-4 (a 1 kHz sine at -23 dBFS in
/// both channels of a stereo pair is -23 LUFS; one channel alone is 3 dB less; a surround channel
/// weighs +1.5 dB; LFE is left out).
@Suite struct LoudnessMeterTests {
    /// `seconds` of 1 kHz (or `frequency`) sine at `dBFS` peak in the channels `on` of `names`.
    static func tone(_ names: [String], on: Set<Int>, dBFS: Double, seconds: Double, frequency: Double = 1000,
                     phase: Double = 0, rate: Int = 48000) -> [[Float]] {
        let a = pow(10, dBFS / 20)
        let n = Int(seconds * Double(rate))
        return names.indices.map { c in
            on.contains(c) ? (0..<n).map { Float(a * sin(2 * .pi * frequency * Double($0) / Double(rate) + phase)) } : [Float](repeating: 0, count: n)
        }
    }

    static func measure(_ parts: [[[Float]]], names: [String], rate: Int = 48000) -> LoudnessFigures {
        let meter = LoudnessMeter()
        for part in parts {
            let n = part[0].count
            for start in stride(from: 0, to: n, by: 1024) {
                let end = min(start + 1024, n)
                meter.add(part.map { Array($0[start..<end]) }, sampleRate: rate, names: names)
            }
        }
        return meter.measure()
    }

    @Test(arguments: [-23.0, -33.0])
    func aStereoSineReadsItsLevel(level: Double) throws {
        let f = Self.measure([Self.tone(["FL", "FR"], on: [0, 1], dBFS: level, seconds: 20)], names: ["FL", "FR"])
        #expect(abs(try #require(f.integrated) - level) <= 0.1)
        #expect(abs(try #require(f.maxMomentary) - level) <= 0.1)
        #expect(abs(try #require(f.truePeak) - level) <= 0.2)
    }

    /// A 350 ms burst at -23 LUFS in silence: the 400 ms momentary window holds it whole only
    /// for 50 ms, where its loudness is -23 + 10·log10(350/400) = -23.58 LUFS. Read every 100 ms
    /// the maximum missed that 50 ms for most starts (down to -24.2); read every 10 ms it is
    /// within 0.1 LU whatever the burst's start against the grid.
    @Test(arguments: [0.0, 0.013, 0.031, 0.047, 0.062, 0.088])
    func aBurstShorterThanTheWindowReadsItsMaximumMomentary(offset: Double) throws {
        let names = ["FL", "FR"]
        let silence = Self.tone(names, on: [], dBFS: -23, seconds: 1 + offset)
        let burst = Self.tone(names, on: [0, 1], dBFS: -23, seconds: 0.35)
        let after = Self.tone(names, on: [], dBFS: -23, seconds: 1)
        let f = Self.measure([silence, burst, after], names: names)
        #expect(abs(try #require(f.maxMomentary) - (-23 + 10 * log10(0.35 / 0.4))) <= 0.1, "burst at \(1 + offset) s")
    }

    @Test func fivePointOneWeighsSurroundsAndLeavesOutTheLFE() throws {
        let names = ["FL", "FR", "FC", "LFE", "SL", "SR"]
        // Front pair at -23 dBFS and a loud LFE: -23 LUFS, the LFE not counted.
        var signal = Self.tone(names, on: [0, 1], dBFS: -23, seconds: 20)
        signal[3] = Self.tone(["LFE"], on: [0], dBFS: -6, seconds: 20, frequency: 60)[0]
        #expect(abs(try #require(Self.measure([signal], names: names).integrated) + 23) <= 0.1)
        // One surround channel alone at -23 dBFS: -26.0 + 1.5 = -24.5 LUFS.
        let surround = Self.measure([Self.tone(names, on: [4], dBFS: -23, seconds: 20)], names: names)
        #expect(abs(try #require(surround.integrated) + 24.5) <= 0.1)
    }

    /// EBU Tech 3342 cases 1 to 4: 20 s at each level in turn; the loudness range it publishes, ±1 LU.
    @Test(arguments: [([-20.0, -30.0], 10.0), ([-20.0, -15.0], 5.0), ([-40.0, -20.0], 20.0), ([-50.0, -35.0, -20.0, -35.0, -50.0], 15.0)])
    func levelStepsGiveTheLoudnessRange(levels: [Double], expected: Double) throws {
        let names = ["FL", "FR"]
        let f = Self.measure(levels.map { Self.tone(names, on: [0, 1], dBFS: $0, seconds: 20) }, names: names)
        #expect(abs(try #require(f.range) - expected) <= 1, "\(levels): \(f.range ?? .nan) LU")
    }

    /// EBU Tech 3341 cases 3 and 4: -23 LUFS for 60 s between quieter stretches the gates must
    /// leave out (-36 dBFS under the relative gate, -72 under the absolute one): integrated -23 ±0.1.
    @Test(arguments: [[(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)],
                      [(-72.0, 10.0), (-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0), (-72.0, 10.0)]])
    func theGatesLeaveOutQuietStretches(parts: [(Double, Double)]) throws {
        let names = ["FL", "FR"]
        let f = Self.measure(parts.map { Self.tone(names, on: [0, 1], dBFS: $0.0, seconds: $0.1) }, names: names)
        #expect(abs(try #require(f.integrated) + 23) <= 0.1)
    }

    @Test func fiveChannelsAreWeighedAsBS1770Says() throws {
        // EBU Tech 3341 case 6: L and R at -28 dBFS, C at -24, Ls and Rs at -30 (each surround
        // +1.5 dB): -23 LUFS integrated, ±0.1.
        let names = ["FL", "FR", "FC", "SL", "SR"]
        let levels = [-28.0, -28.0, -24.0, -30.0, -30.0]
        let signal = levels.enumerated().map { Self.tone([names[$0.offset]], on: [0], dBFS: $0.element, seconds: 20)[0] }
        #expect(abs(try #require(Self.measure([signal], names: names).integrated) + 23) <= 0.1)
    }

    @Test func theShortTermMaximumOfAnAlternatingToneIsItsMean() throws {
        // EBU Tech 3341 case 9: -20 dBFS for 1.34 s and -30 dBFS for 1.66 s, five times: every 3 s
        // window holds one of each, -23 LUFS short-term, ±0.1.
        let names = ["FL", "FR"]
        let parts = (0..<5).flatMap { _ in [Self.tone(names, on: [0, 1], dBFS: -20, seconds: 1.34), Self.tone(names, on: [0, 1], dBFS: -30, seconds: 1.66)] }
        #expect(abs(try #require(Self.measure(parts, names: names).maxShortTerm) + 23) <= 0.1)
    }

    @Test func aPeakBetweenSamplesIsFound() throws {
        // 12 kHz at 48 kHz, 45° off the samples: every sample is at 0.707 of the peak (-3 dBFS),
        // the wave itself reaches full scale: 0 dBTP.
        let f = Self.measure([Self.tone(["FL", "FR"], on: [0, 1], dBFS: 0, seconds: 5, frequency: 12000, phase: .pi / 4)], names: ["FL", "FR"])
        #expect(abs(try #require(f.truePeak)) <= 0.2)
    }

    @Test func silenceHasNoProgrammeLoudness() {
        let f = Self.measure([Self.tone(["FL", "FR"], on: [], dBFS: 0, seconds: 5)], names: ["FL", "FR"])
        #expect(f.integrated == nil)
        #expect(f.truePeak == nil)
    }
}
