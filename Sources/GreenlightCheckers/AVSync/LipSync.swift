import Foundation
import GreenlightAnalyzers
import GreenlightValues

/// The offset found by lining up a face's mouth with the speech (FaceSync, Slaney & Covell 2000,
/// with hand-made mouth measures in place of learned ones).
struct LipSyncEstimate: Sendable, Equatable {
    struct Window: Sendable, Equatable {
        var start: Double
        var offset: Double
        var confidence: Double
    }
    /// Sound − picture, seconds, with the mouth's natural lead taken out.
    var offset: Double
    /// 0…1: how unlikely the peak is to be chance, from its margin and the speech behind it.
    var confidence: Double
    /// The face used (its box when first measured, in luma samples) and when it was seen.
    var track: Int
    var box: (x: Int, y: Int, width: Int, height: Int)
    var span: ClosedRange<Double>
    /// Faces followed in the file.
    var faces: Int
    /// Seconds of speech under the face's windows.
    var voicedSeconds: Double
    /// The correlation at the best lag, and how far it stands above the best lag 3 frames or more away.
    var peak: Double
    var margin: Double
    var windows: [Window]

    static func == (a: Self, b: Self) -> Bool {
        a.offset == b.offset && a.confidence == b.confidence && a.track == b.track && a.span == b.span && a.windows == b.windows
    }
}

/// Collects each followed face's mouth and the speech envelope, and estimates the offset at the
/// end. Memory: three numbers per face per picture and one per 10 ms of sound.
struct LipSyncCollector {
    private struct Point { var time: Double; var spread: Float; var dark: Float }
    private var tracks: [Int: [Point]] = [:]
    private var boxes: [Int: (x: Int, y: Int, width: Int, height: Int)] = [:]
    private var levels: [SpeechLevel] = []
    private var speech: [ClosedRange<Double>] = []

    /// How much earlier the mouth moves than its sound, on average, in seconds: subtracted from
    /// the lag where mouth and speech correlate best. Fitted on the three real talking heads of
    /// the dev corpus as published (raw peaks at −8, +20 and +69 ms): the middle of their range,
    /// which leaves each within a frame at 25 fps. Three faces are few; a fourth could move it.
    static let mouthLead = 0.030
    /// Lags searched either way, in frames (the issue's ±15).
    static let searchFrames = 15.0
    /// Window length, seconds.
    static let windowSeconds = 10.0

    mutating func add(mouths: [MouthSample], at time: Double) {
        for m in mouths {
            tracks[m.track, default: []].append(Point(time: time, spread: m.spread, dark: m.darkShare))
            if boxes[m.track] == nil { boxes[m.track] = (m.x, m.y, m.width, m.height) }
        }
    }

    mutating func add(levels more: [SpeechLevel], speech intervals: [ClosedRange<Double>]) {
        levels += more
        speech += intervals
    }

    var faceCount: Int { tracks.count }
    var hasSpeech: Bool { !speech.isEmpty }

    /// The best face's estimate, or nil with the reason none could be made.
    func estimate(frameDuration: Double) -> Result<LipSyncEstimate, LipSyncUnmeasured> {
        guard !tracks.isEmpty else { return .failure(.noFace) }
        guard !speech.isEmpty, levels.count > 10 else { return .failure(.noSpeech) }
        let step = 0.005
        let reach = Self.searchFrames * frameDuration
        let lags = stride(from: -reach, through: reach + 1e-9, by: step).map { $0 }
        var sawNoPeak = false
        var best: (track: Int, peak: (lag: Double, value: Double, margin: Double), voiced: Double, windows: [LipSyncEstimate.Window], span: ClosedRange<Double>)?
        for (track, points) in tracks.sorted(by: { $0.key < $1.key }) {
            guard let first = points.first, let last = points.last, Double(points.count) * frameDuration >= 2 else { continue }
            var total = [Double](repeating: 0, count: lags.count)
            var weight = 0.0
            var windows: [LipSyncEstimate.Window] = []
            for chunk in Self.chunks(points.map(\.time), frameDuration: frameDuration) {
                let slice = Array(points[chunk])
                let voiced = coverage(slice.first!.time, slice.last!.time + frameDuration)
                guard slice.count >= 25, voiced >= 1 else { continue }
                let curve = correlationCurve(slice, lags: lags)
                for i in total.indices { total[i] += curve[i] * voiced }
                weight += voiced
                if let p = Self.peak(curve, lags: lags, frameDuration: frameDuration) {
                    windows.append(.init(start: slice[0].time, offset: p.lag - Self.mouthLead,
                                         confidence: Self.confidence(margin: p.margin, voicedSeconds: voiced)))
                }
            }
            guard weight > 0 else { continue }
            guard let p = Self.peak(total.map { $0 / weight }, lags: lags, frameDuration: frameDuration) else {
                if best == nil { sawNoPeak = true }
                continue
            }
            if best == nil || p.value > best!.peak.value {
                best = (track, p, weight, windows, first.time...(last.time + frameDuration))
            }
        }
        guard let best else { return .failure(sawNoPeak ? .noPeak : .tooLittle) }
        let p = best.peak
        return .success(LipSyncEstimate(
            offset: p.lag - Self.mouthLead, confidence: Self.confidence(margin: p.margin, voicedSeconds: best.voiced),
            track: best.track, box: boxes[best.track] ?? (0, 0, 0, 0), span: best.span, faces: tracks.count,
            voicedSeconds: best.voiced, peak: p.value, margin: p.margin, windows: best.windows))
    }

    /// From the peak's margin over the best lag three frames or more away, weighed by the speech
    /// behind it: a chance peak's margin shrinks like 1/√n, so the margin counts √(5 × voiced
    /// seconds) times. Under 8 s of speech it is scaled down in proportion: on the dev corpus's
    /// 5 s talking heads, one face with another speaker's voice reached a margin of 0.16 in one of
    /// three detector settings, as high as the true faces' (0.13–0.18). So 5 s of one face is at
    /// most about 0.3; 0.12 over 18 s of speech is 0.8.
    static func confidence(margin: Double, voicedSeconds: Double) -> Double {
        let z = max(0, margin) * (5 * voicedSeconds).squareRoot()
        return (1 - exp(-z * z / 0.8)) * min(1, voicedSeconds / 8)
    }

    /// Runs of pictures at most `windowSeconds` long, broken where the face was not seen for half a second.
    static func chunks(_ times: [Double], frameDuration: Double) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for i in times.indices.dropFirst() where times[i] - times[i - 1] > 0.5 || times[i] - times[start] >= windowSeconds {
            result.append(start..<i)
            start = i
        }
        if !times.isEmpty {
            // A short tail joins the window before it.
            if let last = result.last, times[times.count - 1] - times[start] < windowSeconds / 2, times[start] - times[last.upperBound - 1] <= 0.5 {
                result[result.count - 1] = last.lowerBound..<times.count
            } else {
                result.append(start..<times.count)
            }
        }
        return result
    }

    /// The share of `start…end` that is speech, in seconds.
    private func coverage(_ start: Double, _ end: Double) -> Double {
        var covered = 0.0
        for r in speech where r.upperBound > start && r.lowerBound < end {
            covered += min(r.upperBound, end) - max(r.lowerBound, start)
        }
        return covered
    }

    /// The mean of the two mouth measures' correlations with the speech level at each lag
    /// (sound − picture); a picture whose lagged time falls outside the sound is left out.
    private func correlationCurve(_ points: [Point], lags: [Double]) -> [Double] {
        func standardised(_ values: [Double]) -> [Double] {
            let mean = values.reduce(0, +) / Double(values.count)
            let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            return values.map { sd > 1e-9 ? ($0 - mean) / sd : 0 }
        }
        let measures = [standardised(points.map { Double($0.spread) }), standardised(points.map { Double($0.dark) })]
        var curve = [Double](repeating: 0, count: lags.count)
        var sound = [Double](repeating: 0, count: points.count)
        var inside = [Bool](repeating: false, count: points.count)
        for (i, lag) in lags.enumerated() {
            for (k, p) in points.enumerated() {
                if let v = level(at: p.time + lag) { sound[k] = v; inside[k] = true } else { inside[k] = false }
            }
            var total = 0.0
            for m in measures { total += Self.correlation(m, sound, inside) }
            curve[i] = total / Double(measures.count)
        }
        return curve
    }

    private static func correlation(_ x: [Double], _ y: [Double], _ use: [Bool]) -> Double {
        var n = 0.0, sx = 0.0, sy = 0.0
        for i in x.indices where use[i] { n += 1; sx += x[i]; sy += y[i] }
        guard n >= 10 else { return 0 }
        let mx = sx / n, my = sy / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices where use[i] {
            let a = x[i] - mx, b = y[i] - my
            sxy += a * b; sxx += a * a; syy += b * b
        }
        return sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
    }

    /// The speech level at `time`, linearly between the 10 ms measurements; nil outside them.
    private func level(at time: Double) -> Double? {
        guard let first = levels.first, let last = levels.last, time >= first.time, time <= last.time else { return nil }
        var lo = 0, hi = levels.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if levels[mid].time <= time { lo = mid } else { hi = mid }
        }
        let a = levels[lo], b = levels[hi]
        let span = b.time - a.time
        let f = span > 0 ? (time - a.time) / span : 0
        return Double(a.level) + f * Double(b.level - a.level)
    }

    /// The highest interior local maximum, refined to between lags by a parabola through it and
    /// its neighbours, with its margin over the best other maximum (or end of the range) three
    /// frames or more away.
    static func peak(_ curve: [Double], lags: [Double], frameDuration: Double) -> (lag: Double, value: Double, margin: Double)? {
        guard curve.count >= 3 else { return nil }
        var maxima: [Int] = []
        for i in 1..<(curve.count - 1) where curve[i] >= curve[i - 1] && curve[i] >= curve[i + 1] { maxima.append(i) }
        guard let j = maxima.max(by: { curve[$0] < curve[$1] }), curve[j] > 0 else { return nil }
        let far = 3 * frameDuration - 1e-9
        var rivals = maxima.filter { abs(lags[$0] - lags[j]) >= far }.map { curve[$0] }
        for end in [0, curve.count - 1] where abs(lags[end] - lags[j]) >= far { rivals.append(curve[end]) }
        let second = rivals.max() ?? 0
        let a = curve[j - 1], b = curve[j], c = curve[j + 1]
        let den = a - 2 * b + c
        let shift = den < 0 ? max(-0.5, min(0.5, 0.5 * (a - c) / den)) : 0
        let step = lags[1] - lags[0]
        return (lags[j] + shift * step, b, b - second)
    }
}

/// Why lip sync measured nothing.
enum LipSyncUnmeasured: Error, Equatable {
    case noFace, noSpeech, tooLittle, noPeak
    /// No face model could be loaded (the sentence says why).
    case unavailable(String)

    var words: String {
        switch self {
        case .noFace: return "no face was found facing the camera"
        case .noSpeech: return "no speech was found to line the face up with"
        case .tooLittle: return "no face was seen for 2 s with a second of speech under it"
        case .noPeak: return "the face's mouth and the speech do not line up at any offset"
        case .unavailable(let why): return "faces cannot be looked for: \(why)"
        }
    }
}
