import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Loudness of a file checked in time ranges (`check --range`, then `merge`): BS.1770 gates every
/// block of the programme together, so a range does not judge; it keeps its gating blocks'
/// loudness (a histogram at 0.01 LU), its short-term values (for the loudness range), its speech
/// blocks and its true peak, and the merge measures the programme from all of them.
extension LoudnessChecker {
    /// Loudness values counted at 0.01 LU, as `[[lufs, count], ...]`.
    static func histogram(_ values: [Float]) -> SummaryValue {
        var counts: [Int: Int] = [:]
        for v in values { counts[Int((Double(v) * 100).rounded()), default: 0] += 1 }
        return .list(counts.keys.sorted().map { .list([.number(Double($0) / 100), .integer(Int64(counts[$0]!))]) })
    }

    static func counted(_ value: SummaryValue?) -> [(lufs: Double, count: Int)] {
        guard case .list(let pairs)? = value else { return [] }
        return pairs.compactMap { pair in
            guard case .list(let p) = pair, p.count == 2, let l = p[0].number, let n = p[1].number else { return nil }
            return (l, Int(n))
        }
    }

    /// What a range keeps of each stream, in its summary under `ranges`.
    func rangeState(_ grid: (start: MediaTime, end: MediaTime?)) -> CheckerResult {
        let from = grid.start.seconds, to = grid.end?.seconds ?? .infinity
        func owned(_ blockStart: Double) -> Bool { blockStart >= from - 1e-6 && blockStart < to - 1e-6 }
        var streams: [SummaryValue] = []
        var series: [Series] = []
        for stream in meters.keys.sorted() {
            let meter = meters[stream]!
            let figures = meter.measure()
            let span = spans[stream]!
            let blocks = meter.momentary.filter { owned($0.end - 0.4) }
            // libebur128's loudness range reads a 3 s block every second of the stream (from its
            // first sample, here the programme's start): the range keeps those.
            let ownedShortTerm = meter.shortTerm.filter { owned($0.end - 3) }
            let shortTerm = ownedShortTerm.filter { abs(($0.end - 3) - ($0.end - 3).rounded()) < 0.05 }
            var s: [String: SummaryValue] = [
                "stream": .integer(Int64(stream)), "blocks": Self.histogram(blocks.map(\.lufs)), "shortTerm": Self.histogram(shortTerm.map(\.lufs)),
                // Exact (value, timescale): the merged finding spans the programme to the sample.
                "spanStart": .list([.integer(span.start.value), .integer(span.start.timescale)]),
                "spanEnd": .list([.integer(span.end.value), .integer(span.end.timescale)]),
            ]
            if let p = figures.truePeak { s["truePeakDBTP"] = .number(p) }
            if let m = ownedShortTerm.map(\.lufs).max(), m > -200 { s["maxShortTermLUFS"] = .number(Double(m)) }
            if !meter.excludedChannels.isEmpty { s["excludedChannels"] = .text(meter.excludedChannels.sorted().joined(separator: ", ")) }
            if let ranges = speech[stream] {
                s["speechSeconds"] = .number(ranges.reduce(0) { $0 + max(0, min($1.upperBound, to) - max($1.lowerBound, from)) })
                s["dialogueBlocks"] = Self.histogram(blocks.filter { Self.isSpeech(blockEnd: $0.end, ranges) }.map(\.lufs))
            }
            streams.append(.record(s))
            var line = SeriesBuilder(span: 1)
            for (i, v) in meter.shortTermSeries.enumerated() { line.add(v, at: span.start.seconds + Double(i + 1)) }
            series.append(shortTermSeries(stream: stream, points: line.points))
        }
        return CheckerResult(findings: [], summary: ["standard": .text(options.standard), "ranges": .list(streams)], series: series)
    }

    /// Whether the 400 ms block ending at `blockEnd` is at least half speech.
    static func isSpeech(blockEnd end: Double, _ ranges: some Sequence<ClosedRange<Double>>) -> Bool {
        let start = end - 0.4
        return ranges.reduce(0.0) { $0 + max(0, min($1.upperBound, end) - max($1.lowerBound, start)) } >= 0.2
    }

    public static func merge(ranges: [CheckerResult], options: Options, context: CheckContext) -> CheckerResult {
        var byStream: [Int: [[String: SummaryValue]]] = [:]
        for r in ranges {
            guard case .list(let streams)? = r.summary["ranges"] else { continue }
            for case .record(let s) in streams {
                if case .integer(let i)? = s["stream"] { byStream[Int(i), default: []].append(s) }
            }
        }
        var findings: [Finding] = []
        var perStream: [[String: SummaryValue]] = []
        for stream in byStream.keys.sorted() {
            let parts = byStream[stream]!
            func number(_ s: [String: SummaryValue], _ key: String) -> Double? { s[key]?.number }
            let blocks = parts.flatMap { counted($0["blocks"]) }
            let shortTerm = parts.flatMap { counted($0["shortTerm"]) }
            let figures = LoudnessFigures(integrated: integratedLoudness(blocks), range: loudnessRange(shortTerm) ?? (shortTerm.isEmpty ? nil : 0),  // silence: 0 LU, as libebur128 says
                                          truePeak: parts.compactMap { number($0, "truePeakDBTP") }.max(),
                                          maxMomentary: blocks.filter { $0.lufs > -200 }.map(\.lufs).max(),
                                          maxShortTerm: parts.compactMap { number($0, "maxShortTermLUFS") }.max())
            func time(_ s: [String: SummaryValue], _ key: String) -> MediaTime? {
                guard case .list(let v)? = s[key], v.count == 2, case .integer(let value) = v[0], case .integer(let scale) = v[1], scale > 0 else { return nil }
                return MediaTime(value: value, timescale: scale)
            }
            let span = (start: parts.compactMap { time($0, "spanStart") }.min() ?? .zero, end: parts.compactMap { time($0, "spanEnd") }.max() ?? .zero)
            let excluded = parts.compactMap { if case .text(let t)? = $0["excludedChannels"] { return t }; return nil }.first
            var s = streamSummary(stream, figures, excluded: excluded.map { [$0] } ?? [])
            var dialogue: Double?
            if parts.contains(where: { $0["speechSeconds"] != nil }) {
                let speech = parts.compactMap { number($0, "speechSeconds") }.reduce(0, +)
                s["dialogueShare"] = .number(min(1, speech / max((span.end - span.start).seconds, 1e-9)))
                dialogue = integratedLoudness(parts.flatMap { counted($0["dialogueBlocks"]) })
                if let dialogue { s["dialogueLUFS"] = .number(dialogue) }
            }
            perStream.append(s)
            findings += judge(figures, dialogue: dialogue, stream: stream, span: span, options: options, context: context)
        }
        var summary = runSummary(perStream, standard: options.standard)
        summary["note"] = .text("joined from \(ranges.count) time ranges: gated from every range's blocks together")
        return CheckerResult(findings: findings, summary: summary, series: mergeByDefault(ranges).series)
    }
}
