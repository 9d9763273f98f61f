import Foundation
import GreenlightCore
import GreenlightValues

/// What goes wrong with sound channels before anyone listens: clipping, DC offset, a channel
/// silent for the whole programme, a pair that is phase-inverted or identical, and a layout
/// other than the one delivery expects.
public final class AudioHealthChecker: Checker {
    public static let description = CheckerDescription(
        id: "audio-health", title: "Audio health",
        catches: "Clipped samples, DC offset, a dead channel, a phase-inverted or duplicated pair, an unexpected channel layout.",
        why: "Clipping and phase inversion are heard on every system; a dead or duplicated channel is a patching error; delivery specs fix the layout.",
        defaultSeverity: .warning,
        codes: ["audio.clipping", "audio.dc-offset", "audio.dead-channel", "audio.phase", "audio.layout"],
        options: optionSpecs)
    public static let features: FeatureSet = [.audioSamples]
    /// Its findings are about the whole programme: not run on a time range.
    public static var needsWholeProgramme: Bool { true }

    /// Running measurements of one channel.
    struct Channel {
        var name: String
        var sum = 0.0, count = 0
        var peak: Float = 0
        var clippedSamples = 0
        var clippedRuns = 0
        var run = 0
        var firstClip: MediaTime?
        var lastClip: MediaTime?
    }

    /// Running correlation of one pair over the samples where either carries sound.
    struct Pair {
        var left: Int, right: Int, name: String
        var lr = 0.0, ll = 0.0, rr = 0.0, diff = 0.0
    }

    /// One run of a stream with one layout.
    struct Layout {
        var channels: [Channel]
        var pairs: [Pair]
        var layout: String?
        var start: MediaTime
        var end: MediaTime
    }

    private let options: Options
    private let context: CheckContext
    private var streams: [Int: [Layout]] = [:]

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    /// Left/right pairs by their names in a layout.
    static func pairs(_ names: [String]) -> [Pair] {
        // Two channels the layout does not name are taken for a left/right pair.
        if names == ["channel 1", "channel 2"] { return [Pair(left: 0, right: 1, name: "channel 1/channel 2")] }
        let candidates = [("FL", "FR"), ("SL", "SR"), ("BL", "BR"), ("FLC", "FRC"), ("TFL", "TFR")]
        return candidates.compactMap { l, r in
            guard let li = names.firstIndex(of: l), let ri = names.firstIndex(of: r) else { return nil }
            return Pair(left: li, right: ri, name: "\(l)/\(r)")
        }
    }

    public func consume(samples block: AudioSampleBlock) {
        let names = block.format.channelNames ?? block.channels.indices.map { "channel \($0 + 1)" }
        var runs = streams[block.streamIndex] ?? []
        if runs.last.map({ $0.channels.count != block.channels.count || $0.layout != block.format.layout }) ?? true {
            runs.append(Layout(channels: names.map { Channel(name: $0) }, pairs: Self.pairs(names), layout: block.format.layout,
                               start: block.start, end: block.end))
        }
        var run = runs.removeLast()
        let rate = Int64(max(block.format.sampleRate, 1))
        let full = Float(options.clipLevel)
        for c in block.channels.indices where c < run.channels.count {
            var ch = run.channels[c]
            for (i, v) in block.channels[c].enumerated() {
                ch.sum += Double(v)
                let a = abs(v)
                ch.peak = max(ch.peak, a)
                if a >= full {
                    ch.run += 1
                    if ch.run == options.clipRun {
                        ch.clippedRuns += 1
                        ch.clippedSamples += ch.run
                        let t = block.start + MediaTime(value: Int64(i), timescale: rate)
                        if ch.firstClip == nil { ch.firstClip = t }
                        ch.lastClip = t
                    } else if ch.run > options.clipRun {
                        ch.clippedSamples += 1
                    }
                } else {
                    ch.run = 0
                }
            }
            ch.count += block.channels[c].count
            run.channels[c] = ch
        }
        for p in run.pairs.indices {
            let l = block.channels[run.pairs[p].left], r = block.channels[run.pairs[p].right]
            var lr = 0.0, ll = 0.0, rr = 0.0, diff = 0.0
            for i in l.indices {
                let a = Double(l[i]), b = Double(r[i])
                lr += a * b
                ll += a * a
                rr += b * b
                diff += (a - b) * (a - b)
            }
            run.pairs[p].lr += lr
            run.pairs[p].ll += ll
            run.pairs[p].rr += rr
            run.pairs[p].diff += diff
        }
        run.end = block.end
        runs.append(run)
        streams[block.streamIndex] = runs
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        var findings: [Finding] = []
        var summary: [String: SummaryValue] = [:]
        func add(_ code: String, _ severity: Severity, _ start: MediaTime, _ stop: MediaTime, _ message: String,
                 _ m: [String: Double], stream: Int, channel: String? = nil) {
            findings.append(context.finding(checker: Self.description.id, code: code, severity: severity, placement: nil,
                                            start: max(.zero, start), end: max(.zero, stop), message: message, measurements: m,
                                            stream: stream, channel: channel))
        }
        var clippedTotal = 0
        for stream in streams.keys.sorted() {
            for run in streams[stream]! {
                let layoutName = run.layout ?? "\(run.channels.count) channels"
                // "5.1" accepts FFmpeg's "5.1(side)" too: side or back surrounds are the same delivery layout.
                if let expected = options.layout, !expected.isEmpty, layoutName != expected, !layoutName.hasPrefix(expected + "(") {
                    add("audio.layout", .error, run.start, run.end,
                        "Stream \(stream) is \(layoutName); the profile expects \(expected).", ["channels": Double(run.channels.count)], stream: stream)
                }
                let loudest = run.channels.map(\.peak).max() ?? 0
                for ch in run.channels {
                    clippedTotal += ch.clippedSamples
                    if ch.clippedRuns > 0, let first = ch.firstClip, let last = ch.lastClip {
                        add("audio.clipping", .warning, first, last + MediaTime(value: 1, timescale: 1000),
                            "Channel \(ch.name) of stream \(stream) clips: \(ch.clippedSamples) samples at full scale in \(ch.clippedRuns) run(s) of \(options.clipRun) or more, from \(context.label(first)) to \(context.label(last)).",
                            ["clippedSamples": Double(ch.clippedSamples), "runs": Double(ch.clippedRuns)], stream: stream, channel: ch.name)
                    }
                    let mean = ch.count > 0 ? ch.sum / Double(ch.count) : 0
                    if abs(mean) >= options.dcOffset, ch.count > 0 {
                        add("audio.dc-offset", .warning, run.start, run.end,
                            "Channel \(ch.name) of stream \(stream) sits \(formatNumber(20 * log10(abs(mean)), decimals: 1)) dBFS off zero (DC offset \(formatNumber(mean, decimals: 4))).",
                            ["dcOffset": mean], stream: stream, channel: ch.name)
                    }
                    let peakDB = ch.peak > 0 ? 20 * log10(Double(ch.peak)) : -200
                    if peakDB <= options.deadLevel, loudest > 0, 20 * log10(Double(loudest)) > options.deadLevel {
                        let lfe = ch.name.hasPrefix("LFE")
                        add("audio.dead-channel", lfe ? .info : .warning, run.start, run.end,
                            "Channel \(ch.name) of stream \(stream) is \(ch.peak == 0 ? "digital silence" : "never above \(formatNumber(peakDB, decimals: 1)) dBFS") for the whole programme while the others carry sound\(lfe ? " (an empty LFE is common)" : "").",
                            ["peakDBFS": max(peakDB, -200)], stream: stream, channel: ch.name)
                    }
                }
                for p in run.pairs where p.ll > 0 && p.rr > 0 {
                    let correlation = p.lr / sqrt(p.ll * p.rr)
                    let residual = 10 * log10(max(p.diff, 1e-30) / max(p.ll, p.rr))
                    if correlation <= -options.phaseCorrelation {
                        add("audio.phase", .warning, run.start, run.end,
                            "The \(p.name) pair of stream \(stream) is phase-inverted (correlation \(formatNumber(correlation, decimals: 2))): it cancels when folded down to mono.",
                            ["correlation": correlation], stream: stream, channel: p.name)
                    } else if residual <= -60 {
                        add("audio.phase", .info, run.start, run.end,
                            "The \(p.name) pair of stream \(stream) carries the same sound on both sides (\(p.diff == 0 ? "identical samples" : "difference \(formatNumber(residual, decimals: 0)) dB")): dual mono where a stereo pair is expected.",
                            ["correlation": correlation, "differenceDB": residual], stream: stream, channel: p.name)
                    }
                    summary["stream\(stream)Correlation\(p.name.replacingOccurrences(of: "/", with: ""))"] = .number(correlation)
                }
            }
        }
        summary["clippedSamples"] = .integer(Int64(clippedTotal))
        return CheckerResult(findings: findings, summary: summary)
    }
}
