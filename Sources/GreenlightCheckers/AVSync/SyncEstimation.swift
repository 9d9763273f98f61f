import Foundation
import GreenlightValues

/// One measured pair: a picture event and its sound, offset = sound − picture.
struct SyncEvent: Sendable, Equatable {
    var pictureTime: Double
    var soundTime: Double
    var offset: Double { soundTime - pictureTime }
}

/// Pairs each flash with the tone burst nearest to it (each used once), when they are less than
/// `maximumDistance` apart.
func pairFlashes(_ flashes: [Double], withBeeps beeps: [Double], maximumDistance: Double) -> [SyncEvent] {
    var candidates: [(flash: Int, beep: Int, distance: Double)] = []
    for (i, f) in flashes.enumerated() {
        for (j, b) in beeps.enumerated() where abs(b - f) <= maximumDistance {
            candidates.append((i, j, abs(b - f)))
        }
    }
    var usedFlashes = Set<Int>(), usedBeeps = Set<Int>()
    var pairs: [SyncEvent] = []
    for c in candidates.sorted(by: { $0.distance < $1.distance }) where !usedFlashes.contains(c.flash) && !usedBeeps.contains(c.beep) {
        usedFlashes.insert(c.flash)
        usedBeeps.insert(c.beep)
        pairs.append(SyncEvent(pictureTime: flashes[c.flash], soundTime: beeps[c.beep]))
    }
    return pairs.sorted { $0.pictureTime < $1.pictureTime }
}

/// How the offset behaves along the file, from several measured events.
struct OffsetTrend: Sendable, Equatable {
    enum Shape: Sendable, Equatable {
        case constant
        /// offset(t) = a + b·t, b in seconds per second.
        case drift(a: Double, b: Double)
        /// The offset changes between event `index - 1` and event `index`.
        case step(index: Int, before: Double, after: Double)
    }
    var shape: Shape
    /// The offset that describes the file: the median, or the offset at the first event for drift,
    /// or before the step.
    var offset: Double
    /// RMS of what the chosen shape leaves unexplained, in seconds.
    var residual: Double

    /// Chooses between a constant offset, a straight line and a step. A step must be at least
    /// `minimumChange` and leave under 3 ms unexplained on each side; a drift must move the offset
    /// by `minimumChange` across the events and explain at least 80% of the spread.
    init(_ events: [SyncEvent], minimumChange: Double) {
        let offsets = events.map(\.offset)
        let times = events.map(\.pictureTime)
        let median = quantile(offsets, 0.5) ?? 0
        shape = .constant
        offset = median
        let mean = offsets.reduce(0, +) / Double(max(offsets.count, 1))
        let constantSSE = offsets.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        residual = sqrt(constantSSE / Double(max(offsets.count, 1)))
        guard events.count >= 4 else { return }

        // Best single step.
        var best: (index: Int, sse: Double, before: Double, after: Double)?
        for k in 2...(offsets.count - 2) {
            let left = offsets[..<k], right = offsets[k...]
            let ml = left.reduce(0, +) / Double(left.count), mr = right.reduce(0, +) / Double(right.count)
            let sse = left.map { ($0 - ml) * ($0 - ml) }.reduce(0, +) + right.map { ($0 - mr) * ($0 - mr) }.reduce(0, +)
            if best == nil || sse < best!.sse { best = (k, sse, ml, mr) }
        }
        // Least-squares line.
        let mt = times.reduce(0, +) / Double(times.count)
        let stt = times.map { ($0 - mt) * ($0 - mt) }.reduce(0, +)
        let b = stt > 0 ? zip(times, offsets).map { ($0 - mt) * ($1 - mean) }.reduce(0, +) / stt : 0
        let a = mean - b * mt
        var lineSSE = 0.0
        for (t, o) in zip(times, offsets) {
            let r = o - (a + b * t)
            lineSSE += r * r
        }
        let n = Double(offsets.count)

        if let s = best, abs(s.after - s.before) >= minimumChange, sqrt(s.sse / n) < 0.003, s.sse < 0.5 * lineSSE {
            shape = .step(index: s.index, before: s.before, after: s.after)
            offset = s.before
            residual = sqrt(s.sse / n)
        } else if let first = times.first, let last = times.last, abs(b) * (last - first) >= minimumChange,
                  lineSSE <= 0.2 * constantSSE {
            shape = .drift(a: a, b: b)
            offset = a + b * first
            residual = sqrt(lineSSE / n)
        }
    }
}

/// The offset found by lining up picture events with sound onsets.
struct ContentEstimate: Sendable, Equatable {
    struct Window: Sendable, Equatable {
        var start: Double
        var offset: Double
        var confidence: Double
        var pictureEvents: Int
    }
    /// Sound − picture, seconds; nil when nothing lined up at all.
    var offset: Double?
    /// 0…1: how likely the offset is right to within a frame.
    var confidence: Double
    /// Picture events that have a sound at the offset.
    var matched: Int
    var pictureEvents: Int
    var windows: [Window]
    /// The first and last picture event's time.
    var span: ClosedRange<Double>?
}

/// Estimates the offset by correlation: for every lag within `±search` (1 ms steps), each
/// picture event scores how close its nearest onset is to `time + lag` (1 within a quarter
/// frame, falling to 0 at half a frame), at most once. The lag with the highest score wins; its confidence grows with how far it
/// stands above the best lag more than two frames away, and with how many events agree.
func estimateContentOffset(pictures: [Double], sounds: [Double], frameDuration: Double,
                           search: Double = 1.0, window: Double = 20) -> ContentEstimate {
    let sortedSounds = sounds.sorted()
    let lagCount = Int((search * 1000).rounded()) * 2 + 1
    let half = max(frameDuration / 2, 0.005)

    func curve(_ events: ArraySlice<Double>) -> [Double] {
        var scores = [Double](repeating: 0, count: lagCount)
        var perEvent = [Double](repeating: 0, count: lagCount)
        for t in events {
            for i in perEvent.indices { perEvent[i] = 0 }
            // The sounds within the search range (plus the triangle) of this event.
            var lo = lowerBound(sortedSounds, t - search - half)
            while lo < sortedSounds.count, sortedSounds[lo] <= t + search + half {
                let lag = sortedSounds[lo] - t
                let from = max(0, Int(((lag - half + search) * 1000).rounded(.up)))
                let to = min(lagCount - 1, Int(((lag + half + search) * 1000).rounded(.down)))
                if from <= to {
                    for i in from...to {
                        // Full weight within half the triangle, tapering to 0 at its edge.
                        let w = min(1, 2 * (1 - abs(Double(i) / 1000 - search - lag) / half))
                        if w > perEvent[i] { perEvent[i] = w }
                    }
                }
                lo += 1
            }
            for i in scores.indices { scores[i] += perEvent[i] }
        }
        return scores
    }

    func judge(_ scores: [Double], events: Int) -> (offset: Double, confidence: Double, matched: Int)? {
        guard events > 0, let best = scores.indices.max(by: { scores[$0] < scores[$1] }), scores[best] > 0 else { return nil }
        // The centre of the peak: the mean lag where the score is within 5% of the best.
        let top = scores[best]
        var lo = best, hi = best
        while lo > 0, scores[lo - 1] >= top * 0.95 { lo -= 1 }
        while hi < scores.count - 1, scores[hi + 1] >= top * 0.95 { hi += 1 }
        let centre = Double(lo + hi) / 2
        let guardBand = Int((2 * frameDuration * 1000).rounded())
        var second = 0.0
        for i in scores.indices where abs(i - best) > guardBand { second = max(second, scores[i]) }
        let margin = top - second
        let share = top / Double(events)
        // Calibrated on 400 synthetic programmes (AVSyncEstimationTests): a chance coincidence
        // scores about 1, so the margin over the next-best lag must clear 1.5 before it counts,
        // and 40% of the picture events must agree. Every estimate at 0.8 or above there is right
        // to a frame: the mapping is deliberately on the cautious side, as real sound lines up
        // with cuts by editing choice (music on the beat) more often than random sounds do.
        var confidence = 1 - exp(-max(0, margin - 1.5) / 1.2)
        confidence *= min(1, share / 0.4)
        if top < 4 { confidence *= top / 4 }
        return (centre / 1000 - search, max(0, min(1, confidence)), Int(top.rounded()))
    }

    let ordered = pictures.sorted()
    guard !ordered.isEmpty else { return ContentEstimate(offset: nil, confidence: 0, matched: 0, pictureEvents: 0, windows: [], span: nil) }
    var total = [Double](repeating: 0, count: lagCount)
    var windows: [ContentEstimate.Window] = []
    var start = ordered[0]
    var index = 0
    while index < ordered.count {
        var end = index
        while end < ordered.count, ordered[end] < start + window { end += 1 }
        let slice = ordered[index..<end]
        let scores = curve(slice)
        for i in total.indices { total[i] += scores[i] }
        if let j = judge(scores, events: slice.count) {
            windows.append(.init(start: start, offset: j.offset, confidence: j.confidence, pictureEvents: slice.count))
        }
        index = end
        if index < ordered.count { start = ordered[index] }
    }
    guard let overall = judge(total, events: ordered.count) else {
        return ContentEstimate(offset: nil, confidence: 0, matched: 0, pictureEvents: ordered.count, windows: windows,
                               span: ordered[0]...ordered[ordered.count - 1])
    }
    return ContentEstimate(offset: overall.offset, confidence: overall.confidence, matched: overall.matched,
                           pictureEvents: ordered.count, windows: windows, span: ordered[0]...ordered[ordered.count - 1])
}

private func lowerBound(_ values: [Double], _ x: Double) -> Int {
    var lo = 0, hi = values.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if values[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}
