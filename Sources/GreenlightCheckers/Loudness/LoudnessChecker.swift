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

    private let options: Options
    private let context: CheckContext
    private var meters: [Int: LoudnessMeter] = [:]
    private var spans: [Int: (start: MediaTime, end: MediaTime)] = [:]
    /// Speech intervals per stream, from the shared speech analyzer.
    private var speech: [Int: [ClosedRange<Double>]] = [:]

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    public static func analyzers(_ options: Options) -> [AnalyzerRequest] { [.sound(SpeechAnalyzer.self, NoParameters())] }

    public func consume(sound: SoundRecord) {
        speech[sound.block.streamIndex, default: []] += sound.value(SpeechAnalyzer.self)
    }

    public func consume(samples: AudioSampleBlock) {
        let meter = meters[samples.streamIndex] ?? LoudnessMeter()
        meters[samples.streamIndex] = meter
        meter.add(samples.channels, sampleRate: samples.format.sampleRate, names: samples.format.channelNames, start: samples.start.seconds)
        let span = spans[samples.streamIndex]
        spans[samples.streamIndex] = (span?.start ?? samples.start, samples.end)
    }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        var findings: [Finding] = []
        var summary: [String: SummaryValue] = ["standard": .text(options.standard)]
        var perStream: [SummaryValue] = []
        var series: [Series] = []
        for stream in meters.keys.sorted() {
            let meter = meters[stream]!
            let figures = meter.measure()
            let span = spans[stream]!
            var s: [String: SummaryValue] = ["stream": .integer(Int64(stream))]
            if let v = figures.integrated { s["integratedLUFS"] = .number(v) }
            if let v = figures.range { s["rangeLU"] = .number(v) }
            if let v = figures.truePeak { s["truePeakDBTP"] = .number(v) }
            if let v = figures.maxMomentary { s["maxMomentaryLUFS"] = .number(v) }
            if let v = figures.maxShortTerm { s["maxShortTermLUFS"] = .number(v) }
            s["shortTermLUFS"] = .list(meter.shortTermSeries.map { .number($0) })
            // Each short-term value is the 3 s ending at a whole second of the stream.
            var line = SeriesBuilder(span: 1)
            for (i, v) in meter.shortTermSeries.enumerated() { line.add(v, at: span.start.seconds + Double(i + 1)) }
            series.append(Series(id: "loudness.short-term.\(stream)", checker: Self.description.id, title: "Short-term loudness, stream \(stream)",
                                 unit: "LUFS", stream: stream, points: line.points,
                                 guides: [Series.Guide(value: options.target, label: "target (\(options.standard))")],
                                 shade: [Self.description.id], lower: -60, upper: 0))
            if !meter.excludedChannels.isEmpty { s["excludedChannels"] = .text(meter.excludedChannels.sorted().joined(separator: ", ")) }
            if figures.integrated == nil { s["note"] = .text("nothing above the -70 LUFS gate: no programme loudness") }
            var dialogue: Double?
            if let ranges = speech[stream] {
                let covered = ranges.reduce(0) { $0 + $1.upperBound - $1.lowerBound }
                let length = max((span.end - span.start).seconds, 1e-9)
                s["dialogueShare"] = .number(min(1, covered / length))
                s["speech"] = .list(ranges.map { .list([.number($0.lowerBound), .number($0.upperBound)]) })
                // Blocks at least half speech.
                var index = 0
                dialogue = gatedLoudness(meter.momentary) { end in
                    let start = end - 0.4
                    while index < ranges.count, ranges[index].upperBound <= start { index += 1 }
                    var covered = 0.0, j = index
                    while j < ranges.count, ranges[j].lowerBound < end {
                        covered += min(ranges[j].upperBound, end) - max(ranges[j].lowerBound, start)
                        j += 1
                    }
                    return covered >= 0.2
                }
                if let dialogue { s["dialogueLUFS"] = .number(dialogue) }
            }
            perStream.append(.record(s))
            if stream == meters.keys.min() { for (k, v) in s where k != "stream" { summary[k] = v } }
            findings += judge(figures, dialogue: dialogue, stream: stream, span: span)
        }
        if perStream.count > 1 { summary["streams"] = .list(perStream) }
        return CheckerResult(findings: findings, summary: summary, series: series)
    }

    private func judge(_ f: LoudnessFigures, dialogue: Double?, stream: Int, span: (start: MediaTime, end: MediaTime)) -> [Finding] {
        var out: [Finding] = []
        func add(_ code: String, _ message: String, _ measurements: [String: Double]) {
            out.append(context.finding(checker: Self.description.id, code: code, severity: .warning, placement: .whole,
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
