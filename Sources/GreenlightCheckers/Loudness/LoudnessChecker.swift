import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Programme loudness of every sound stream (ITU-R BS.1770-4 through libebur128): integrated
/// loudness against the chosen standard, true peak, loudness range, and the momentary and
/// short-term maxima with a short-term series for plots.
public final class LoudnessChecker: Checker {
    public static let description = CheckerDescription(
        id: "loudness", title: "Loudness",
        catches: "Programme loudness off the delivery target, true peaks over the ceiling, a loudness range too wide to air.",
        why: "Broadcasters and platforms reject or renormalise masters that miss their loudness target; overs distort after encoding.",
        defaultSeverity: .warning,
        codes: ["loudness.integrated", "loudness.dialogue", "loudness.true-peak", "loudness.range"],
        options: optionSpecs)
    public static let features: FeatureSet = [.audioSamples]

    let options: Options
    private let context: CheckContext
    private(set) var meters: [Int: LoudnessMeter] = [:]
    private(set) var spans: [Int: (start: MediaTime, end: MediaTime)] = [:]
    /// Speech intervals per stream, from the shared speech analyzer.
    private(set) var speech: [Int: [ClosedRange<Double>]] = [:]

    /// In a time range's check: the 100 ms grid points (from the programme's start) at or after
    /// its start and end. The range measures the gating blocks that start between them.
    private let grid: (start: MediaTime, end: MediaTime?)?
    /// Where the last samples measured end, per stream.
    private var fedTo: MediaTime?

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
        grid = context.range.map { r in
            func up(_ t: MediaTime) -> MediaTime { MediaTime(value: Int64((t.seconds * 10 - 1e-6).rounded(.up)), timescale: 10) }
            return (up(r.start), r.end.map(up))
        }
    }

    /// A range reads on until the short-term blocks that start in it (3 s long) are whole.
    public var openSince: MediaTime? {
        guard let end = grid?.end, !meters.isEmpty else { return nil }
        return (fedTo ?? .zero) < end + MediaTime(value: 3, timescale: 1) ? end - MediaTime(value: 1, timescale: 10) : nil
    }

    public static func analyzers(_ options: Options) -> [AnalyzerRequest] { [.sound(SpeechAnalyzer.self, NoParameters())] }

    public func consume(sound: SoundRecord) {
        speech[sound.block.streamIndex, default: []] += sound.value(SpeechAnalyzer.self).intervals
    }

    public func consume(samples: AudioSampleBlock) {
        var channels = samples.channels
        var start = samples.start
        if let grid {
            // A range measures from its first grid point on, so its blocks fall where a check of
            // the whole file has them.
            guard samples.end > grid.start else { return }
            if start < grid.start {
                let skip = min(channels.first?.count ?? 0, Int(((grid.start - start).seconds * Double(samples.format.sampleRate)).rounded()))
                channels = channels.map { Array($0[skip...]) }
                start = grid.start
            }
        }
        let meter = meters[samples.streamIndex] ?? LoudnessMeter(keepsShortTerm: grid != nil)
        meters[samples.streamIndex] = meter
        meter.add(channels, sampleRate: samples.format.sampleRate, names: samples.format.channelNames, start: start.seconds)
        let span = spans[samples.streamIndex]
        spans[samples.streamIndex] = (span?.start ?? start, samples.end)
        fedTo = max(fedTo ?? samples.end, samples.end)
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        if let grid { return rangeState(grid) }
        var findings: [Finding] = []
        var perStream: [[String: SummaryValue]] = []
        var series: [Series] = []
        for stream in meters.keys.sorted() {
            let meter = meters[stream]!
            let figures = meter.measure()
            let span = spans[stream]!
            var s = Self.streamSummary(stream, figures, excluded: meter.excludedChannels.sorted())
            s["shortTermLUFS"] = .list(meter.shortTermSeries.map { .number($0) })
            // Each short-term value is the 3 s ending at a whole second of the stream.
            var line = SeriesBuilder(span: 1)
            for (i, v) in meter.shortTermSeries.enumerated() { line.add(v, at: span.start.seconds + Double(i + 1)) }
            series.append(shortTermSeries(stream: stream, points: line.points))
            var dialogue: Double?
            if let ranges = speech[stream] {
                let covered = ranges.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
                let length = max((span.end - span.start).seconds, 1e-9)
                s["dialogueShare"] = .number(min(1, covered / length))
                s["speech"] = .list(ranges.map { .list([.number($0.lowerBound), .number($0.upperBound)]) })
                // Blocks at least half speech.
                var index = 0
                dialogue = gatedLoudness(meter.momentary) { end in
                    while index < ranges.count, ranges[index].upperBound <= end - 0.4 { index += 1 }
                    return Self.isSpeech(blockEnd: end, ranges[index...].prefix { $0.lowerBound < end })
                }
                if let dialogue { s["dialogueLUFS"] = .number(dialogue) }
            }
            perStream.append(s)
            findings += Self.judge(figures, dialogue: dialogue, stream: stream, span: span, options: options, context: context)
        }
        return CheckerResult(findings: findings, summary: Self.runSummary(perStream, standard: options.standard), series: series)
    }

    /// One stream's figures as its summary says them.
    static func streamSummary(_ stream: Int, _ figures: LoudnessFigures, excluded: [String]) -> [String: SummaryValue] {
        var s: [String: SummaryValue] = ["stream": .integer(Int64(stream))]
        if let v = figures.integrated { s["integratedLUFS"] = .number(v) }
        if let v = figures.range { s["rangeLU"] = .number(v) }
        if let v = figures.truePeak { s["truePeakDBTP"] = .number(v) }
        if let v = figures.maxMomentary { s["maxMomentaryLUFS"] = .number(v) }
        if let v = figures.maxShortTerm { s["maxShortTermLUFS"] = .number(v) }
        if !excluded.isEmpty { s["excludedChannels"] = .text(excluded.joined(separator: ", ")) }
        if figures.integrated == nil { s["note"] = .text("nothing above the -70 LUFS gate: no programme loudness") }
        return s
    }

    /// The checker's summary: the first stream's figures at the top, every stream's under `streams` when there are several.
    static func runSummary(_ perStream: [[String: SummaryValue]], standard: String) -> [String: SummaryValue] {
        var summary: [String: SummaryValue] = ["standard": .text(standard)]
        if let first = perStream.first { for (k, v) in first where k != "stream" { summary[k] = v } }
        if perStream.count > 1 { summary["streams"] = .list(perStream.map { .record($0) }) }
        return summary
    }

    func shortTermSeries(stream: Int, points: [Series.Point]) -> Series {
        Series(id: "loudness.short-term.\(stream)", checker: Self.description.id, title: "Short-term loudness, stream \(stream)",
               unit: "LUFS", stream: stream, points: points, guides: [Series.Guide(value: options.target, label: "target (\(options.standard))")],
               shade: [Self.description.id], lower: -60, upper: 0)
    }

    static func judge(_ f: LoudnessFigures, dialogue: Double?, stream: Int, span: (start: MediaTime, end: MediaTime),
                              options: Options, context: CheckContext) -> [Finding] {
        var out: [Finding] = []
        func add(_ code: String, _ message: String, _ measurements: [String: Double]) {
            out.append(context.finding(checker: description.id, code: code, severity: .warning, placement: .whole,
                                       start: max(.zero, span.start), end: span.end, message: message, measurements: measurements, stream: stream))
        }
        if options.dialogueGated {
            if let d = dialogue, abs(d - options.target) > options.tolerance + 1e-9 {
                let off = d - options.target
                add("loudness.dialogue",
                    "Stream \(stream) measures \(formatNumber(d, decimals: 1)) LUFS over its dialogue, \(formatNumber(abs(off), decimals: 1)) LU \(off > 0 ? "louder" : "quieter") than \(options.standard).",
                    ["dialogueLUFS": d, "targetLUFS": options.target, "offsetLU": off])
            }
        } else if let i = f.integrated, abs(i - options.target) > options.tolerance + 1e-9 {
            let off = i - options.target
            add("loudness.integrated",
                "Stream \(stream) measures \(formatNumber(i, decimals: 1)) LUFS integrated, \(formatNumber(abs(off), decimals: 1)) LU \(off > 0 ? "louder" : "quieter") than \(options.standard).",
                ["integratedLUFS": i, "targetLUFS": options.target, "offsetLU": off])
        }
        if let p = f.truePeak, p > options.maxTruePeak + 1e-9 {
            add("loudness.true-peak",
                "Stream \(stream) peaks at \(formatNumber(p, decimals: 1)) dBTP, over the \(formatNumber(options.maxTruePeak)) dBTP ceiling of \(options.standard).",
                ["truePeakDBTP": p, "maxTruePeakDBTP": options.maxTruePeak])
        }
        if options.maxRange > 0, let r = f.range, r > options.maxRange {
            add("loudness.range",
                "Stream \(stream) has a loudness range of \(formatNumber(r, decimals: 1)) LU, wider than \(formatNumber(options.maxRange)) LU: quiet passages will be lost or loud ones too loud at home.",
                ["rangeLU": r, "maxRangeLU": options.maxRange])
        }
        return out
    }
}
