import Foundation
import GreenlightCore
import GreenlightValues

/// Finds where people speak in one sound stream, without a trained model: every 10 ms, the
/// spectrum of the last ~21 ms (channels mixed, LFE left out) in 16 bands from 300 to 3400 Hz.
/// Speech is loud enough above the stream's recent floor in that band *and* keeps changing the
/// shape of its spectrum (formants move from sound to sound), which a held chord, a tremolo or a
/// steady noise does not. Decisions look 150 ms either side and are smoothed: gaps under 300 ms
/// are bridged, islands under 100 ms dropped.
///
/// The loudness checker gates dialogue loudness with it; the subtitle checker will line cues up
/// with it. Memory: a few hundred frames of features, and the speech intervals it finds.
public final class SpeechDetector {
    public struct Parameters: Hashable, Sendable {
        /// Speech band level above the recent floor, dB.
        public var minimumRise = 6.0
        /// Mean change of the band shape between frames 30 ms apart, dB.
        public var minimumShapeChange = 2.5
        public init() {}
    }

    private let parameters: Parameters
    private let spectrum: any SpectrumTransform
    private let rate: Int
    private let hop: Int
    /// Bin ranges of the 16 bands.
    private let bands: [Range<Int>]
    private var mono: [Float] = []
    /// Stream time of `mono[0]`.
    private var monoStart = 0.0
    private var power: [Float] = []

    private struct Frame { var time: Double, level: Double, shape: [Double], change: Double = 0 }
    private var frames: [Frame] = []
    private var levels: [Double] = []  // the last 1.5 s of band levels, for the floor
    /// Speech intervals found, in seconds from the programme's first frame.
    public private(set) var speech: [ClosedRange<Double>] = []
    private var open: (start: Double, end: Double)?
    /// Speech-band levels measured since ``takeLevels()`` last emptied them.
    private var newLevels: [SpeechLevel] = []
    private var frameDuration: Double { Double(hop) / Double(rate) }

    /// nil without a spectrum transform or a usable rate.
    public init?(sampleRate: Int, spectrum: SpectrumFactory?, parameters: Parameters = Parameters()) {
        guard sampleRate >= 8000 else { return nil }
        var size = 16
        while Double(size) < 0.021 * Double(sampleRate) { size *= 2 }
        guard let transform = spectrum?.transform(size: size) else { return nil }
        self.spectrum = transform
        self.parameters = parameters
        rate = sampleRate
        hop = sampleRate / 100
        let binHz = Double(sampleRate) / Double(size)
        let edges = (0...16).map { 300 * pow(3400.0 / 300, Double($0) / 16) }
        bands = (0..<16).map { i in
            let lo = Int((edges[i] / binHz).rounded()), hi = max(lo + 1, Int((edges[i + 1] / binHz).rounded()))
            return lo..<hi
        }
    }

    /// Adds a block of the stream (its rate must be the one the detector was made for).
    public func add(_ block: AudioSampleBlock) {
        guard block.format.sampleRate == rate, let count = block.channels.first?.count, count > 0 else { return }
        let names = block.format.channelNames ?? []
        let used = block.channels.indices.filter { $0 >= names.count || !names[$0].hasPrefix("LFE") }
        let start = block.start.seconds
        if mono.isEmpty || abs(monoStart + Double(mono.count) / Double(rate) - start) > 0.002 {
            mono.removeAll()
            monoStart = start
        }
        let scale = 1 / Float(max(used.count, 1))
        for i in 0..<count {
            var v: Float = 0
            for c in used { v += block.channels[c][i] }
            mono.append(v * scale)
        }
        while mono.count >= spectrum.size {
            analyse()
            mono.removeFirst(hop)
            monoStart += Double(hop) / Double(rate)
        }
    }

    private func analyse() {
        mono.withUnsafeBufferPointer { spectrum.power(UnsafeBufferPointer(rebasing: $0[0..<spectrum.size]), into: &power) }
        var levelsDB = [Double](repeating: 0, count: bands.count)
        var total = 0.0
        for (b, r) in bands.enumerated() {
            var e = 0.0
            for k in r where k < power.count { e += Double(power[k]) }
            total += e
            levelsDB[b] = 10 * log10(e + 1e-12)
        }
        let level = 10 * log10(total + 1e-12)
        // Bands far under the loudest hold only hiss or codec noise, whose level flickers: the
        // shape is read within 25 dB of the loudest band.
        let top = levelsDB.max() ?? 0
        for b in levelsDB.indices { levelsDB[b] = max(levelsDB[b], top - 25) }
        let mean = levelsDB.reduce(0, +) / Double(levelsDB.count)
        var frame = Frame(time: monoStart + Double(spectrum.size) / Double(rate) / 2, level: level, shape: levelsDB.map { $0 - mean })
        if frames.count >= 3 {
            let before = frames[frames.count - 3].shape
            frame.change = zip(frame.shape, before).map { abs($0 - $1) }.reduce(0, +) / Double(bands.count)
        }
        frames.append(frame)
        newLevels.append(SpeechLevel(time: frame.time, level: Float(level)))
        levels.append(level)
        if levels.count > 150 { levels.removeFirst() }
        decide()
    }

    /// Judges the frame 15 back (150 ms), now that 15 after it are known.
    private func decide() {
        let reach = 15
        guard frames.count > 2 * reach else { return }
        let i = frames.count - 1 - reach
        let f = frames[i]
        let floor = quantile(levels, 0.1) ?? f.level
        let around = frames[(i - reach)...(i + reach)]
        let change = around.map(\.change).reduce(0, +) / Double(around.count)
        let loud = around.map(\.level).max() ?? f.level
        let speaking = f.level - floor >= parameters.minimumRise && loud - floor >= parameters.minimumRise + 6
            && change >= parameters.minimumShapeChange && f.level > -80
        flag(f.time, speaking)
        if frames.count > 4 * reach { frames.removeFirst(frames.count - 4 * reach) }
    }

    private func flag(_ time: Double, _ speaking: Bool) {
        let half = frameDuration / 2
        if speaking {
            if let o = open, time - half - o.end < 0.3 {
                open = (o.start, time + half)
            } else {
                close()
                open = (time - half, time + half)
            }
        }
    }

    private func close() {
        guard let o = open else { return }
        open = nil
        if o.end - o.start >= 0.1 { speech.append(o.start...o.end) }
    }

    /// Ends the last interval (at the end of the stream).
    public func finish() {
        // The last 150 ms are never judged: they have no 150 ms after them.
        frames.removeAll()
        close()
    }

    /// The speech-band levels measured since the last call, in time order (one per 10 ms).
    public func takeLevels() -> [SpeechLevel] {
        defer { newLevels.removeAll(keepingCapacity: true) }
        return newLevels
    }

    /// The share of `start…end` that is speech.
    public func coverage(from start: Double, to end: Double) -> Double {
        guard end > start else { return 0 }
        var covered = 0.0
        for r in speech where r.upperBound > start && r.lowerBound < end {
            covered += min(r.upperBound, end) - max(r.lowerBound, start)
        }
        return covered / (end - start)
    }
}

/// The level of the speech band (300–3400 Hz) over ~21 ms, every 10 ms.
public struct SpeechLevel: Sendable, Equatable {
    /// The centre of the measured stretch, seconds from the programme's first frame.
    public var time: Double
    /// dB (full scale = 0 for a full-scale sine in the band, roughly).
    public var level: Float

    public init(time: Double, level: Float) {
        self.time = time
        self.level = level
    }
}

/// What the speech detector found during one block of sound.
public struct SpeechBlock: Sendable {
    /// Speech intervals of the block's stream that closed during it (seconds).
    public var intervals: [ClosedRange<Double>]
    /// The speech-band level every 10 ms measured during it: the envelope lip sync lines up with.
    public var levels: [SpeechLevel]
}

/// The speech detector as a shared sound analyzer: one ``SpeechDetector`` per stream, run once
/// per file for every checker that asks (loudness gates dialogue with it, subtitle-timing lines
/// cues up with it, av-sync lines lips up with its levels). Each block's output is the speech
/// intervals of its stream that closed during it, and the levels measured during it; a stream's
/// open interval closes with the block that ends its segment.
public final class SpeechAnalyzer: SoundAnalyzer {
    public static let id = "speech"
    private let context: CheckContext
    private var detectors: [Int: SpeechDetector?] = [:]
    private var reported: [Int: Int] = [:]

    public init(parameters: NoParameters, context: CheckContext) {
        self.context = context
    }

    public func analyze(_ block: AudioSampleBlock) -> SpeechBlock {
        let stream = block.streamIndex
        if detectors[stream] == nil {
            detectors[stream] = SpeechDetector(sampleRate: block.format.sampleRate, spectrum: context.spectrum)
        }
        guard let detector = detectors[stream] ?? nil else { return SpeechBlock(intervals: [], levels: []) }
        detector.add(block)
        if block.endsSegment { detector.finish() }
        let done = reported[stream] ?? 0
        reported[stream] = detector.speech.count
        return SpeechBlock(intervals: Array(detector.speech[done...]), levels: detector.takeLevels())
    }
}
