import Foundation
import GreenlightCore
import GreenlightValues

/// Double-system sound: the production sound (a Broadcast WAV from the recorder, `--sound DIR`)
/// matched to the camera clip by timecode, then lined up by content against the camera's own
/// scratch sound, to find where it truly belongs.
///
/// The engine matches the clip to the file whose `bext` timecode overlaps it most and hands its
/// sound over the clip (10 s either side) at 8 kHz (``ProductionSoundMatch``). The scratch track
/// (the clip's first sound stream) is reduced the same way. Both are high-passed (a first
/// difference: the camera's rumble and level do not matter) and correlated: first their
/// envelopes (10 ms steps) over ±10 s, then the waveforms over ±15 ms of that, to the sample,
/// the peak refined between samples (a parabola through it and its neighbours); only lags where
/// the two share half the scratch or 5 s count. Confidence: how far the envelope's peak stands
/// above the best correlation 100 ms or more away (full at 0.3) times how high it is (full at
/// 0.6): the same speech scores 1 through a camera mic's noise and band, other speech 0.3. A finding when content and timecode disagree by more than half a frame
/// (`sound.offset`); a clip no file overlaps, `sound.missing`.
public final class SoundSyncChecker: Checker {
    public static let description = CheckerDescription(
        id: "sound-sync", title: "Production sound sync",
        catches: "Production sound (Broadcast WAV, --sound DIR) that timecode places more than half a frame from where the camera's scratch sound says it belongs, and clips no sound file's timecode overlaps.",
        why: "Dailies are synced by timecode; a recorder or camera whose timecode slipped puts every take out of sync, and nobody hears it until the edit.",
        defaultSeverity: .warning,
        codes: ["sound.offset", "sound.missing", "sound.drift"],
        options: [])
    public static let features: FeatureSet = [.audioSamples]
    public static var needsWholeProgramme: Bool { true }
    /// Needs `--sound`: in the dailies profile, not the default.
    public static var runsByDefault: Bool { false }

    public struct Options: CheckerOptions {
        public init(_ values: OptionValues) {}
    }

    static let rate = ProductionSoundMatch.rate
    /// At most this much scratch sound is kept (20 minutes at 8 kHz: 38 MB).
    static let keep = 20 * 60 * rate
    static let minimumConfidence = 0.5

    private let context: CheckContext
    private var scratch: MonoResampler?
    private var stream: Int?
    private var scratchStart: Double?

    public init(options: Options, context: CheckContext) {
        self.context = context
    }

    public func consume(samples block: AudioSampleBlock) {
        if stream == nil { stream = block.streamIndex }
        guard block.streamIndex == stream else { return }
        if scratch == nil {
            scratch = MonoResampler(inputRate: block.format.sampleRate, capacity: Self.keep)
            scratchStart = block.start.seconds
        }
        scratch!.add(block.channels)
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        guard let match = context.productionSound else {
            return CheckerResult(findings: [], notMeasured: "no production sound was given (--sound DIR)")
        }
        guard let file = match.file else {
            let f = context.wholeFileFinding(checker: Self.description.id, code: "sound.missing",
                            message: match.problem.map { "No production sound matched: \($0)." }
                                ?? "No production sound file's timecode overlaps this clip (\(match.candidates) file(s) given): it has no sound recorded for it, or the recorder's timecode was off.")
            return CheckerResult(findings: [f], summary: ["candidates": .integer(Int64(match.candidates))])
        }
        var summary: [String: SummaryValue] = ["soundFile": .text(file.path), "timecodeOffsetSeconds": .number(match.timecodeOffset)]
        if let scene = file.scene { summary["scene"] = .text(scene) }
        if let take = file.take { summary["take"] = .text(take) }
        if let problem = match.problem { return CheckerResult(findings: [], summary: summary, notMeasured: problem) }
        guard let scratch, scratch.output.count >= Self.rate * 2, match.samples.count >= Self.rate * 2 else {
            return CheckerResult(findings: [], summary: summary,
                                 notMeasured: "the clip has no scratch sound (2 s or more) to line the production sound up with: placed by timecode only")
        }
        let estimate = Self.align(scratch: scratch.output, scratchStart: scratchStart ?? 0, production: match.samples, productionStart: match.start)
        guard let estimate else {
            return CheckerResult(findings: [], summary: summary, notMeasured: "the scratch and production sound share too little to compare")
        }
        // Where the production file's first sample truly belongs, against where timecode puts it.
        let measured = match.timecodeOffset - estimate.offset
        summary["offsetSeconds"] = .number(measured)
        summary["confidence"] = .number(estimate.confidence)
        summary["contentMinusTimecodeSeconds"] = .number(-estimate.offset)
        guard estimate.confidence >= Self.minimumConfidence else {
            return CheckerResult(findings: [], summary: summary,
                                 notMeasured: "scratch and production sound do not line up surely (confidence \(formatNumber(estimate.confidence, decimals: 2)), best \(formatNumber(-estimate.offset * 1000, decimals: 1)) ms from timecode)")
        }
        let frame = context.frameRate.map { 1 / $0.doubleValue } ?? 0.04
        var findings: [Finding] = []
        // Over half a frame by more than the measure's own half-millisecond: a disagreement of
        // exactly half a frame is not one.
        if abs(estimate.offset) > frame / 2 + 0.0005 {
            let ms = abs(estimate.offset) * 1000
            findings.append(context.wholeFileFinding(checker: Self.description.id, code: "sound.offset",
                                    message: "Timecode puts the production sound (\((file.path as NSString).lastPathComponent)) \(formatNumber(ms, decimals: 1)) ms (\(formatNumber(abs(estimate.offset) / frame, decimals: 1)) frames) \(estimate.offset > 0 ? "late" : "early") against the camera's scratch sound (confidence \(formatNumber(estimate.confidence, decimals: 2))): slip it \(formatNumber(ms, decimals: 1)) ms \(estimate.offset > 0 ? "earlier" : "later"), and check the recorder's and camera's timecode.",
                                    measurements: ["offsetSeconds": estimate.offset, "confidence": estimate.confidence]))
        }
        return CheckerResult(findings: findings, summary: summary)
    }

    /// How much later (seconds) the production sound's events sit than the scratch's when both
    /// are placed on the clip's time, and how sure that is; nil when they barely overlap.
    static func align(scratch: [Float], scratchStart: Double, production: [Float], productionStart: Double) -> (offset: Double, confidence: Double)? {
        let r = Double(rate)
        func highPass(_ v: [Float]) -> [Float] { v.isEmpty ? [] : [0] + (1..<v.count).map { v[$0] - v[$0 - 1] } }
        let x = highPass(scratch), y = highPass(production)
        // Envelopes at 100 per second.
        let hop = rate / 100
        func envelope(_ v: [Float]) -> [Double] {
            stride(from: 0, to: v.count - hop + 1, by: hop).map { i in Double((i..<i + hop).reduce(Float(0)) { $0 + abs(v[$1]) }) / Double(hop) }
        }
        let ex = envelope(x), ey = envelope(y)
        // ey[m] is at time productionStart + m / 100; ex[k] at scratchStart + k / 100.
        let base = Int(((productionStart - scratchStart) * 100).rounded())
        func ncc(_ a: [Double], _ b: [Double], lag: Int) -> Double? {
            // Pairs a[k] with b[k + lag].
            let lo = max(0, -lag), hi = min(a.count, b.count - lag)
            // Half the scratch or 5 s, whichever is more: a short overlap correlates by chance.
            guard hi - lo >= max(500, a.count / 2) else { return nil }
            var ma = 0.0, mb = 0.0
            for k in lo..<hi { ma += a[k]; mb += b[k + lag] }
            ma /= Double(hi - lo); mb /= Double(hi - lo)
            var sab = 0.0, saa = 0.0, sbb = 0.0
            for k in lo..<hi { let da = a[k] - ma, db = b[k + lag] - mb; sab += da * db; saa += da * da; sbb += db * db }
            return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : nil
        }
        // Offset d (seconds): the production event at t + d matches the scratch at t:
        // ey index m = k + (d * 100) - base.
        var scores: [(d: Int, score: Double)] = []
        for d in -1000...1000 { if let s = ncc(ex, ey, lag: d - base) { scores.append((d, s)) } }
        guard let best = scores.max(by: { $0.score < $1.score }) else { return nil }
        let rival = scores.filter { abs($0.d - best.d) >= 10 }.map(\.score).max() ?? 0
        let confidence = max(0, min(1, (best.score - rival) / 0.3)) * max(0, min(1, best.score / 0.6))
        // Fine: the waveforms, ±15 ms around the envelope's peak, to the sample.
        let window = Int(0.015 * r)
        let sampleBase = Int(((productionStart - scratchStart) * r).rounded())
        let coarse = best.d * hop
        // At most 30 s of the scratch, from where both have sound.
        var fine: [(Int, Double)] = []
        for d in (coarse - window)...(coarse + window) {
            let lag = d - sampleBase
            let lo = max(0, -lag), hi = min(x.count, y.count - lag, lo + 30 * rate)
            guard hi - lo > rate else { continue }
            var sab: Float = 0, saa: Float = 0, sbb: Float = 0
            for k in lo..<hi { let a = x[k], b = y[k + lag]; sab += a * b; saa += a * a; sbb += b * b }
            if saa > 0 && sbb > 0 { fine.append((d, Double(sab / (saa * sbb).squareRoot()))) }
        }
        guard let peak = fine.indices.max(by: { fine[$0].1 < fine[$1].1 }) else { return (Double(best.d) / 100, confidence) }
        var at = Double(fine[peak].0)
        if peak > 0, peak < fine.count - 1 {
            let a = fine[peak - 1].1, b = fine[peak].1, c = fine[peak + 1].1
            let denominator = a - 2 * b + c
            if denominator < 0 { at += 0.5 * (a - c) / denominator }
        }
        return (at / r, confidence)
    }
}

extension SoundSyncChecker {
    /// The recorder's clock against the camera's over the day: a line through the clips' measured
    /// offsets (content against timecode, confidence 0.5 or more) by their start timecode, when
    /// three clips or more span ten minutes or more. Its slope in ppm goes into each clip's
    /// summary (`driftPpm`); 5 ppm or more (18 ms an hour) is `sound.drift` on each.
    public static func crossCheck(_ reports: [FileReport], profile: Profile) -> [FileReport] {
        guard profile.checkers.contains(where: { $0.type.description.id == description.id }) else { return reports }
        var points: [(index: Int, time: Double, offset: Double)] = []
        for (i, r) in reports.enumerated() {
            guard let s = r.summaries[description.id], let offset = s["contentMinusTimecodeSeconds"]?.number,
                  let confidence = s["confidence"]?.number, confidence >= minimumConfidence,
                  let label = r.media?.startTimecode, let rate = r.media?.primaryVideo?.timecodeRate,
                  let tc = Timecode(parsing: label, rate: rate) else { continue }
            points.append((i, Double(tc.frameCount) / rate.doubleValue, offset))
        }
        guard points.count >= 3, let first = points.map(\.time).min(), let last = points.map(\.time).max(), last - first >= 600 else { return reports }
        let n = Double(points.count)
        let mt = points.map(\.time).reduce(0, +) / n, mo = points.map(\.offset).reduce(0, +) / n
        let slope = points.map { ($0.time - mt) * ($0.offset - mo) }.reduce(0, +) / points.map { ($0.time - mt) * ($0.time - mt) }.reduce(0, +)
        let ppm = slope * 1_000_000
        var out = reports
        for p in points {
            out[p.index].summaries[description.id]?["driftPpm"] = .number(ppm)
            guard abs(ppm) >= 5 else { continue }
            var f = Finding(checker: description.id, code: "sound.drift", severity: .warning, placement: .whole, start: 0,
                            end: reports[p.index].media?.duration ?? 0, startFrame: nil, endFrame: nil, startTimecode: nil, endTimecode: nil,
                            message: "Over the day's \(points.count) synced clips (\(formatNumber((last - first) / 60, decimals: 0)) minutes of timecode) the production sound \(ppm > 0 ? "falls behind" : "runs ahead of") the camera by \(formatNumber(abs(ppm), decimals: 1)) ppm (\(formatNumber(abs(slope) * 3_600_000, decimals: 0)) ms an hour): the recorder's and camera's clocks are not locked; jam-sync them.",
                            measurements: ["driftPpm": ppm])
            f.severity = profile.severity(for: f)
            out[p.index].findings.append(f)
            out[p.index].verdict = max(out[p.index].verdict, Verdict(findings: out[p.index].findings))
        }
        return out
    }
}
