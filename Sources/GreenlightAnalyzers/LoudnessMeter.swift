internal import CEbur128
import Foundation

/// ITU-R BS.1770-4 loudness of one sound stream (EBU R128 / Tech 3341 / 3342): integrated
/// loudness, loudness range, true peak, and the momentary and short-term loudness every 100 ms.
/// libebur128 measures the loudness range; the momentary and short-term loudness (and from
/// them the integrated) come from this type's own K-weighting's energy in 10 ms parts, so a
/// window's loudness is a sum of 40 or 300 parts rather than of every sample in it (reading
/// libebur128's momentary loudness every 10 ms summed the 400 ms window ten times over), and the
/// true peak from its own ``TruePeak`` interpolator, four outputs at once in vector lanes.
/// Memory stays flat with length (libebur128's histogram mode; one short-term value a second is
/// kept for plots).
///
/// Each run of the stream with one layout and rate is measured by its own meter; the programme's
/// figures combine them (BS.1770 gates all blocks together).
public final class LoudnessMeter {
    private var states: [UnsafeMutablePointer<ebur128_state>?] = []
    private var current: (state: UnsafeMutablePointer<ebur128_state>, channels: Int, rate: Int, names: [String])?
    /// Each channel's K-weighting and BS.1770 weight, for the current meter.
    private var filters: [KWeighting] = []
    /// Each channel's true-peak interpolator, for the current meter.
    private var peaks: [TruePeak] = []
    /// The largest true peak (linear) of meters already replaced.
    private var earlierPeak: Float = 0
    private var weights: [Double] = []
    /// The weighted K-filtered energy of the last 300 parts (3 s of 10 ms), oldest overwritten.
    private var parts = [Double](repeating: 0, count: 300)
    private var partIndex = 0
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

    /// A channel's BS.1770 weight by its libebur128 weighting: 0 (LFE), 1.41 (surrounds), else 1.
    private static func weight(_ w: channel) -> Double {
        switch w {
        case EBUR128_UNUSED: return 0
        case EBUR128_LEFT_SURROUND, EBUR128_RIGHT_SURROUND: return 1.41
        default: return 1
        }
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
            // Only libebur128's loudness range is read.
            let mode = Int32(EBUR128_MODE_LRA.rawValue | EBUR128_MODE_HISTOGRAM.rawValue)
            guard let state = ebur128_init(UInt32(count), UInt(sampleRate), mode) else { return }
            weights = []
            for (i, name) in labels.enumerated() {
                let w = Self.weighting(name)
                if w == EBUR128_UNUSED { excludedChannels.insert(name) }
                ebur128_set_channel(state, UInt32(i), Int32(w.rawValue))
                weights.append(Self.weight(w))
            }
            filters = Array(repeating: KWeighting(sampleRate: Double(sampleRate)), count: count)
            earlierPeak = max(earlierPeak, peaks.map(\.peak).max() ?? 0)
            peaks = Array(repeating: TruePeak(sampleRate: sampleRate), count: count)
            parts = [Double](repeating: 0, count: parts.count)
            partIndex = 0
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

    /// Hands what is pending to libebur128 and measures the momentary and short-term loudness.
    /// The 100 ms are K-weighted in ten parts, the momentary loudness read after each: its
    /// maximum on a 10 ms grid (a 100 ms grid misses the peak of a burst a little shorter than
    /// the 400 ms window by up to 0.7 LU; Tech 3341 allows ±0.1).
    private func flush(at time: Double? = nil) {
        guard let (state, channels, rate, _) = current, pendingFrames > 0 else { return }
        pending.withUnsafeBufferPointer { samples in
            _ = ebur128_add_frames_float(state, samples.baseAddress!, pendingFrames)
            for c in 0..<channels { peaks[c].add(samples, channel: c, of: channels, frames: pendingFrames) }
        }
        // Both windows are whole 100 ms steps (libebur128's), from zeros before the first.
        let step = rate / 10
        let momentaryScale = 1 / Double(4 * step), shortTermScale = 1 / Double(30 * step)
        var m = -Double.infinity, handed = 0
        for part in 1...Self.momentaryParts {
            let upTo = pendingFrames * part / Self.momentaryParts
            // A last step shorter than ten samples has empty parts: they are not parts of the window.
            guard upTo > handed else { continue }
            var energy = 0.0
            pending.withUnsafeBufferPointer { samples in
                for c in 0..<channels where weights[c] > 0 {
                    energy += weights[c] * filters[c].energy(samples, channel: c, of: channels, frames: handed..<upTo)
                }
            }
            handed = upTo
            parts[partIndex] = energy
            partIndex = (partIndex + 1) % parts.count
            m = Self.lufs(window(40) * momentaryScale)
            if m.isFinite { maxMomentary = max(maxMomentary, m) }
        }
        framesSinceSecond += pendingFrames
        pendingFrames = 0
        steps += 1
        if let time, steps >= 4 { momentary.append((time, Float(m.isFinite ? m : -200))) }
        let s = Self.lufs(window(300) * shortTermScale)
        if s.isFinite { maxShortTerm = max(maxShortTerm, s) }
        if keepsShortTerm, let time { shortTerm.append((time, Float(s.isFinite ? s : -200))) }
        if framesSinceSecond >= rate {
            framesSinceSecond -= rate
            shortTermSeries.append(s.isFinite ? s : -70)
        }
    }

    /// The energy of the last `count` parts.
    private func window(_ count: Int) -> Double {
        var total = 0.0
        for k in 1...count { total += parts[(partIndex - k + parts.count) % parts.count] }
        return total
    }

    /// BS.1770's loudness of a mean weighted energy (-infinity for none).
    private static func lufs(_ energy: Double) -> Double {
        energy > 0 ? 10 * log10(energy) - 0.691 : -.infinity
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
        let peak = Double(max(earlierPeak, peaks.map(\.peak).max() ?? 0))
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

/// ITU-R BS.1770's K-weighting of one channel: the pre-filter (a high shelf, +4 dB above about
/// 1.7 kHz, for the head) then the RLB high pass (about 38 Hz), each a biquad in double
/// precision, designed for any rate from the analogue prototype the standard's 48 kHz
/// coefficients come from (at 48 kHz they are the standard's to 1e-8).
struct KWeighting {
    private var shelf: Biquad, highPass: Biquad

    init(sampleRate fs: Double) {
        // The prototype's corner, gain and Q, as BS.1770's 48 kHz coefficients imply them.
        var k = tan(Double.pi * 1681.974450955533 / fs)
        let q1 = 0.7071752369554196, vh = pow(10, 3.999843853973347 / 20), vb = pow(vh, 0.4996667741545416)
        var a0 = 1 + k / q1 + k * k
        shelf = Biquad(b0: (vh + vb * k / q1 + k * k) / a0, b1: 2 * (k * k - vh) / a0, b2: (vh - vb * k / q1 + k * k) / a0,
                       a1: 2 * (k * k - 1) / a0, a2: (1 - k / q1 + k * k) / a0)
        k = tan(Double.pi * 38.13547087602444 / fs)
        let q2 = 0.5003270373238773
        a0 = 1 + k / q2 + k * k
        highPass = Biquad(b0: 1, b1: -2, b2: 1, a1: 2 * (k * k - 1) / a0, a2: (1 - k / q2 + k * k) / a0)
    }

    /// Filters channel `channel` of `frames` of interleaved samples and returns the sum of the
    /// squares of what comes out.
    mutating func energy(_ samples: UnsafeBufferPointer<Float>, channel: Int, of channels: Int, frames: Range<Int>) -> Double {
        var sum = 0.0
        var s = shelf, h = highPass
        var i = frames.lowerBound &* channels &+ channel
        for _ in frames {
            let y = h.run(s.run(Double(samples[i])))
            sum += y * y
            i &+= channels
        }
        shelf = s
        highPass = h
        return sum
    }

    /// One second-order section, transposed direct form II.
    struct Biquad {
        let b0, b1, b2, a1, a2: Double
        var z1 = 0.0, z2 = 0.0

        init(b0: Double, b1: Double, b2: Double, a1: Double, a2: Double) {
            (self.b0, self.b1, self.b2, self.a1, self.a2) = (b0, b1, b2, a1, a2)
        }

        @inline(__always)
        mutating func run(_ x: Double) -> Double {
            let y = b0 * x + z1
            z1 = b1 * x - a1 * y + z2
            z2 = b2 * x - a2 * y
            return y
        }
    }
}

/// ITU-R BS.1770-4's true peak of one channel: the largest magnitude of the signal oversampled
/// four times below 96 kHz (twice below 192 kHz, not at all above) by a 49-tap windowed-sinc
/// (Hann) interpolator, and of the samples themselves. Polyphase: each input sample gives one
/// output per phase, the phases in the lanes of one vector, 13 multiply-adds a sample.
struct TruePeak {
    /// Taps by delay: lane `f` of `taps[k]` weighs the sample `k` back for phase `f`.
    private let taps: [SIMD4<Float>]
    /// The last `taps.count` samples, newest last, twice over so a window is contiguous.
    private var history: [Float]
    private var index = 0
    /// The largest magnitude so far (linear).
    private(set) var peak: Float = 0

    init(sampleRate: Int) {
        let factor = sampleRate < 96_000 ? 4 : sampleRate < 192_000 ? 2 : 1
        let length = 49
        var taps = [SIMD4<Float>](repeating: .zero, count: factor == 1 ? 1 : (length + factor - 1) / factor)
        if factor == 1 {
            taps[0] = SIMD4(1, 0, 0, 0)
        } else {
            for j in 0..<length {
                let m = Double(j) - Double(length - 1) / 2
                let sinc = abs(m) < 1e-9 ? 1 : sin(m * .pi / Double(factor)) / (m * .pi / Double(factor))
                let window = 0.5 * (1 - cos(2 * .pi * Double(j) / Double(length - 1)))
                taps[j / factor][j % factor] = Float(sinc * window)
            }
        }
        self.taps = taps
        history = [Float](repeating: 0, count: 2 * taps.count)
    }

    /// Runs channel `channel` of `frames` interleaved frames through the interpolator.
    mutating func add(_ samples: UnsafeBufferPointer<Float>, channel: Int, of channels: Int, frames: Int) {
        let n = taps.count
        var top = peak, i = channel
        taps.withUnsafeBufferPointer { taps in
            history.withUnsafeMutableBufferPointer { h in
                for _ in 0..<frames {
                    let x = samples[i]
                    i &+= channels
                    // Newest at `index + n - 1` of the doubled buffer: the window is h[index..<index + n].
                    h[index] = x
                    h[index &+ n] = x
                    index = index &+ 1 == n ? 0 : index &+ 1
                    var sum = SIMD4<Float>.zero
                    for k in 0..<n { sum += taps[k] * h[index &+ n &- 1 &- k] }
                    let low: Float = max(abs(sum[0]), abs(sum[1])), high: Float = max(abs(sum[2]), abs(sum[3]))
                    top = max(top, max(abs(x), max(low, high)))
                }
            }
        }
        peak = top
    }
}
