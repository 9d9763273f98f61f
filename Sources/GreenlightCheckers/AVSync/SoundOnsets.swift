import Foundation
import GreenlightCore
import GreenlightValues

/// A sound that starts abruptly: a beep, a clap, a door, a consonant.
struct SoundOnset: Sendable, Equatable {
    /// The first sample of the sound, from the programme's first frame (to the sample).
    var time: Double
    /// How much louder it is than the 30 ms before it, in dB.
    var rise: Double
    /// How long it stays within 20 dB of its start level, in seconds (capped at 1 s).
    var duration: Double
    /// The frequency of a steady tone, when the sound is one (evenly spaced zero crossings).
    var toneFrequency: Double?
}

/// Finds onsets in one audio stream's full-rate samples, block by block, with memory that does
/// not grow with the file: 1 ms energy bins and the last 100 ms of samples.
///
/// An onset is a 1 ms bin whose next 5 ms are at least `minimumRise` dB above the 30 ms before,
/// at `-45 dBFS` or louder; its time is refined to the first sample that reaches 30% of the
/// burst's peak, so a tone onset is placed within a fraction of a millisecond.
final class SoundOnsetDetector {
    private let minimumRise: Double
    private let floorDB = -45.0
    private var rate = 0
    private var binSize = 48
    /// The stream's time of `sampleIndex` 0 in the current segment.
    private var segmentStart = MediaTime.zero
    private var segment = -1
    private var sampleIndex: Int64 = 0

    // The bin being filled.
    private var binEnergy = 0.0
    private var binCount = 0
    // Finished bins: energy (mean square) and first-sample index, newest last (at most `history`).
    private var bins: [(energy: Double, first: Int64)] = []
    private let history = 64
    // Recent samples (largest magnitude over channels, and channel 0 signed) for refinement.
    private var recentMagnitude: [Float] = []
    private var recentSigned: [Float] = []
    private var recentFirst: Int64 = 0
    private let keep = 4800

    private var lastOnsetBin: Int64 = -1_000_000
    private var binNumber: Int64 = 0
    /// An onset being followed to measure its length and tone.
    private var open: (onset: SoundOnset, level: Double, firstSample: Int64, crossings: [Int64], lastSign: Bool?, peak: Float)?
    private(set) var onsets: [SoundOnset] = []

    init(minimumRise: Double = 12) {
        self.minimumRise = minimumRise
    }

    func add(_ block: AudioSampleBlock) {
        guard block.format.sampleRate > 0, !block.channels.isEmpty else { return }
        if block.segment != segment || block.format.sampleRate != rate {
            closeOpen()
            segment = block.segment
            rate = block.format.sampleRate
            binSize = max(1, rate / 1000)
            segmentStart = block.segmentStart
            bins.removeAll()
            binEnergy = 0
            binCount = 0
            recentMagnitude.removeAll()
            recentSigned.removeAll()
            recentFirst = block.firstSample
            sampleIndex = block.firstSample
            lastOnsetBin = -1_000_000
        }
        let channels = block.channels
        let count = block.sampleCount
        let scale = 1.0 / Double(channels.count)
        for i in 0..<count {
            var energy = 0.0
            var magnitude: Float = 0
            for c in channels.indices {
                let v = channels[c][i]
                energy += Double(v * v)
                magnitude = max(magnitude, abs(v))
            }
            recentMagnitude.append(magnitude)
            recentSigned.append(channels[0][i])
            if open != nil { crossing(at: sampleIndex, channels[0][i]) }
            binEnergy += energy * scale
            binCount += 1
            sampleIndex += 1
            if binCount == binSize { finishBin() }
        }
        if recentMagnitude.count > keep * 2 {
            let drop = recentMagnitude.count - keep
            recentMagnitude.removeFirst(drop)
            recentSigned.removeFirst(drop)
            recentFirst += Int64(drop)
        }
        if block.endsSegment { closeOpen() }
    }

    /// Closes an onset still being followed (at the end of the stream).
    func finish() { closeOpen() }

    private func time(ofSample index: Int64) -> Double {
        (segmentStart + MediaTime(value: index, timescale: Int64(rate))).seconds
    }

    private static func dB(_ meanSquare: Double) -> Double { 10 * log10(max(meanSquare, 1e-12)) }

    private func finishBin() {
        bins.append((binEnergy / Double(binCount), sampleIndex - Int64(binCount)))
        if bins.count > history { bins.removeFirst(bins.count - history) }
        binEnergy = 0
        binCount = 0
        binNumber += 1
        // Decide on the bin 5 ms back: its next 5 bins against the 30 before.
        let n = bins.count
        guard n >= 36 else { return }
        let candidate = n - 5
        let ahead = bins[candidate..<n].reduce(0) { $0 + $1.energy } / 5
        let before = bins[(candidate - 30)..<candidate].reduce(0) { $0 + $1.energy } / 30
        let level = Self.dB(ahead), background = Self.dB(before)
        let candidateNumber = binNumber - 5
        guard level >= floorDB, level - background >= minimumRise, candidateNumber - lastOnsetBin >= 30,
              Self.dB(bins[candidate].energy) - background >= 6 || Self.dB(bins[candidate + 1].energy) - background >= 6 else { return }
        lastOnsetBin = candidateNumber
        closeOpen()
        // The first sample in the bin before, the bin, or the next four that reaches 30% of the peak.
        let from = bins[candidate - 1].first, to = sampleIndex
        var peak: Float = 0
        for s in from..<to { peak = max(peak, magnitude(at: s)) }
        var onsetSample = bins[candidate].first
        for s in from..<to where magnitude(at: s) >= 0.3 * peak {
            onsetSample = s
            break
        }
        let onset = SoundOnset(time: time(ofSample: onsetSample), rise: level - background, duration: 0, toneFrequency: nil)
        open = (onset, level, onsetSample, [], nil, peak)
        // Zero crossings from the onset up to now.
        for s in onsetSample..<to { crossing(at: s, recentSigned[Int(s - recentFirst)]) }
    }

    private func magnitude(at sample: Int64) -> Float {
        let i = Int(sample - recentFirst)
        return i >= 0 && i < recentMagnitude.count ? recentMagnitude[i] : 0
    }

    /// Follows an open onset: notes zero crossings and ends it when the sound falls 20 dB (or
    /// after a second).
    private func crossing(at sample: Int64, _ value: Float) {
        guard var o = open else { return }
        let threshold = o.peak * 0.05
        if abs(value) >= threshold {
            let positive = value > 0
            if let last = o.lastSign, last != positive { o.crossings.append(sample) }
            o.lastSign = positive
        }
        open = o
        if binCount == 0, let last = bins.last, sample > o.firstSample + Int64(binSize) * 5 {
            if Self.dB(last.energy) < o.level - 20 || sample - o.firstSample >= Int64(rate) { closeOpen() }
        }
    }

    private func closeOpen() {
        guard let o = open else { return }
        open = nil
        var onset = o.onset
        let end = min(sampleIndex, o.firstSample + Int64(rate))
        onset.duration = Double(end - o.firstSample) / Double(max(rate, 1))
        // A tone: at least 8 crossings whose spacing varies by under 10%.
        if o.crossings.count >= 8 {
            let gaps = zip(o.crossings.dropFirst(), o.crossings).map { Double($0 - $1) }
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            let spread = sqrt(gaps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(gaps.count))
            if mean > 0, spread / mean < 0.1 { onset.toneFrequency = Double(rate) / (2 * mean) }
        }
        onsets.append(onset)
    }
}
