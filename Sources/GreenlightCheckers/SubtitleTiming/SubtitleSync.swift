import Foundation

/// How subtitles as a whole sit against the speech: cue time = factor × speech time + offset
/// (positive offset = subtitles late).
struct SubtitleSyncEstimate: Equatable {
    var offset: Double
    var factor: Double
    /// Share of the subtitles' time that has speech under it at that alignment.
    var overlap: Double
    /// The same share as the cues stand (no offset, factor 1): how much the alignment improves on them.
    var overlapAsIs: Double = 0
    /// 0…1: how clearly this alignment beats every other one more than half a second away.
    var confidence: Double
    /// Offsets of runs of cues along the file (start of the run, offset, its confidence), factor kept.
    var regions: [(start: Double, offset: Double, overlap: Double)]
    /// Where the offset changes, when it does: the first cue after the change (index) and its
    /// offset from there on (`offset` holds before it).
    var step: (cue: Int, time: Double, after: Double)?
    /// Cues with no speech under them at the alignment (indices), e.g. a caption for a sound or
    /// one a whole line away from its speech.
    var offSpeech: [Int] = []

    static func == (a: Self, b: Self) -> Bool { a.offset == b.offset && a.factor == b.factor && a.confidence == b.confidence }

    /// Where cue time `t` belongs in speech time (the correction `--write-corrected` applies).
    func corrected(_ t: Double) -> Double {
        if let step, t >= step.time { return (t - step.after) / factor }
        return (t - offset) / factor
    }
}

/// The factors a wrong frame rate or time base leaves, with their names.
let syncFactors: [(Double, String)] = [
    (1, ""), (1001.0 / 1000, "1001/1000 (timed at 30 or 24 fps for 29.97 or 23.976 video)"),
    (1000.0 / 1001, "1000/1001 (timed at 29.97 or 23.976 fps for 30 or 24 fps video)"),
    (25.0 / 24, "25/24 (timed for 24 fps, played at 25)"), (24.0 / 25, "24/25 (timed for 25 fps, played at 24)"),
    (25.0 / (24000.0 / 1001), "25/23.976"), ((24000.0 / 1001) / 25, "23.976/25"),
]

/// Lines cues up with speech by both their edges and what they cover. For an offset o and factor
/// f, each cue [a, b] is placed at [(a − o)/f, (b − o)/f] in speech time and scored:
/// - its in-time against the nearest speech start: full within 100 ms, nothing 400 ms off;
/// - its out-time against the nearest speech end: full from 100 ms before to 500 ms after it (a
///   subtitle rightly stays up a little past its line), nothing 300 ms beyond that; half weight;
/// - and all cues together by how well subtitle time and speech time cover each other (F1 of
///   subtitle time over speech and speech time under subtitles).
/// The best offset is searched within ±`search` s on a 20 ms grid for every factor in
/// ``syncFactors`` and refined on a 5 ms grid; a factor other than 1 must beat 1 clearly. When
/// none is sure, factors from 0.95 to 1.05 are tried in 0.25 % steps, and a drift is then fitted
/// through the in-times that found their speech start. The offset is the median of those
/// in-times' distances to their starts (the score is flat within its kernels). The in-times
/// alone (``estimateSyncByInTimes``) check the answer. A step (the offset changing at a reel or
/// act break) is looked for between runs of 20 cues; cues with no speech under them are named.
struct SubtitleAligner {
    let cues: [ClosedRange<Double>]
    let speech: [ClosedRange<Double>]
    private let starts: [Double]
    private let ends: [Double]
    private let speechTotal: Double

    init(cues: [ClosedRange<Double>], speech: [ClosedRange<Double>]) {
        self.cues = cues
        self.speech = speech.sorted { $0.lowerBound < $1.lowerBound }
        starts = self.speech.map(\.lowerBound)
        ends = self.speech.map(\.upperBound).sorted()
        speechTotal = speech.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
    }

    /// 1 inside `lo…hi`, falling to 0 at `taper` beyond either side.
    private static func kernel(_ d: Double, _ lo: Double, _ hi: Double, taper: Double) -> Double {
        if d >= lo && d <= hi { return 1 }
        return max(0, 1 - (d < lo ? lo - d : d - hi) / taper)
    }

    private static func nearest(_ values: [Double], _ x: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        let after = lo < values.count ? values[lo] : nil, before = lo > 0 ? values[lo - 1] : nil
        switch (before, after) {
        case let (b?, a?): return x - b <= a - x ? b : a
        case let (b?, nil): return b
        case let (nil, a?): return a
        default: return nil
        }
    }

    /// Speech time inside `a…b`.
    func speechUnder(_ a: Double, _ b: Double) -> Double {
        var lo = 0, hi = speech.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if speech[mid].lowerBound < a { lo = mid + 1 } else { hi = mid }
        }
        var i = max(0, lo - 1), total = 0.0
        while i < speech.count, speech[i].lowerBound < b {
            total += max(0, min(b, speech[i].upperBound) - max(a, speech[i].lowerBound))
            i += 1
        }
        return total
    }

    /// The alignment score of cues `range` at offset `o` and factor `f` (0…2).
    func score(_ o: Double, _ f: Double, _ range: Range<Int>? = nil) -> Double {
        let r = range ?? cues.indices
        guard !r.isEmpty else { return 0 }
        var edges = 0.0, over = 0.0, length = 0.0
        var first = Double.infinity, last = -Double.infinity
        for i in r {
            let a = (cues[i].lowerBound - o) / f, b = (cues[i].upperBound - o) / f
            if let s = Self.nearest(starts, a) { edges += Self.kernel(a - s, -0.1, 0.1, taper: 0.3) }
            if let e = Self.nearest(ends, b) { edges += 0.5 * Self.kernel(b - e, -0.1, 0.5, taper: 0.3) }
            over += speechUnder(a, b)
            length += b - a
            first = min(first, a)
            last = max(last, b)
        }
        // Recall against the speech in the span these cues cover (all of it for the whole file).
        let spoken = range == nil ? speechTotal : speechUnder(first - 1, last + 1)
        let precision = length > 0 ? over / length : 0, recall = spoken > 0 ? over / spoken : 0
        let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
        return edges / (1.5 * Double(r.count)) + f1
    }

    /// The best offset for `f` within `window`, and the best score at least `apart` seconds from it.
    func bestOffset(_ f: Double, in window: ClosedRange<Double>, _ range: Range<Int>? = nil, apart: Double = 0.5,
                    grid step: Double = 0.02) -> (offset: Double, score: Double, rival: Double) {
        var grid: [(Double, Double)] = []
        var o = window.lowerBound
        while o <= window.upperBound + 1e-9 {
            grid.append((o, score(o, f, range)))
            o += step
        }
        guard var best = grid.max(by: { $0.1 < $1.1 }) else { return (0, 0, 0) }
        // Refine on a 5 ms grid; the middle of a plateau.
        var fine: [(Double, Double)] = []
        var x = best.0 - 2 * step
        while x <= best.0 + 2 * step + 1e-9 { fine.append((x, score(x, f, range))); x += 0.005 }
        if let top = fine.map(\.1).max() {
            let plateau = fine.filter { $0.1 >= top - 1e-9 }.map(\.0)
            best = ((plateau.first! + plateau.last!) / 2, top)
        }
        let rival = grid.filter { abs($0.0 - best.0) >= apart }.map(\.1).max() ?? 0
        return (best.0, best.1, rival)
    }

    /// The median of `cue in − factor × speech start` over the cues of `range` whose in-time lies
    /// within 150 ms of a speech start at offset `o`: the offset the in-times agree on, when
    /// three or more found their start.
    func medianOffset(_ o: Double, _ f: Double, _ range: Range<Int>? = nil) -> Double? {
        let residuals = (range ?? cues.indices).compactMap { i -> Double? in
            let a = (cues[i].lowerBound - o) / f
            guard let s = Self.nearest(starts, a), abs(s - a) <= 0.15 else { return nil }
            return cues[i].lowerBound - f * s
        }.sorted()
        return residuals.count >= 3 ? residuals[residuals.count / 2] : nil
    }

    /// Calibrated on chance: cue lists of the same length drawn at random over the real speech of
    /// the dev corpus's reading (15 cues), film scene (5) and espeak sentences (3) give margins
    /// whose 90th percentile is 0.32/√n and largest 0.57/√n; the true alignments 0.81/√n and up.
    static func confidence(margin: Double, cues: Int) -> Double {
        let z = max(0, margin) * Double(cues).squareRoot()
        return 1 / (1 + exp(-(z - 0.65) / 0.07))
    }
}

/// The in-times alone against speech starts: the same correlation av-sync runs for cuts against
/// sound onsets, each cue counted once against its nearest speech start within ±100 ms (its
/// confidence is calibrated on synthetic programmes, see `estimateContentOffset`). Regular lines
/// (a reading, one line a cue) look alike one line apart to the edge-and-cover score; the
/// in-times' own pattern tells them apart.
func estimateSyncByInTimes(cues: [ClosedRange<Double>], speech: [ClosedRange<Double>], search: Double) -> (offset: Double, factor: Double, confidence: Double)? {
    let speechEdges = speech.map(\.lowerBound)
    var best: (factor: Double, estimate: ContentEstimate)?
    for (factor, _) in syncFactors {
        let edges = cues.map { $0.lowerBound / factor }
        let e = estimateContentOffset(pictures: edges, sounds: speechEdges, frameDuration: 0.2, search: search, window: 60)
        guard e.offset != nil else { continue }
        if best == nil || e.matched > best!.estimate.matched + max(2, best!.estimate.matched / 10) { best = (factor, e) }
    }
    guard let (factor, e) = best, let found = e.offset else { return nil }
    // estimateContentOffset gives speech − cue (in speech time); the cues' offset is the reverse.
    return (-found * factor, factor, e.confidence)
}

func estimateSubtitleSync(cues: [ClosedRange<Double>], speech: [ClosedRange<Double>], search: Double = 10) -> SubtitleSyncEstimate? {
    let cueTotal = cues.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
    guard cues.count >= 3, cueTotal > 0, !speech.isEmpty else { return nil }
    let aligner = SubtitleAligner(cues: cues, speech: speech)
    // The searches over ±search run on at most 300 cues spread over the file (a feature's 1500
    // cues would take seconds); the runs and the step use them all.
    let stride = (cues.count + 299) / 300
    let coarse = stride > 1 ? SubtitleAligner(cues: Swift.stride(from: 0, to: cues.count, by: stride).map { cues[$0] }, speech: speech) : aligner
    let counted = coarse.cues.count
    var results: [(factor: Double, offset: Double, score: Double, rival: Double)] = []
    for (factor, _) in syncFactors {
        let b = coarse.bestOffset(factor, in: -search...search, grid: 0.05)
        results.append((factor, b.offset, b.score, b.rival))
    }
    let plain = results[0]
    // Another factor must beat factor 1 by a tenth of a point (two cues' edges in twenty).
    let other = results.dropFirst().max { $0.score < $1.score }
    var chosen = other.map { $0.score > plain.score + 0.1 ? $0 : plain } ?? plain
    var factor = chosen.factor, offset = chosen.offset
    // None of the named factors lines the cues up surely: try factors 0.95–1.05 in 0.25 % steps
    // (a 50 ms grid), and keep one that beats the named ones clearly.
    if SubtitleAligner.confidence(margin: chosen.score - chosen.rival, cues: counted) < 0.8, cues.count >= 10 {
        var f = 0.95
        var found: (factor: Double, offset: Double, score: Double, rival: Double)?
        while f <= 1.05 + 1e-9 {
            if !syncFactors.contains(where: { abs($0.0 - f) < 0.001 }) {
                let b = coarse.bestOffset(f, in: -search...search, grid: 0.1)
                if found == nil || b.score > found!.score { found = (f, b.offset, b.score, b.rival) }
            }
            f += 0.0025
        }
        if let found, found.score > chosen.score + 0.1 {
            chosen = found
            factor = found.factor
            offset = found.offset
        }
    }

    // A drift none of the named factors explains: a line through the in-times that found their
    // speech start within 300 ms, kept when it scores better.
    var pairs: [(cue: Double, speech: Double)] = []
    for c in cues {
        let a = (c.lowerBound - offset) / factor
        var best: Double?
        for s in speech where abs(s.lowerBound - a) <= 0.3 { if best == nil || abs(s.lowerBound - a) < abs(best! - a) { best = s.lowerBound } }
        if let s = best { pairs.append((c.lowerBound, s)) }
    }
    if pairs.count >= 10 {
        let n = Double(pairs.count)
        let ms = pairs.map(\.speech).reduce(0, +) / n, mc = pairs.map(\.cue).reduce(0, +) / n
        let sxx = pairs.map { ($0.speech - ms) * ($0.speech - ms) }.reduce(0, +)
        if sxx > 0 {
            let f = pairs.map { ($0.speech - ms) * ($0.cue - mc) }.reduce(0, +) / sxx
            let o = mc - f * ms
            if abs(f - factor) > 0.0005, abs(f - 1) < 0.1 {
                let s = coarse.score(o, f)
                if s > chosen.score + 0.02 {
                    let rival = coarse.bestOffset(f, in: -search...search, grid: 0.05).rival
                    chosen = (f, o, s, rival)
                    factor = f
                    offset = o
                }
            }
        }
    }
    var confidence = SubtitleAligner.confidence(margin: chosen.score - chosen.rival, cues: counted)
    // The in-times alone: agreeing, the surer of the two stands; disagreeing and surer, they win.
    if let inTimes = estimateSyncByInTimes(cues: cues, speech: speech, search: search) {
        let agree = abs(inTimes.offset - offset) <= 0.15 && abs(inTimes.factor / factor - 1) < 0.001
        if agree {
            confidence = max(confidence, inTimes.confidence)
        } else if inTimes.confidence > confidence {
            confidence = inTimes.confidence
            offset = inTimes.offset
            factor = inTimes.factor
            chosen = (factor, offset, coarse.score(offset, factor), chosen.rival)
        }
    }
    // The score is flat to within the kernels' full-weight zones: the offset is placed by the
    // median of the in-times that found their speech start within 150 ms.
    if let median = aligner.medianOffset(offset, factor) { offset = median }

    // Runs of 20 cues (10 apart), each placed within 3 s of the whole file's alignment.
    var regions: [(start: Double, offset: Double, overlap: Double)] = []
    var runs: [(range: Range<Int>, offset: Double, confidence: Double)] = []
    if cues.count >= 40 {
        var i = 0
        while i + 20 <= cues.count {
            let r = i..<(i + 20)
            let b = aligner.bestOffset(factor, in: (offset - 3)...(offset + 3), r)
            let c = SubtitleAligner.confidence(margin: b.score - b.rival, cues: 20)
            runs.append((r, b.offset, c))
            regions.append((cues[i].lowerBound, b.offset, c))
            i += 10
        }
    }
    // A step: confident runs on either side that disagree by 250 ms or more; the change is put
    // at the cue where two offsets score best, and kept when both sides are confident.
    var step: (cue: Int, time: Double, after: Double)?
    if let firstRun = runs.first(where: { $0.confidence >= 0.8 }),
       let lastRun = runs.last(where: { $0.confidence >= 0.8 }), abs(lastRun.offset - firstRun.offset) >= 0.25 {
        var best: (k: Int, total: Double, before: Double, after: Double)?
        var k = 10
        while k <= cues.count - 10 {
            let before = aligner.bestOffset(factor, in: (firstRun.offset - 0.5)...(firstRun.offset + 0.5), 0..<k)
            let after = aligner.bestOffset(factor, in: (lastRun.offset - 0.5)...(lastRun.offset + 0.5), k..<cues.count)
            let total = before.score * Double(k) + after.score * Double(cues.count - k)
            if best == nil || total > best!.total { best = (k, total, before.offset, after.offset) }
            k += max(1, cues.count / 100)
        }
        if let b = best, b.total > aligner.score(offset, factor) * Double(cues.count) + 0.5, abs(b.after - b.before) >= 0.25 {
            offset = aligner.medianOffset(b.before, factor, 0..<b.k) ?? b.before
            step = (b.k, cues[b.k].lowerBound, aligner.medianOffset(b.after, factor, b.k..<cues.count) ?? b.after)
        }
    }

    var estimate = SubtitleSyncEstimate(offset: offset, factor: factor, overlap: 0, confidence: confidence, regions: regions, step: step)
    var over = 0.0
    for (i, c) in cues.enumerated() {
        let a = estimate.corrected(c.lowerBound), b = estimate.corrected(c.upperBound)
        let under = aligner.speechUnder(a, b)
        over += under * factor
        if under <= 0 { estimate.offSpeech.append(i) }
    }
    estimate.overlap = min(1, over / cueTotal)
    estimate.overlapAsIs = cues.reduce(0) { $0 + aligner.speechUnder($1.lowerBound, $1.upperBound) } / cueTotal
    return estimate
}
