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
    /// 0…1: how clearly this alignment beats every other one more than a second away.
    var confidence: Double
    /// Offsets of 60 s regions along the file (start of region, offset, and the region's confidence), factor kept.
    var regions: [(start: Double, offset: Double, overlap: Double)]

    static func == (a: Self, b: Self) -> Bool { a.offset == b.offset && a.factor == b.factor && a.confidence == b.confidence }
}

/// The factors a wrong frame rate or time base leaves, with their names.
let syncFactors: [(Double, String)] = [
    (1, ""), (1001.0 / 1000, "1001/1000 (timed at 30 or 24 fps for 29.97 or 23.976 video)"),
    (1000.0 / 1001, "1000/1001 (timed at 29.97 or 23.976 fps for 30 or 24 fps video)"),
    (25.0 / 24, "25/24 (timed for 24 fps, played at 25)"), (24.0 / 25, "24/25 (timed for 25 fps, played at 24)"),
    (25.0 / (24000.0 / 1001), "25/23.976"), ((24000.0 / 1001) / 25, "23.976/25"),
]

/// Finds the offset (within ±`search` s) and factor that line the cues' in-times up with where
/// speech starts: the same correlation av-sync runs for cuts against sound onsets, each cue
/// counted once against its nearest speech start within ±100 ms. Out-times are left out: a
/// subtitle rightly holds past the end of its speech. The factor is only taken over 1 when it
/// lines up clearly more cues.
func estimateSubtitleSync(cues: [ClosedRange<Double>], speech: [ClosedRange<Double>], search: Double = 10) -> SubtitleSyncEstimate? {
    let cueTotal = cues.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
    guard cues.count >= 3, cueTotal > 0, !speech.isEmpty else { return nil }
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
    let offset = -found * factor
    func overlap(_ o: Double, factor: Double = factor) -> Double {
        var total = 0.0
        for c in cues {
            let a = (c.lowerBound - o) / factor, b = (c.upperBound - o) / factor
            for r in speech where r.upperBound > a && r.lowerBound < b { total += min(b, r.upperBound) - max(a, r.lowerBound) }
        }
        return total
    }
    return SubtitleSyncEstimate(offset: offset, factor: factor, overlap: overlap(offset) / cueTotal, overlapAsIs: overlap(0, factor: 1) / cueTotal,
                                confidence: e.confidence,
                                regions: e.windows.map { (start: $0.start * factor, offset: -$0.offset * factor, overlap: $0.confidence) })
}

