internal import CEbur128
import Foundation

/// ITU-R BS.1770-4 loudness of one sound stream (EBU R128 / Tech 3341 / 3342), measured by
/// libebur128: integrated loudness, loudness range, true peak, and the momentary and short-term
/// loudness every 100 ms. Memory stays flat with length (libebur128's histogram mode; one
/// short-term value a second is kept for plots).
///
/// Each run of the stream with one layout and rate is measured by its own meter; the programme's
/// figures combine them (BS.1770 gates all blocks together).
public final class LoudnessMeter {
    private var states: [UnsafeMutablePointer<ebur128_state>?] = []
    private var current: (state: UnsafeMutablePointer<ebur128_state>, channels: Int, rate: Int, names: [String])?
    /// Interleaved samples not yet handed to libebur128 (the first `pendingFrames` of 100 ms).
    private var pending: [Float] = []
    private var pendingFrames = 0
    private var framesSinceSecond = 0
    /// 100 ms steps since the current meter started: a gating block needs four.
    private var steps = 0
    /// Short-term loudness (LUFS) at each whole second of the stream, for plots.
    public private(set) var shortTermSeries: [Double] = []
    public private(set) var maxMomentary = -Double.infinity
    public private(set) var maxShortTerm = -Double.infinity
    /// The momentary loudness (LUFS, of the 400 ms block ending at `end`) every 100 ms: the
    /// BS.1770 gating blocks, kept so they can be gated again by dialogue (ten values a second).
    public private(set) var momentary: [(end: Double, lufs: Float)] = []
    /// The short-term loudness (LUFS, of the 3 s ending at `end`) every 100 ms, when asked for
    /// (a time range's check keeps them so ranges can be joined into a loudness range).
    public private(set) var shortTerm: [(end: Double, lufs: Float)] = []
    private let keepsShortTerm: Bool
    /// The weights in use, by channel name, as the report says them ("LFE excluded").
    public private(set) var excludedChannels: Set<String> = []

    /// Parts of each 100 ms step after which the momentary loudness is read (10 ms apart).
    static let momentaryParts = 10

    public init(keepsShortTerm: Bool = false) {
        self.keepsShortTerm = keepsShortTerm
    }

    deinit {
        for var s in states { ebur128_destroy(&s) }
    }

    /// The BS.1770 weighting of a channel by its short name: LFE is left out, surrounds get
    /// +1.5 dB, everything else (front, centre, heights) 1.0.
    private static func weighting(_ name: String) -> channel {
        switch name {
        case "LFE", "LFE2", "LFE1": return EBUR128_UNUSED
        case "FL": return EBUR128_LEFT
        case "FR": return EBUR128_RIGHT
        case "FC": return EBUR128_CENTER
        case "SL", "BL": return EBUR128_LEFT_SURROUND
        case "SR", "BR": return EBUR128_RIGHT_SURROUND
        default: return EBUR128_Mp030  // weight 1.0
        }
    }

    /// Adds one block of planar samples; `names` are the channels' short names (FL, FR, FC, LFE…),
    /// nil when the layout does not name them (every channel then weighs 1.0).
    /// - Parameter start: the block's first sample's time (seconds), for ``momentary``.
    public func add(_ channels: [[Float]], sampleRate: Int, names: [String]?, start: Double = 0) {
        let count = channels.count
        guard count > 0, sampleRate > 0, let frames = channels.first?.count, frames > 0 else { return }
        let labels = names ?? Array(repeating: "", count: count)
        if current == nil || current!.channels != count || current!.rate != sampleRate || current!.names != labels {
            flush()
            let mode = Int32(EBUR128_MODE_I.rawValue | EBUR128_MODE_LRA.rawValue | EBUR128_MODE_TRUE_PEAK.rawValue
                             | EBUR128_MODE_S.rawValue | EBUR128_MODE_HISTOGRAM.rawValue)
            guard let state = ebur128_init(UInt32(count), UInt(sampleRate), mode) else { return }
            for (i, name) in labels.enumerated() {
                let w = Self.weighting(name)
                if w == EBUR128_UNUSED { excludedChannels.insert(name) }
                ebur128_set_channel(state, UInt32(i), Int32(w.rawValue))
            }
            states.append(state)
            current = (state, count, sampleRate, labels)
            framesSinceSecond = 0
            steps = 0
        }
        let step = sampleRate / 10
        if pending.count != step * count { pending = [Float](repeating: 0, count: step * count) }
        var i = 0
        while i < frames {
            // Interleave up to the next 100 ms boundary, channel by channel.
            let n = min(frames - i, step - pendingFrames)
            pending.withUnsafeMutableBufferPointer { out in
                for c in 0..<count {
                    channels[c].withUnsafeBufferPointer { src in
                        var o = pendingFrames * count + c
                        for k in i..<(i + n) {
                            out[o] = src[k]
                            o += count
                        }
                    }
                }
            }
            pendingFrames += n
            i += n
            if pendingFrames == step { flush(at: start + Double(i) / Double(sampleRate)) }
        }
    }

    /// Hands what is pending to libebur128 and reads the momentary and short-term loudness.
    /// The 100 ms are handed over in ten parts, the momentary loudness read after each: its
    /// maximum on a 10 ms grid (a 100 ms grid misses the peak of a burst a little shorter than
    /// the 400 ms window by up to 0.7 LU; Tech 3341 allows ±0.1).
    private func flush(at time: Double? = nil) {
        guard let (state, channels, rate, _) = current, pendingFrames > 0 else { return }
        var m = 0.0, s = 0.0, handed = 0
        for part in 1...Self.momentaryParts {
            let upTo = pendingFrames * part / Self.momentaryParts
            guard upTo > handed else { continue }
            pending.withUnsafeBufferPointer { _ = ebur128_add_frames_float(state, $0.baseAddress! + handed * channels, upTo - handed) }
            handed = upTo
            if ebur128_loudness_momentary(state, &m) == 0, m.isFinite { maxMomentary = max(maxMomentary, m) }
        }
        framesSinceSecond += pendingFrames
        pendingFrames = 0
        steps += 1
        if let time, steps >= 4 { momentary.append((time, Float(m.isFinite ? m : -200))) }
        if ebur128_loudness_shortterm(state, &s) == 0, s.isFinite { maxShortTerm = max(maxShortTerm, s) }
        if keepsShortTerm, let time { shortTerm.append((time, Float(s.isFinite ? s : -200))) }
        if framesSinceSecond >= rate {
            framesSinceSecond -= rate
            shortTermSeries.append(s.isFinite ? s : -70)
        }
    }

    /// The programme's figures over everything added.
    public func measure() -> LoudnessFigures {
        flush()
        guard !states.isEmpty else { return LoudnessFigures() }
        // Integrated loudness gated from the blocks themselves rather than libebur128's histogram
        // (whose 0.1 LU bins read a steady -23 LUFS tone as -22.95): exact, and the same sum a
        // check joined from time ranges makes.
        let integrated = gatedLoudness(momentary) { _ in true } ?? -Double.infinity
        var range = 0.0
        _ = states.withUnsafeMutableBufferPointer { ebur128_loudness_range_multiple($0.baseAddress, $0.count, &range) }
        var peak = 0.0
        for case let state? in states {
            for c in 0..<state.pointee.channels {
                var p = 0.0
                if ebur128_true_peak(state, c, &p) == 0 { peak = max(peak, p) }
            }
        }
        return LoudnessFigures(integrated: integrated.isFinite ? integrated : nil, range: range.isFinite ? range : nil,
                               truePeak: peak > 0 ? 20 * log10(peak) : nil,
                               maxMomentary: maxMomentary.isFinite ? maxMomentary : nil,
                               maxShortTerm: maxShortTerm.isFinite ? maxShortTerm : nil)
    }
}

/// BS.1770-4 integrated loudness over the gating blocks `keep` accepts (400 ms blocks every
/// 100 ms): the absolute gate at -70 LUFS, then the relative gate 10 LU under their mean.
public func gatedLoudness(_ blocks: [(end: Double, lufs: Float)], keep: (Double) -> Bool) -> Double? {
    func energy(_ l: Double) -> Double { pow(10, (l + 0.691) / 10) }
    let kept = blocks.filter { $0.lufs > -70 && keep($0.end) }.map { energy(Double($0.lufs)) }
    guard !kept.isEmpty else { return nil }
    let threshold = 10 * log10(kept.reduce(0, +) / Double(kept.count)) - 0.691 - 10
    let gated = kept.filter { 10 * log10($0) - 0.691 > threshold }
    guard !gated.isEmpty else { return nil }
    return 10 * log10(gated.reduce(0, +) / Double(gated.count)) - 0.691
}

/// BS.1770-4 integrated loudness over gating blocks given as loudness values with how many
/// blocks measured each (a histogram): the absolute gate at -70 LUFS, then the relative gate
/// 10 LU under their mean.
public func integratedLoudness(_ values: [(lufs: Double, count: Int)]) -> Double? {
    func energy(_ l: Double) -> Double { pow(10, (l + 0.691) / 10) }
    func mean(_ v: [(lufs: Double, count: Int)]) -> Double? {
        let n = v.reduce(0) { $0 + $1.count }
        return n == 0 ? nil : 10 * log10(v.reduce(0.0) { $0 + energy($1.lufs) * Double($1.count) } / Double(n)) - 0.691
    }
    guard let ungated = mean(values.filter { $0.lufs > -70 }) else { return nil }
    return mean(values.filter { $0.lufs > -70 && $0.lufs > ungated - 10 })
}

/// EBU Tech 3342 loudness range over short-term values (3 s blocks every 100 ms), each given
/// with how many blocks measured it: the absolute gate at -70 LUFS, the relative gate 20 LU under
/// their mean energy, then the spread from the 10th to the 95th percentile.
public func loudnessRange(_ values: [(lufs: Double, count: Int)]) -> Double? {
    func energy(_ l: Double) -> Double { pow(10, (l + 0.691) / 10) }
    let kept = values.filter { $0.lufs > -70 }.sorted { $0.lufs < $1.lufs }
    let total = kept.reduce(0) { $0 + $1.count }
    guard total > 0 else { return nil }
    let mean = kept.reduce(0.0) { $0 + energy($1.lufs) * Double($1.count) } / Double(total)
    let gate = 10 * log10(mean) - 0.691 - 20
    let gated = kept.filter { $0.lufs > gate }
    let n = gated.reduce(0) { $0 + $1.count }
    guard n > 0 else { return nil }
    func percentile(_ p: Double) -> Double {
        let rank = Int((Double(n - 1) * p).rounded())
        var seen = 0
        for v in gated {
            seen += v.count
            if seen > rank { return v.lufs }
        }
        return gated.last!.lufs
    }
    return percentile(0.95) - percentile(0.10)
}

/// What a ``LoudnessMeter`` measured; nil where the programme gave nothing to measure (silence).
public struct LoudnessFigures: Sendable, Equatable {
    public var integrated: Double?
    public var range: Double?
    /// dBTP (4× oversampled below 96 kHz).
    public var truePeak: Double?
    public var maxMomentary: Double?
    public var maxShortTerm: Double?

    public init(integrated: Double? = nil, range: Double? = nil, truePeak: Double? = nil, maxMomentary: Double? = nil, maxShortTerm: Double? = nil) {
        self.integrated = integrated
        self.range = range
        self.truePeak = truePeak
        self.maxMomentary = maxMomentary
        self.maxShortTerm = maxShortTerm
    }
}
