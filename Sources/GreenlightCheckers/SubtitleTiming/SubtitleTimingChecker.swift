import Foundation
import GreenlightAnalyzers
import GreenlightCore
import GreenlightValues

/// Timing and layout rules delivery specs hold subtitles to, per subtitle source (each sidecar,
/// each subtitle stream), in frames of the video's own rate.
public final class SubtitleTimingChecker: Checker {
    public static let description = CheckerDescription(
        id: "subtitle-timing", title: "Subtitle timing",
        catches: "Cues that cannot be read, end before they start, overlap, flash by, stay too long, sit too close, read too fast, run too long or too many lines, fall outside the programme, or miss frame boundaries.",
        why: "Delivery specs (Netflix, BBC) reject subtitle files for timing faults that nobody sees in a text editor.",
        defaultSeverity: .warning,
        codes: ["subtitle.parse-error", "subtitle.invalid-timing", "subtitle.overlap", "subtitle.min-duration", "subtitle.max-duration",
                "subtitle.min-gap", "subtitle.reading-speed", "subtitle.line-length", "subtitle.line-count", "subtitle.out-of-bounds",
                "subtitle.frame-alignment", "subtitle.shot-change", "subtitle.sync-offset", "subtitle.sync-suspected", "subtitle.drift", "subtitle.sync-step",
                "subtitle.off-speech", "subtitle.speech-in-time", "subtitle.speech-out-time"],
        options: optionSpecs)
    public static let features: FeatureSet = [.subtitles, .thumbnail]
    /// Its findings are about the whole programme: not run on a time range.
    public static var needsWholeProgramme: Bool { true }
    public static func analyzers(_ options: Options) -> [AnalyzerRequest] {
        [.sound(SpeechAnalyzer.self, NoParameters()), .frame(CutAnalyzer.self)]
    }

    private let options: Options
    private let context: CheckContext
    private var cues: [String: [SubtitleCue]] = [:]
    private var order: [String] = []
    /// Speech in the first sound stream (the shared speech analyzer).
    private var speech: [ClosedRange<Double>] = []
    private lazy var speechStream = context.audioStreams.map(\.index).min()

    public init(options: Options, context: CheckContext) {
        self.options = options
        self.context = context
    }

    /// Start times of shots after the first (the shared cut detector).
    private var cuts: [MediaTime] = []

    public func consume(frame: FrameRecord) {
        if frame.value(CutAnalyzer.self).isCut { cuts.append(frame.features.time) }
    }

    public func consume(sound: SoundRecord) {
        if sound.block.streamIndex == speechStream { speech += sound.value(SpeechAnalyzer.self).intervals }
    }

    public func consume(cue: SubtitleCue) {
        if cues[cue.source] == nil { order.append(cue.source) }
        cues[cue.source, default: []].append(cue)
    }

    /// A sync estimate under `min-confidence` but at least this sure (or one that puts clearly
    /// more subtitle time over speech than the cues as they stand: 60 % or more, and 15 points
    /// better), and off by `min-sync-offset` or more, is `subtitle.sync-suspected`.
    static let suspicionConfidence = 0.3

    /// What a viewer reads: the visible characters, line breaks not counted.
    static func characters(_ cue: SubtitleCue) -> Int { cue.lines.reduce(0) { $0 + $1.count } }

    public func finish(_ end: ProgrammeEnd) -> CheckerResult {
        var findings: [Finding] = []
        var summary: [String: SummaryValue] = [:]
        let frame = context.frameRate.map { MediaTime(value: $0.denominator, timescale: $0.numerator) }
        let frameSeconds = frame?.seconds ?? 0.04
        let id = Self.description.id

        // Past the report's limit for a code in one source, findings are counted, not made: a
        // subtitle file of a million cues beside a short clip made a million findings (gigabytes)
        // to list 500. Each source's first findings of a code by time include the report's first.
        var made: [String: Int] = [:]
        var unlisted: [String: Finding.Unlisted] = [:]
        func add(_ code: String, _ severity: Severity, _ cue: SubtitleCue, _ message: @autoclosure () -> String, other: SubtitleCue? = nil, _ m: [String: Double] = [:]) {
            let key = cue.source + "\u{0}" + code
            guard made[key, default: 0] < Finding.listedPerCode else {
                let more = unlisted[code] ?? Finding.Unlisted(count: 0, end: 0)
                unlisted[code] = Finding.Unlisted(count: more.count + 1, end: max(more.end, max(cue.start, cue.end).seconds))
                return
            }
            made[key, default: 0] += 1
            let message = message()
            var measurements = m
            measurements["cue"] = Double(cue.number)
            if let other { measurements["otherCue"] = Double(other.number) }
            let text = cue.text.replacingOccurrences(of: "\n", with: " / ")
            let quoted = text.count > 60 ? String(text.prefix(60)) + "…" : text
            let start = max(.zero, min(cue.start, cue.end)), stop = max(.zero, max(cue.start, cue.end))
            findings.append(context.finding(checker: id, code: code, severity: severity, placement: nil, start: start, end: stop,
                                            message: "\(cue.source) cue \(cue.number) \"\(quoted)\": \(message)", measurements: measurements))
        }

        // Sidecars that could not be read, or only in part.
        var sources = order
        for doc in context.subtitles {
            if !sources.contains(doc.source) { sources.append(doc.source) }
            summary["\(doc.source)"] = .record(["format": .text(doc.format), "encoding": .text(doc.encoding),
                                                "cues": .integer(Int64(doc.cues.count)), "parseErrors": .integer(Int64(doc.errors.count))])
            if doc.errors.count > Finding.listedPerCode {
                let more = unlisted["subtitle.parse-error"]?.count ?? 0
                unlisted["subtitle.parse-error"] = Finding.Unlisted(count: more + doc.errors.count - Finding.listedPerCode, end: 0)
            }
            for e in doc.errors.prefix(Finding.listedPerCode) {
                findings.append(context.finding(checker: id, code: "subtitle.parse-error", severity: .warning, placement: nil, start: .zero, end: .zero,
                                                message: "\(doc.source)\(e.line > 0 ? " line \(e.line)" : ""): \(e.message)",
                                                measurements: ["line": Double(e.line)]))
            }
        }

        let minimumDuration = options.minDuration.time(frameRate: context.frameRate).seconds
        let maximumDuration = options.maxDuration.time(frameRate: context.frameRate).seconds
        /// A source's language: the tag before a sidecar's extension (A001.fr.vtt), or its stream's.
        func language(_ source: String) -> String? {
            if source.hasPrefix("stream "), let index = Int(source.dropFirst(7)) {
                return context.media.streams.first { $0.index == index }?.language?.lowercased()
            }
            let parts = source.split(separator: ".")
            return parts.count >= 3 ? parts[parts.count - 2].lowercased() : nil
        }
        for source in sources {
            let list = cues[source] ?? []
            let lang = language(source)
            let maxCPS = lang.flatMap { l in options.cpsByLanguage[l] ?? options.cpsByLanguage[String(l.prefix(2))] } ?? options.maxCPS
            for (i, cue) in list.enumerated() {
                let duration = (cue.end - cue.start).seconds
                if cue.end <= cue.start {
                    add("subtitle.invalid-timing", .error, cue, "ends (\(formatSeconds(cue.end.seconds))) at or before it starts (\(formatSeconds(cue.start.seconds))).")
                    continue
                }
                if duration < minimumDuration - 1e-9 {
                    add("subtitle.min-duration", .warning, cue, "on screen \(formatSeconds(duration)), under \(formatSeconds(minimumDuration)).", ["seconds": duration])
                }
                if duration > maximumDuration + 1e-9 {
                    add("subtitle.max-duration", .warning, cue, "on screen \(formatSeconds(duration)), over \(formatSeconds(maximumDuration)).", ["seconds": duration])
                }
                let chars = Self.characters(cue)
                let cps = Double(chars) / duration
                if cps > maxCPS + 1e-9 {
                    add("subtitle.reading-speed", .warning, cue, "\(chars) characters in \(formatSeconds(duration)): \(formatNumber(cps, decimals: 1)) per second, over \(formatNumber(maxCPS))\(lang.map { " (\($0))" } ?? "").", ["charactersPerSecond": cps])
                }
                let words = cue.text.split(whereSeparator: { $0.isWhitespace }).count
                let wpm = Double(words) / duration * 60
                if options.maxWPM > 0, wpm > options.maxWPM + 1e-9 {
                    add("subtitle.reading-speed", .warning, cue, "\(words) words in \(formatSeconds(duration)): \(formatNumber(wpm, decimals: 0)) per minute, over \(formatNumber(options.maxWPM)).", ["wordsPerMinute": wpm])
                }
                if let long = cue.lines.map(\.count).max(), long > options.maxLineLength {
                    add("subtitle.line-length", .warning, cue, "a line of \(long) characters, over \(options.maxLineLength).", ["characters": Double(long)])
                }
                if cue.lines.count > options.maxLines {
                    add("subtitle.line-count", .warning, cue, "\(cue.lines.count) lines, over \(options.maxLines).", ["lines": Double(cue.lines.count)])
                }
                if let videoEnd = end.videoEnd, context.video != nil, cue.end > videoEnd || cue.start < .zero {
                    add("subtitle.out-of-bounds", .warning, cue, "outside the picture (\(formatSeconds(0))–\(formatSeconds(videoEnd.seconds))).")
                }
                if let rate = context.frameRate {
                    let off = [cue.start, cue.end].map { t -> Double in
                        let frames = t.seconds * Double(rate.numerator) / Double(rate.denominator)
                        return abs(frames - frames.rounded()) * frameSeconds
                    }.max() ?? 0
                    if off > 0.001 {
                        add("subtitle.frame-alignment", .info, cue, "its times are not on frame boundaries at \(rate) fps (up to \(formatNumber(off * 1000, decimals: 1)) ms off).", ["millisecondsOff": off * 1000])
                    }
                }
                // In and out times near a cut but not on it (within half a frame counts as on it).
                for (edge, t) in [("in", cue.start), ("out", cue.end)] where !cuts.isEmpty {
                    let near = cuts.min { abs(($0 - t).seconds) < abs(($1 - t).seconds) }!
                    let off = (t - near).seconds
                    if abs(off) >= frameSeconds / 2 - 1e-6, abs(off) <= 12 * frameSeconds + 1e-6 {
                        add("subtitle.shot-change", .info, cue, "its \(edge) time is \(formatNumber(abs(off) / frameSeconds, decimals: 0)) frames \(off < 0 ? "before" : "after") the cut at \(context.label(near)); put it on the cut or 12 frames away.", ["framesFromCut": off / frameSeconds])
                    }
                }
                // The next cues that start before this one ends overlap it; the next one after it must leave a gap.
                var j = i + 1
                while j < list.count, list[j].start < cue.end {
                    if list[j].end > list[j].start {
                        add("subtitle.overlap", .warning, cue, "overlaps cue \(list[j].number) by \(formatSeconds((min(cue.end, list[j].end) - list[j].start).seconds)).", other: list[j])
                    }
                    j += 1
                }
                if j == i + 1, i + 1 < list.count {
                    let next = list[i + 1]
                    let gap = (next.start - cue.end).seconds
                    let minimum = options.minGap.time(frameRate: context.frameRate).seconds
                    let closed = options.closedGaps && gap <= frameSeconds + 1e-6 && gap >= 0
                    if gap < minimum - 1e-6 && !closed {
                        add("subtitle.min-gap", .warning, cue, "only \(formatSeconds(gap)) (\(formatNumber(gap / frameSeconds, decimals: 1)) frames) before cue \(next.number); at least \(options.minGap) between cues.", other: next, ["gapSeconds": gap])
                    }
                }
            }
        }
        var notMeasured: [String] = []
        // Cues that start past the last speech (with the factor and search room the estimate
        // allows) cannot be lined up with it: left out of the sync measurement, which they would
        // only slow down (a subtitle file far longer than its programme).
        let syncHorizon = (speech.map(\.upperBound).max() ?? 0) * 1.05 + 70
        for source in sources {
            let list = (cues[source] ?? []).filter { $0.end > $0.start && $0.start.seconds <= syncHorizon }
            var sync: [String: SummaryValue] = [:]
            var shifted = false  // the file as a whole is shifted or drifts: cue-by-cue speech rules would all fire
            if speechStream == nil {
                sync["note"] = .text("not measurable: no sound stream")
                if !list.isEmpty { notMeasured.append("\(source)'s sync against speech: there is no sound stream") }
            } else if let e = estimateSubtitleSync(cues: list.map { $0.start.seconds...$0.end.seconds }, speech: speech) {
                sync["offsetSeconds"] = .number(e.offset)
                sync["factor"] = .number(e.factor)
                sync["confidence"] = .number(e.confidence)
                sync["speechOverlap"] = .number(e.overlap)
                sync["speechOverlapAsIs"] = .number(e.overlapAsIs)
                sync["regions"] = .list(e.regions.map { .record(["time": .number($0.start), "offset": .number($0.offset), "confidence": .number($0.overlap)]) })
                if let step = e.step {
                    sync["stepSeconds"] = .number(step.time)
                    sync["offsetAfterStepSeconds"] = .number(step.after)
                }
                sync["cuesOffSpeech"] = .integer(Int64(e.offSpeech.count))
                let late = { (o: Double) in "\(formatNumber(abs(o), decimals: 2)) s \(o > 0 ? "late" : "early")" }
                if e.confidence >= options.minConfidence, let first = list.first, let last = list.last {
                    let named = syncFactors.first { abs($0.0 - e.factor) < 1e-9 }?.1
                    if abs(e.factor - 1) > 1e-9 {
                        shifted = true
                        let cause = named.map { "likely \($0)" } ?? "\(formatNumber((e.factor - 1) * 100, decimals: 2)) %, none of the usual frame-rate factors"
                        findings.append(context.finding(checker: id, code: "subtitle.drift", severity: .warning, placement: nil,
                            start: first.start, end: last.end,
                            message: "\(source): the cues drift against the speech by a factor of \(formatNumber(e.factor, decimals: 5)) (\(cause)), offset \(formatNumber(e.offset, decimals: 2)) s at the start; confidence \(formatNumber(e.confidence, decimals: 2)).",
                            measurements: ["factor": e.factor, "offsetSeconds": e.offset, "confidence": e.confidence]))
                    } else if let step = e.step {
                        shifted = true
                        let at = list[step.cue]
                        findings.append(context.finding(checker: id, code: "subtitle.sync-step", severity: .warning, placement: nil,
                            start: at.start, end: last.end,
                            message: "\(source): the subtitles' offset changes at cue \(at.number) (\(context.label(at.start))): \(late(e.offset)) before it, \(late(step.after)) from it on (a reel or act break re-timed apart); confidence \(formatNumber(e.confidence, decimals: 2)).",
                            measurements: ["offsetSeconds": step.after, "offsetBeforeSeconds": e.offset, "cue": Double(at.number), "confidence": e.confidence]))
                    } else if abs(e.offset) >= options.minSyncOffset {
                        shifted = true
                        findings.append(context.finding(checker: id, code: "subtitle.sync-offset", severity: .warning, placement: nil,
                            start: first.start, end: last.end,
                            message: "\(source): the subtitles run \(late(e.offset)) against the speech (\(formatNumber(e.overlap * 100, decimals: 0))% of subtitle time over speech at that offset; confidence \(formatNumber(e.confidence, decimals: 2))).",
                            measurements: ["offsetSeconds": e.offset, "confidence": e.confidence]))
                    }
                    // At a sure alignment, a cue with no speech under it is either for a sound
                    // (fine) or a line away from its own speech.
                    for i in e.offSpeech {
                        let cue = list[i]
                        add("subtitle.off-speech", .info, cue, "has no speech under it where the subtitles line up with the speech (\(formatSeconds(e.corrected(cue.start.seconds)))–\(formatSeconds(e.corrected(cue.end.seconds))) in the sound); a caption for a sound, or misplaced.")
                    }
                } else if e.confidence < options.minConfidence, let first = list.first, let last = list.last {
                    let fitsBetter = e.overlap >= 0.6 && e.overlap - e.overlapAsIs >= 0.15
                    if abs(e.offset) >= options.minSyncOffset, e.confidence >= Self.suspicionConfidence || fitsBetter {
                        // Too unsure for subtitle.sync-offset, too far off to drop: a subtitle file
                        // two seconds late is a rejected delivery, whatever the confidence.
                        shifted = true
                        findings.append(context.finding(checker: id, code: "subtitle.sync-suspected", severity: .warning, placement: nil,
                            start: first.start, end: last.end,
                            message: "\(source): the subtitles may run \(late(e.offset)) against the speech (\(formatNumber(e.overlap * 100, decimals: 0))% of subtitle time over speech at that offset, \(formatNumber(e.overlapAsIs * 100, decimals: 0))% as they stand; confidence \(formatNumber(e.confidence, decimals: 2)), under the \(formatNumber(options.minConfidence, decimals: 2)) a sync finding needs). Confirm by playing cue \(first.number) against its line of dialogue.",
                            measurements: ["offsetSeconds": e.offset, "confidence": e.confidence, "speechOverlap": e.overlap, "speechOverlapAsIs": e.overlapAsIs]))
                    } else {
                        notMeasured.append("\(source)'s sync against speech: the cues do not line up with the speech at one offset with confidence (\(formatNumber(e.confidence, decimals: 2)); best offset \(formatNumber(e.offset, decimals: 2)) s)")
                    }
                }
            } else {
                sync["note"] = .text("not measurable: too few cues or no speech found")
                if !list.isEmpty { notMeasured.append("\(source)'s sync against speech: too few cues or no speech found") }
            }
            // Cue by cue against the speech it belongs to (when the file as a whole is not shifted).
            if !shifted, !speech.isEmpty {
                let starts = speech.map(\.lowerBound), ends = speech.map(\.upperBound)
                var early = 0, late = 0
                for cue in list {
                    let t = cue.start.seconds, e = cue.end.seconds
                    if let near = starts.min(by: { abs($0 - t) < abs($1 - t) }), abs(near - t) <= 1, abs(near - t) > 3 * frameSeconds + 1e-6 {
                        early += 1
                        add("subtitle.speech-in-time", .info, cue, "comes in \(formatNumber(abs(t - near) / frameSeconds, decimals: 0)) frames \(t < near ? "before" : "after") its speech starts (\(formatSeconds(near))).", ["offsetSeconds": t - near])
                    }
                    if let end = ends.filter({ $0 > t && $0 < e }).max(), e - end > 12 * frameSeconds + 1e-6 {
                        late += 1
                        add("subtitle.speech-out-time", .info, cue, "stays \(formatNumber((e - end) / frameSeconds, decimals: 0)) frames after its speech ends (\(formatSeconds(end))).", ["secondsAfterSpeech": e - end])
                    }
                }
                sync["inTimesOffSpeech"] = .integer(Int64(early))
                sync["outTimesPastSpeech"] = .integer(Int64(late))
            }
            summary["sync \(source)"] = .record(sync)
        }
        summary["cues"] = .integer(Int64(cues.values.reduce(0) { $0 + $1.count }))
        summary["sources"] = .list(sources.map { .text($0) })
        return CheckerResult(findings: findings, summary: summary, unlisted: unlisted,
                             notMeasured: notMeasured.isEmpty ? nil : notMeasured.joined(separator: "; "))
    }
}
